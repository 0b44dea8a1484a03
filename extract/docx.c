/* ZIP-based word-processor files: DOCX (word/document.xml) and ODT
 * (content.xml). libzip opens the archive from memory; libxml2 parses the
 * part without network access and without expanding entities (no XXE, no
 * entity bombs); the tree is walked without recursion.
 *
 * Memory stays bounded whatever the archive claims: the part's declared size
 * is checked first, and the bytes actually inflated are counted while
 * reading, so a ZIP bomb (a tiny entry that inflates to gigabytes) or a
 * header that lies is refused with a clear error. */
#include "extract/container.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

/* An entry that inflates to more than this many times the archive's size
 * (and past 1 MiB) is taken for a ZIP bomb. Real DOCX parts compress 5 to
 * 30 times. */
#define MAX_INFLATE_RATIO 200
#define RATIO_FREE_BYTES ((zip_uint64_t)1 << 20)

static const char docx_part[] = "word/document.xml";
static const char odt_part[] = "content.xml";

static zip_uint64_t entry_limit(size_t archive_len)
{
    zip_uint64_t by_ratio = (zip_uint64_t)archive_len * MAX_INFLATE_RATIO;
    if (by_ratio < RATIO_FREE_BYTES)
        by_ratio = RATIO_FREE_BYTES;
    return by_ratio < NQX_CONTAINER_MAX_ENTRY ? by_ratio : NQX_CONTAINER_MAX_ENTRY;
}

static nqx_status too_large(const nqx_doc *doc, const char *part, zip_uint64_t limit,
                            nqx_error *err)
{
    return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                         "%s inflates to more than %llu bytes (a ZIP bomb, or a document "
                         "far larger than a resolution); refused",
                         part, (unsigned long long)limit);
}

/* Reads one entry whole, counting what is inflated. */
static nqx_status read_entry(const nqx_doc *doc, zip_t *zip, zip_int64_t index,
                             const char *part, zip_uint64_t limit, nqx_buf *out,
                             nqx_error *err)
{
    zip_stat_t st;
    if (zip_stat_index(zip, (zip_uint64_t)index, 0, &st) == 0 &&
        (st.valid & ZIP_STAT_SIZE) && st.size > limit)
        return too_large(doc, part, limit, err);
    zip_file_t *f = zip_fopen_index(zip, (zip_uint64_t)index, 0);
    if (!f)
        return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                             "cannot open %s in the archive: %s; the file is damaged",
                             part, zip_strerror(zip));
    nqx_status s = NQX_OK;
    for (;;) {
        nqx_buf_reserve(out, 65536);
        zip_int64_t n = zip_fread(f, out->data + out->len, out->cap - out->len - 1);
        if (n == 0)
            break;
        if (n < 0) {
            s = nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                              "cannot read %s in the archive: %s; the file is damaged "
                              "or truncated",
                              part, zip_file_strerror(f));
            break;
        }
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        if (out->len > limit) {
            s = too_large(doc, part, limit, err);
            break;
        }
    }
    zip_fclose(f);
    return s;
}

/* ---- The XML of the part --------------------------------------------- */

/* What an element of the part does to the text. */
typedef enum {
    EL_OTHER,     /* walked through */
    EL_SKIP,      /* its content is not text: deleted text, notes, field codes */
    EL_PARAGRAPH, /* ends a line */
    EL_TEXT,      /* its text nodes are the document's text */
    EL_TAB,
    EL_BREAK,
    EL_SPACE,     /* ODT's text:s */
    EL_ROW,
    EL_CELL,
} element_role;

struct element {
    const char *prefix; /* namespace prefix as the formats write it */
    const char *name;
    element_role role;
};

/* WordprocessingML: text is only in w:t; w:delText, w:instrText are not. */
static const struct element docx_elements[] = {
    {"w", "p", EL_PARAGRAPH},        {"w", "t", EL_TEXT},
    {"w", "tab", EL_TAB},            {"w", "ptab", EL_TAB},
    {"w", "br", EL_BREAK},           {"w", "cr", EL_BREAK},
    {"w", "tr", EL_ROW},             {"w", "tc", EL_CELL},
    {"w", "del", EL_SKIP},           {"w", "moveFrom", EL_SKIP},
    {"mc", "Fallback", EL_SKIP},     {"w", "footnoteReference", EL_SKIP},
    {"w", "endnoteReference", EL_SKIP},
};

/* OpenDocument text: text nodes anywhere inside a paragraph or heading. */
static const struct element odt_elements[] = {
    {"text", "p", EL_PARAGRAPH},       {"text", "h", EL_PARAGRAPH},
    {"text", "tab", EL_TAB},           {"text", "line-break", EL_BREAK},
    {"text", "s", EL_SPACE},           {"table", "table-row", EL_ROW},
    {"table", "table-cell", EL_CELL},  {"text", "note", EL_SKIP},
    {"office", "annotation", EL_SKIP}, {"text", "tracked-changes", EL_SKIP},
};

/* What holds a table's rows besides the table itself. */
static const char *const odt_row_groups[] = {"table-header-rows", "table-rows",
                                             "table-row-group"};

