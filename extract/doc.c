/* Word 97-2003 documents (.doc), read per Microsoft's [MS-DOC]
 * specification. libgsf opens the OLE compound file; this file reads the
 * File Information Block (FIB) of the WordDocument stream, the piece table
 * (the Pcdt inside the Clx of the table stream), and the text of each piece
 * of the main document: UTF-16LE, or 8-bit cp1252 when the piece is
 * "compressed". Paragraph marks end lines, cell marks separate cells,
 * fields keep their result and lose their instruction, other control
 * characters are dropped. A table row ends with one more cell mark, whose
 * paragraph properties (in the PapxFkp pages PlcBtePapx lists) say so.
 * Every offset read from the file is checked against the stream it
 * points into. */
#include "extract/container.h"

#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FIB fields ([MS-DOC] 2.5.1 - 2.5.6). */
#define FIB_IDENT 0xA5EC
#define FIB_FLAGS_OFFSET 0x0A
#define FIB_ENCRYPTED 0x0100
#define FIB_WHICH_TABLE 0x0200
#define FIB_CSW_OFFSET 32
#define FIB_CCP_TEXT 3 /* index of ccpText in FibRgLw97 */
#define FIB_PAPX_PAIR 13 /* index of fcPlcfBtePapx/lcbPlcfBtePapx in FibRgFcLcb97 */
#define FIB_CLX_PAIR 33 /* index of fcClx/lcbClx in FibRgFcLcb97 */

/* Paragraph properties ([MS-DOC] 2.9.175 PapxFkp, 2.6.2 Sprm). */
#define FKP_SIZE 512
#define BX_PAP_SIZE 13
#define SPRM_P_F_IN_TABLE 0x2416 /* the paragraph is in a table cell */
#define SPRM_P_F_TTP 0x2417      /* the paragraph ends a table row */
#define SPRM_T_DEF_TABLE 0xD608 /* a variable operand with a 2-byte size */
#define SPRM_P_CHG_TABS 0xC615  /* a variable operand that may size itself */

/* Clx entries ([MS-DOC] 2.9.38). */
#define CLXT_PRC 0x01
#define CLXT_PCDT 0x02
#define PCD_SIZE 8
#define FC_COMPRESSED 0x40000000u
#define FC_MASK 0x3FFFFFFFu

/* Special characters of the text ([MS-DOC] 2.8.25). */
#define CH_CELL 0x07
#define CH_PARAGRAPH 0x0D
#define CH_LINE_BREAK 0x0B
#define CH_PAGE_BREAK 0x0C
#define CH_FIELD_BEGIN 0x13
#define CH_FIELD_SEPARATOR 0x14
#define CH_FIELD_END 0x15
#define CH_NONBREAKING_HYPHEN 0x1E

/* Fields nest; deeper than this they are unheard of, and the extra levels
 * are read as if they were text. */
#define MAX_FIELD_DEPTH 32

static uint16_t u16_at(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Bytes 0x80-0x9F of a compressed piece: Windows-1252, as [MS-DOC] 2.4.1
 * lists; the rest of the byte range is Latin-1. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* A whole stream of the compound file, bounded in size. */
static uint8_t *read_stream(GsfInfile *ole, const char *name, size_t *len)
{
    GsfInput *in = gsf_infile_child_by_name(ole, name);
    if (!in)
        return NULL;
    gsf_off_t size = gsf_input_size(in);
    uint8_t *data = NULL;
    if (size > 0 && (uint64_t)size <= NQX_CONTAINER_MAX_ENTRY) {
        data = nqx_xmalloc((size_t)size);
        if (!gsf_input_read(in, (size_t)size, data)) {
            free(data);
            data = NULL;
        }
    }
    *len = data ? (size_t)size : 0;
    g_object_unref(in);
    return data;
}

/* ---- Writing the text ------------------------------------------------- */

/* Where the paragraph properties are: PlcBtePapx (n + 1 FCs, then the n
 * page numbers of the PapxFkp pages of the WordDocument stream). n is 0
 * when the file has none that can be read. */
struct papx {
    const uint8_t *w;
    size_t wlen;
    const uint8_t *plc;
    size_t n;
};

/* What a paragraph's properties say of its place in a table. */
enum {
    PARA_IN_TABLE = 1,
    PARA_ROW_END = 2,
    PARA_LAYOUT = 4, /* in a table of one row (mark_flags) */
};

/* The PARA_ flags the grpprl g[0..n) of a paragraph sets, or -1 when it
 * cannot be read to the end. */
static int grpprl_flags(const uint8_t *g, size_t n)
{
    int flags = 0;
    for (size_t i = 0; i + 2 <= n;) {
        uint16_t sprm = u16_at(g + i);
        i += 2;
        size_t op;
        switch (sprm >> 13) { /* spra: the operand's size */
        case 0: case 1: op = 1; break;
        case 2: case 4: case 5: op = 2; break;
        case 3: op = 4; break;
        case 7: op = 3; break;
        default:
            if (i >= n || (sprm == SPRM_T_DEF_TABLE && i + 2 > n))
                return -1;
            if (sprm == SPRM_T_DEF_TABLE)
                op = 2 + (size_t)u16_at(g + i) - 1;
            else if (sprm == SPRM_P_CHG_TABS && g[i] == 255)
                return -1;
            else
                op = 1 + (size_t)g[i];
        }
        if (i < n && g[i] && sprm == SPRM_P_F_IN_TABLE)
            flags |= PARA_IN_TABLE;
        if (i < n && g[i] && sprm == SPRM_P_F_TTP)
            flags |= PARA_ROW_END;
        i += op;
    }
    return flags;
}

/* The PARA_ flags of the paragraph that holds the character at stream
 * offset fc, or -1 when the file does not say (no properties, or
 * properties that cannot be read). */
static int para_flags(const struct papx *p, uint32_t fc)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u32_at(p->plc + 4 * (mid + 1)) <= fc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= p->n || u32_at(p->plc + 4 * lo) > fc)
        return -1;
    uint32_t pn = u32_at(p->plc + 4 * (p->n + 1) + 4 * lo) & 0x3FFFFF; /* PnFkpPapx */
    uint64_t page_at = (uint64_t)pn * FKP_SIZE;
    if (page_at + FKP_SIZE > p->wlen)
        return -1;
    const uint8_t *page = p->w + page_at;
    size_t crun = page[FKP_SIZE - 1];
    if (!crun || 4 * (crun + 1) + BX_PAP_SIZE * crun > FKP_SIZE - 1)
        return -1;
    size_t j = 0;
    while (j < crun && !(u32_at(page + 4 * j) <= fc && fc < u32_at(page + 4 * (j + 1))))
        j++;
    if (j == crun)
        return -1;
    size_t at = 2 * (size_t)page[4 * (crun + 1) + BX_PAP_SIZE * j];
    if (!at)
        return 0; /* the paragraph has no properties of its own */
    if (at + 2 > FKP_SIZE - 1)
        return -1;
    /* PapxInFkp: cb, else 0 and cb'; then the istd and the grpprl. */
    size_t start = page[at] ? at + 1 : at + 2;
    size_t size = page[at] ? 2 * (size_t)page[at] - 1 : 2 * (size_t)page[at + 1];
    if (start + size > FKP_SIZE - 1 || size < 2)
        return -1;
    return grpprl_flags(page + start + 2, size - 2);
}

struct doc_text {
    nqx_text_out t;
    /* The PARA_ flags of the paragraph and cell marks in text order
     * (mark_flags; NULL when the file has no paragraph properties), and
     * how many marks have been written. */
    const int *marks;
    size_t nmarks, mark;
    int field_depth;
    bool in_instruction[MAX_FIELD_DEPTH]; /* per open field: before its separator */
    bool after_cell;                      /* the last character was a cell mark */
    uint16_t high_surrogate;
};

static bool hidden_by_field(const struct doc_text *d)
{
    for (int i = 0; i < d->field_depth && i < MAX_FIELD_DEPTH; i++)
        if (d->in_instruction[i])
            return true;
    return false;
}