struct dialect {
    const struct element *elements;
    size_t n;
    bool text_in_paragraphs; /* ODT: every text node of a paragraph counts */
    const char *const *row_groups;
    size_t nrow_groups;
};

static element_role role_of(const struct dialect *d, const xmlNode *node)
{
    const char *prefix = node->ns && node->ns->prefix ? (const char *)node->ns->prefix : "";
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp((const char *)node->name, d->elements[i].name) &&
            !strcmp(prefix, d->elements[i].prefix))
            return d->elements[i].role;
    return EL_OTHER;
}

struct walk {
    nqx_text_out *t;
    const struct dialect *d;
    size_t in_text;      /* open EL_TEXT elements */
    size_t in_paragraph; /* open EL_PARAGRAPH elements */
};

static bool enter(void *ctx, const xmlNode *node)
{
    struct walk *w = ctx;
    element_role role = role_of(w->d, node);
    switch (role) {
    case EL_PARAGRAPH: w->in_paragraph++; break;
    case EL_TEXT: w->in_text++; break;
    case EL_TAB: case EL_SPACE: nqx_text_space(w->t); break;
    case EL_BREAK: nqx_text_break(w->t); break;
    case EL_ROW:
        nqx_text_tree_row_begin(w->t, node, w->d->row_groups, w->d->nrow_groups);
        break;
    case EL_CELL: nqx_text_cell_begin(w->t); break;
    case EL_OTHER: case EL_SKIP: break;
    }
    return role != EL_SKIP;
}

static void leave(void *ctx, const xmlNode *node)
{
    struct walk *w = ctx;
    switch (role_of(w->d, node)) {
    case EL_PARAGRAPH:
        w->in_paragraph--;
        nqx_text_paragraph_end(w->t);
        break;
    case EL_TEXT: w->in_text--; break;
    case EL_ROW: nqx_text_tree_row_end(w->t); break;
    case EL_CELL: nqx_text_space(w->t); break;
    default: break;
    }
}

/* Text counts inside a run's text element (DOCX), or anywhere in a
 * paragraph (ODT). */
static void add_text(void *ctx, const char *content)
{
    struct walk *w = ctx;
    if (w->d->text_in_paragraphs ? w->in_paragraph > 0 : w->in_text > 0)
        nqx_text_add(w->t, content, strlen(content));
}

static nqx_status parse_part(const nqx_doc *doc, const char *part, const nqx_buf *xml,
                             const struct dialect *d, nqx_buf *out, nqx_error *err)
{
    if (xml->len > INT32_MAX)
        return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1, "%s is too large",
                             part);
    /* No XML_PARSE_NOENT or DTDLOAD: entities stay references and nothing
     * outside the archive is ever read. */
    xmlDocPtr x = xmlReadMemory(xml->data, (int)xml->len, part, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!x) {
        /* libxml2's messages end with a newline; a message of ours is one
         * line. */
        const xmlError *e = xmlGetLastError();
        const char *why = e && e->message ? e->message : "parse error";
        int n = (int)strcspn(why, "\n");
        return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                             "%s in the archive is not well-formed XML (line %d: %.*s); the "
                             "file is damaged",
                             part, e ? e->line : 0, n, why);
    }
    nqx_text_out t = {0};
    struct walk w = {&t, d, 0, 0};
    xmlNode *root = xmlDocGetRootElement(x);
    if (root)
        nqx_walk_tree(root, &(nqx_tree_visitor){enter, leave, add_text, &w});
    nqx_text_break(&t);
    xmlFreeDoc(x);
    if (!t.buf.data)
        nqx_buf_reserve(&t.buf, 0);
    *out = t.buf;
    return NQX_OK;
}

nqx_status nqx_read_zip(nqx_doc *doc, const char *data, size_t len, nqx_buf *out,
                        nqx_error *err)
{
    static const struct dialect docx = {docx_elements,
                                        sizeof docx_elements / sizeof *docx_elements, false,
                                        NULL, 0};
    static const struct dialect odt = {odt_elements, sizeof odt_elements / sizeof *odt_elements,
                                       true, odt_row_groups,
                                       sizeof odt_row_groups / sizeof *odt_row_groups};
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!zip) {
        nqx_status s = nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                                     "not a readable ZIP archive (%s); the DOCX or ODT file "
                                     "is damaged or truncated",
                                     zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return s;
    }
    zip_error_fini(&ze);

    const char *part = docx_part;
    const struct dialect *d = &docx;
    zip_int64_t index = zip_name_locate(zip, docx_part, 0);
    if (index < 0) {
        part = odt_part;
        d = &odt;
        index = zip_name_locate(zip, odt_part, 0);
    }
    nqx_status s;
    if (index < 0) {
        s = nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                          "a ZIP archive with neither %s (DOCX) nor %s (ODT); give a "
                          "Word or OpenDocument text file",
                          docx_part, odt_part);
    } else {
        nqx_buf xml = {0};
        s = read_entry(doc, zip, index, part, entry_limit(len), &xml, err);
        if (s == NQX_OK)
            s = parse_part(doc, part, &xml, d, out, err);
        nqx_buf_free(&xml);
    }
    zip_discard(zip);
    return s;
}