static void put_code_point(struct doc_text *d, uint32_t c)
{
    char u8[4];
    size_t n;
    if (c < 0x80) {
        u8[0] = (char)c, n = 1;
    } else if (c < 0x800) {
        u8[0] = (char)(0xC0 | c >> 6), u8[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    } else if (c < 0x10000) {
        u8[0] = (char)(0xE0 | c >> 12), u8[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u8[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    } else {
        u8[0] = (char)(0xF0 | c >> 18), u8[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u8[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u8[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    }
    nqx_text_add(&d->t, u8, n);
}

/* A cell mark ends a cell: the first of a row ends the text of the line
 * so far, which was that cell's; any text after a mark begins the next cell
 * (nqx_text_cell_begin, in put_char). Word writes one more mark after a
 * row's last cell, which ends the row: the mark's flags say whether this
 * mark is that one (a mark right after a cell's is then an empty cell);
 * when the file does not tell (-1), a mark right after another ends the
 * row. */
static void put_cell_mark(struct doc_text *d, int flags)
{
    if ((flags >= 0 && (flags & PARA_ROW_END)) || (flags < 0 && d->after_cell)) {
        nqx_text_row_end(&d->t);
        d->after_cell = false;
        return;
    }
    if (!d->t.row_depth)
        nqx_text_row_begin_in_line(&d->t);
    else if (d->after_cell)
        nqx_text_cell_begin(&d->t); /* the cell just ended was empty */
    d->after_cell = true;
}

/* A paragraph mark ends a line, or, inside a row, a paragraph of a cell.
 * The first paragraph of a row's first cell is known to be in the row only
 * by its properties (the row begins at the first cell mark otherwise). */
static void put_paragraph_mark(struct doc_text *d, int flags)
{
    if (!d->t.row_depth && flags > 0 && (flags & PARA_IN_TABLE) && !(flags & PARA_LAYOUT))
        nqx_text_row_begin_in_line(&d->t);
    nqx_text_paragraph_end(&d->t);
}

/* A cell mark of a table of one row, which lays out the page (a header, a
 * signature block): a cell's end ends its last paragraph, the row's end
 * mark only the line, as a paragraph a line is read in HTML and DOCX. */
static void put_layout_mark(struct doc_text *d, int flags)
{
    if (flags & PARA_ROW_END)
        nqx_text_break(&d->t);
    else
        nqx_text_paragraph_end(&d->t);
}

/* The character c. */
static void put_char(struct doc_text *d, uint32_t c)
{
    int flags = -1; /* a mark's, when the file tells */
    if (c == CH_CELL || c == CH_PARAGRAPH) {
        size_t k = d->mark++;
        flags = k < d->nmarks ? d->marks[k] : -1;
    }
    if (c == CH_FIELD_BEGIN) {
        if (d->field_depth < MAX_FIELD_DEPTH)
            d->in_instruction[d->field_depth] = true;
        d->field_depth++;
        return;
    }
    if (c == CH_FIELD_SEPARATOR || c == CH_FIELD_END) {
        if (d->field_depth > 0 && d->field_depth <= MAX_FIELD_DEPTH)
            d->in_instruction[d->field_depth - 1] = false;
        if (c == CH_FIELD_END && d->field_depth > 0)
            d->field_depth--;
        return;
    }
    if (hidden_by_field(d))
        return;
    bool cell = c == CH_CELL;
    if (!cell && d->after_cell) {
        d->after_cell = false;
        if (d->t.row_depth)
            nqx_text_cell_begin(&d->t);
    }
    if (cell && flags > 0 && (flags & PARA_LAYOUT))
        put_layout_mark(d, flags);
    else if (cell)
        put_cell_mark(d, flags);
    else if (c == CH_PARAGRAPH)
        put_paragraph_mark(d, flags);
    else if (c == CH_LINE_BREAK || c == CH_PAGE_BREAK)
        nqx_text_break(&d->t);
    else if (c == '\t')
        nqx_text_space(&d->t);
    else if (c == CH_NONBREAKING_HYPHEN)
        nqx_text_add(&d->t, "-", 1);
    else if (c >= 0x20 && c != 0x7F)
        put_code_point(d, c);
}

static void put_utf16(struct doc_text *d, uint16_t u)
{
    if (u >= 0xD800 && u <= 0xDBFF) {
        if (d->high_surrogate)
            put_code_point(d, 0xFFFD);
        d->high_surrogate = u;
        return;
    }
    if (u >= 0xDC00 && u <= 0xDFFF) {
        if (d->high_surrogate)
            put_code_point(d, 0x10000 + ((uint32_t)(d->high_surrogate - 0xD800) << 10) +
                                  (u - 0xDC00));
        else
            put_code_point(d, 0xFFFD);
        d->high_surrogate = 0;
        return;
    }
    if (d->high_surrogate)
        put_code_point(d, 0xFFFD);
    d->high_surrogate = 0;
    put_char(d, u);
}

/* ---- The FIB and the piece table -------------------------------------- */

struct fib {
    bool table1;      /* the table stream is 1Table, not 0Table */
    uint32_t ccp_text; /* characters of the main document */
    uint32_t fc_clx, lcb_clx;
    uint32_t fc_papx, lcb_papx;
};

static const char *parse_fib(const uint8_t *w, size_t wlen, struct fib *f)
{
    if (wlen < FIB_CSW_OFFSET + 2 || u16_at(w) != FIB_IDENT)
        return "the WordDocument stream has no valid FIB; the file is damaged";
    uint16_t flags = u16_at(w + FIB_FLAGS_OFFSET);
    if (flags & FIB_ENCRYPTED)
        return "the document is encrypted or password-protected; save it without a "
               "password";
    f->table1 = flags & FIB_WHICH_TABLE;
    size_t at = FIB_CSW_OFFSET;
    size_t csw = u16_at(w + at);
    at += 2 + 2 * csw;
    if (at + 2 > wlen)
        return "the FIB is truncated; the file is damaged";
    size_t cslw = u16_at(w + at);
    size_t lw = at + 2;
    at = lw + 4 * cslw;
    if (cslw <= FIB_CCP_TEXT || at + 2 > wlen)
        return "the FIB is truncated; the file is damaged";
    f->ccp_text = u32_at(w + lw + 4 * FIB_CCP_TEXT);
    size_t pairs = u16_at(w + at);
    size_t rg = at + 2;
    if (pairs <= FIB_CLX_PAIR || rg + 8 * (FIB_CLX_PAIR + 1) > wlen)
        return "the FIB has no piece table entry (a Word file older than Word 97?); save "
               "it as .docx";
    f->fc_clx = u32_at(w + rg + 8 * FIB_CLX_PAIR);
    f->lcb_clx = u32_at(w + rg + 8 * FIB_CLX_PAIR + 4);
    f->fc_papx = u32_at(w + rg + 8 * FIB_PAPX_PAIR);
    f->lcb_papx = u32_at(w + rg + 8 * FIB_PAPX_PAIR + 4);
    return NULL;
}

/* Finds the PlcPcd inside the Clx: skips the Prc entries before it. */
static const char *find_plcpcd(const uint8_t *tbl, size_t tlen, const struct fib *f,
                               const uint8_t **plc, size_t *plc_len)
{
    if (f->lcb_clx == 0 || (uint64_t)f->fc_clx + f->lcb_clx > tlen)
        return "the document has no piece table within its table stream; the file is "
               "damaged";
    const uint8_t *p = tbl + f->fc_clx, *end = p + f->lcb_clx;
    while (p < end && *p == CLXT_PRC) {
        if (end - p < 3)
            break;
        size_t cb = u16_at(p + 1);
        if ((size_t)(end - p) < 3 + cb)
            break;
        p += 3 + cb;
    }
    if (end - p < 5 || *p != CLXT_PCDT)
        return "the piece table is damaged (no Pcdt in the Clx)";
    size_t lcb = u32_at(p + 1);
    if (lcb > (size_t)(end - p - 5) || lcb < 4 + 4 + PCD_SIZE || (lcb - 4) % 12)
        return "the piece table is damaged (bad PlcPcd size)";
    *plc = p + 5;
    *plc_len = lcb;
    return NULL;
}

/* Calls each(ctx, u, fc) for every character of the main document in text
 * order: u a UTF-16 unit (a compressed piece's byte as cp1252 says), fc its
 * offset in the WordDocument stream. Returns why the pieces cannot be
 * read, or NULL. */
typedef void (*unit_fn)(void *ctx, uint16_t u, uint32_t fc);
static const char *walk_pieces(const uint8_t *w, size_t wlen, const uint8_t *plc,
                               size_t plc_len, uint32_t ccp_text, bool *unicode, unit_fn each,
                               void *ctx)
{
    size_t n = (plc_len - 4) / 12;
    const uint8_t *pcds = plc + 4 * (n + 1);
    /* Each character is stored once in the WordDocument stream, so the
     * pieces together hold at most wlen of them. Without that bound, many
     * pieces pointing at one stretch of the stream (or CPs that go back)
     * would repeat it until memory runs out. */
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = u32_at(plc + 4 * i), cp_end = u32_at(plc + 4 * (i + 1));
        if (cp_end < cp)
            return "the piece table's character positions are not in order; the file is "
                   "damaged";
        if (cp >= ccp_text)
            break;
        if (cp_end > ccp_text)
            cp_end = ccp_text;
        if (cp_end == cp)
            continue;
        uint32_t fc = u32_at(pcds + PCD_SIZE * i + 2);
        uint64_t count = cp_end - cp;
        total += count;
        if (total > wlen)
            return "the pieces of text hold more characters than the WordDocument stream; "
                   "the file is damaged";
        if (fc & FC_COMPRESSED) {
            uint64_t at = (fc & FC_MASK) / 2;
            if (at + count > wlen)
                return "a piece of text lies outside the WordDocument stream; the file is "
                       "damaged";
            for (uint64_t k = 0; k < count; k++) {
                uint8_t b = w[at + k];
                each(ctx, b >= 0x80 && b < 0xA0 ? cp1252_high[b - 0x80] : b,
                     (uint32_t)(at + k));
            }
        } else {
            uint64_t at = fc & FC_MASK;
            if (at + 2 * count > wlen)
                return "a piece of text lies outside the WordDocument stream; the file is "
                       "damaged";
            *unicode = true;
            for (uint64_t k = 0; k < count; k++)
                each(ctx, u16_at(w + at + 2 * k), (uint32_t)(at + 2 * k));
        }
    }
    return NULL;
}

static void write_unit(void *ctx, uint16_t u, uint32_t fc)
{
    (void)fc;
    put_utf16(ctx, u);
}

/* The paragraph and cell marks of the text, in order, with what their
 * paragraphs' properties say (para_flags). */
struct marks {
    const struct papx *papx;
    int *flags;
    size_t n, cap;
};

static void note_mark(void *ctx, uint16_t u, uint32_t fc)
{
    struct marks *m = ctx;
    if (u != CH_CELL && u != CH_PARAGRAPH)
        return;
    void *v = m->flags;
    nqx_grow(&v, &m->cap, m->n + 1, sizeof *m->flags);
    m->flags = v;
    m->flags[m->n++] = para_flags(m->papx, fc);
}

/* The PARA_ flags of every paragraph and cell mark of the text, in order,
 * read from the paragraph properties; NULL when the file has none (or its
 * pieces cannot be read), *n their number. A run of marks whose paragraphs
 * are all in a table (a table, or tables nested in it) that holds one row
 * end, its last, is a table of one row: PARA_LAYOUT. */
static int *mark_flags(const uint8_t *w, size_t wlen, const uint8_t *plc, size_t plc_len,
                       uint32_t ccp_text, const struct papx *papx, size_t *n)
{
    struct marks m = {papx, NULL, 0, 0};
    bool unicode = false;
    *n = 0;
    if (!papx->n || walk_pieces(w, wlen, plc, plc_len, ccp_text, &unicode, note_mark, &m)) {
        free(m.flags);
        return NULL;
    }
    for (size_t a = 0; a < m.n;) {
        size_t b = a, rows = 0;
        while (b < m.n && m.flags[b] > 0 && (m.flags[b] & PARA_IN_TABLE))
            rows += (m.flags[b++] & PARA_ROW_END) != 0;
        if (b > a && rows == 1 && (m.flags[b - 1] & PARA_ROW_END))
            for (size_t k = a; k < b; k++)
                m.flags[k] |= PARA_LAYOUT;
        a = b > a ? b : a + 1;
    }
    *n = m.n;
    return m.flags;
}

/* Writes the main document's text into d; returns why it cannot, or NULL. */
static const char *read_word_text(GsfInfile *ole, struct doc_text *d, bool *unicode)
{
    size_t wlen = 0, tlen = 0;
    uint8_t *w = read_stream(ole, "WordDocument", &wlen);
    if (!w)
        return "an OLE compound file without a readable WordDocument stream: not a Word "
               "document (an Excel or PowerPoint file?)";
    struct fib f = {0};
    const char *why = parse_fib(w, wlen, &f);
    uint8_t *tbl = NULL;
    if (!why) {
        tbl = read_stream(ole, f.table1 ? "1Table" : "0Table", &tlen);
        if (!tbl)
            why = "the document's table stream is missing; the file is damaged";
    }
    const uint8_t *plc = NULL;
    size_t plc_len = 0;
    if (!why)
        why = find_plcpcd(tbl, tlen, &f, &plc, &plc_len);
    /* Paragraph properties, when the table stream holds a PlcBtePapx: n + 1
     * FCs and n page numbers. */
    struct papx papx = {w, wlen, NULL, 0};
    if (!why && f.lcb_papx >= 12 && (f.lcb_papx - 4) % 8 == 0 &&
        (uint64_t)f.fc_papx + f.lcb_papx <= tlen) {
        papx.plc = tbl + f.fc_papx;
        papx.n = (f.lcb_papx - 4) / 8;
    }
    int *marks = NULL;
    if (!why) {
        marks = mark_flags(w, wlen, plc, plc_len, f.ccp_text, &papx, &d->nmarks);
        d->marks = marks;
        why = walk_pieces(w, wlen, plc, plc_len, f.ccp_text, unicode, write_unit, d);
    }
    d->marks = NULL;
    free(marks);
    free(w);
    free(tbl);
    return why;
}

static void drop_glib_message(const gchar *domain, GLogLevelFlags level, const gchar *message,
                              gpointer data)
{
    (void)domain, (void)level, (void)message, (void)data;
}

/* libgsf reports damage it works around through GLib's log, on standard
 * error; a library does not print (the reader's own error says what is
 * wrong), so its domains are silenced once. */
static void silence_libgsf(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        GLogLevelFlags levels = G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL |
                                G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG;
        g_log_set_handler("libgsf:msole", levels, drop_glib_message, NULL);
        g_log_set_handler("libgsf", levels, drop_glib_message, NULL);
        g_log_set_handler(NULL, levels, drop_glib_message, NULL);
        g_once_init_leave(&done, 1);
    }
}

nqx_status nqx_read_doc(nqx_doc *doc, const char *data, size_t len, nqx_buf *out,
                        nqx_error *err)
{
    silence_libgsf();
    GsfInput *mem = gsf_input_memory_new((const guint8 *)data, (gsf_off_t)len, FALSE);
    GError *gerr = NULL;
    GsfInfile *ole = mem ? gsf_infile_msole_new(mem, &gerr) : NULL;
    if (!ole) {
        nqx_status s = nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                                     "not a readable OLE compound file (%s); the Word "
                                     "97-2003 file is damaged or truncated",
                                     gerr && gerr->message ? gerr->message : "unknown error");
        if (gerr)
            g_error_free(gerr);
        if (mem)
            g_object_unref(mem);
        return s;
    }
    struct doc_text d = {0};
    bool unicode = false;
    const char *why = read_word_text(ole, &d, &unicode);
    g_object_unref(ole);
    g_object_unref(mem);
    if (why) {
        nqx_buf_free(&d.t.buf);
        return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1, "%s", why);
    }
    nqx_text_row_end(&d.t);
    nqx_text_break(&d.t);
    if (!d.t.buf.data)
        nqx_buf_reserve(&d.t.buf, 0);
    snprintf(doc->encoding, sizeof doc->encoding, "%s", unicode ? "UTF-16LE" : "windows-1252");
    *out = d.t.buf;
    return NQX_OK;
}
