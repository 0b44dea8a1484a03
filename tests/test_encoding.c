/* Encodings: every corpus document re-encoded by this test (VISCII, TCVN3
 * and VNI-Windows from the table files, inverted here; windows-1258 through
 * ICU; UTF-16 with and without a byte-order mark) must be detected, and must convert to
 * the same record as its UTF-8 original; short and ambiguous inputs decode
 * right or ask for --encoding, never decode wrong; --encoding forces;
 * broken inputs get errors naming the file and the byte offset.
 *
 * Prints the detection accuracy per encoding on whole documents, on their
 * first line and on their first three lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>
#include <glob.h>
#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "extract/encoding.h"
#include "tests/helpers.h"

#ifndef NQX_SRCDIR
#define NQX_SRCDIR "."
#endif

static nqx_charmaps *maps;

/* ---- An encoder: a table file read backwards ------------------------------- */

struct back_entry {
    int32_t cps[3];
    int ncps;
    uint8_t bytes[4];
    int nbytes;
};

struct encoder {
    const char *name; /* as the record names the encoding */
    struct back_entry *entries;
    size_t n;
    UConverter *icu; /* windows-1258 */
    bool vn3;        /* TCVN3 the VN3 way: toned capitals take the lower-case code */
};

static void add_back(struct encoder *e, size_t *cap, const struct back_entry *b)
{
    for (size_t i = 0; i < e->n; i++) /* the first listed stays the usual form */
        if (e->entries[i].ncps == b->ncps &&
            !memcmp(e->entries[i].cps, b->cps, sizeof b->cps[0] * (size_t)b->ncps))
            return;
    void *p = e->entries;
    nqx_grow(&p, cap, e->n + 1, sizeof *e->entries);
    e->entries = p;
    e->entries[e->n++] = *b;
}

static void load_encoder(struct encoder *e, const char *name, const char *file)
{
    memset(e, 0, sizeof *e);
    e->name = name;
    char path[600];
    snprintf(path, sizeof path, "%s/extract/charmaps/%s", NQX_SRCDIR, file);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    size_t cap = 0;
    bool ascii = false;
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        if (!strncmp(line, "ascii", 5))
            ascii = true;
        char *eq = strchr(line, '=');
        if (!eq || strncmp(line, "0x", 2))
            continue;
        struct back_entry b = {0};
        for (char *s = line; s < eq && (s = strstr(s, "0x")) && s < eq; s += 4)
            b.bytes[b.nbytes++] = (uint8_t)strtoul(s + 2, NULL, 16);
        for (char *s = eq; (s = strstr(s, "U+")); s += 2)
            b.cps[b.ncps++] = (int32_t)strtol(s + 2, NULL, 16);
        add_back(e, &cap, &b);
    }
    fclose(f);
    for (int c = 0; ascii && c < 0x80; c++) {
        struct back_entry b = {{c}, 1, {(uint8_t)c}, 1};
        add_back(e, &cap, &b);
    }
}

static void free_encoder(struct encoder *e)
{
    free(e->entries);
    if (e->icu)
        ucnv_close(e->icu);
}

static const struct back_entry *find_back(const struct encoder *e, int32_t c)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->entries[i].ncps == 1 && e->entries[i].cps[0] == c)
            return &e->entries[i];
    return NULL;
}

/* Appends the bytes of code point c (alone) to out; false when the table
 * has none. */
static bool encode_cp(const struct encoder *e, int32_t c, nqx_buf *out)
{
    if (e->icu) {
        UChar u[2];
        int32_t n = 0;
        UBool err = false;
        U16_APPEND(u, n, 2, c, err);
        char b[8];
        UErrorCode st = U_ZERO_ERROR;
        ucnv_reset(e->icu);
        int32_t k = ucnv_fromUChars(e->icu, b, sizeof b, u, n, &st);
        if (U_FAILURE(st) || err || k != 1)
            return false;
        nqx_buf_add(out, b, 1);
        return true;
    }
    const struct back_entry *b = find_back(e, c);
    if (b)
        nqx_buf_add(out, b->bytes, (size_t)b->nbytes);
    return b != NULL;
}

/* The VN3 way: a toned capital that only VN1 has (its byte is a C0 or C1
 * position) is typed with the lower-case letter's code. */
static int32_t vn3_letter(const struct encoder *e, int32_t c)
{
    const struct back_entry *b = c >= 0x80 ? find_back(e, c) : NULL;
    if (e->vn3 && b && (b->bytes[0] < 0x20 || (b->bytes[0] >= 0x80 && b->bytes[0] < 0xA0)))
        return u_tolower(c);
    return c;
}

/* Appends c, decomposed when it has no byte of its own (a letter with its
 * tone as a combining mark, as windows-1258 writes it). */
static bool encode_char(const struct encoder *e, int32_t c, nqx_buf *out)
{
    size_t mark = out->len;
    if (encode_cp(e, c, out))
        return true;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st), *nfc = unorm2_getNFCInstance(&st);
    UChar d[8];
    int32_t nd = unorm2_getDecomposition(nfd, c, d, 8, &st);
    if (U_FAILURE(st) || nd <= 1)
        return false;
    /* The longest composed head with a byte, then each remaining mark. */
    for (int32_t head = nd - 1; head >= 1; head--) {
        UChar h[8];
        int32_t nh = unorm2_normalize(nfc, d, head, h, 8, &st);
        if (U_FAILURE(st) || nh != 1) {
            st = U_ZERO_ERROR;
            continue;
        }
        out->len = mark;
        bool ok = encode_cp(e, h[0], out);
        for (int32_t k = head; ok && k < nd; k++)
            ok = encode_cp(e, d[k], out);
        if (ok)
            return true;
    }
    out->len = mark;
    return false;
}

/* The ASCII stand-in for a character no 8-bit code has. */
static const char *fallback(int32_t c)
{
    switch (c) {
    case 0x201C: case 0x201D: case 0x201E: return "\"";
    case 0x2018: case 0x2019: return "'";
    case 0x2013: case 0x2014: case 0x2010: case 0x2212: return "-";
    case 0x2026: return "...";
    default: return "?";
    }
}

/* text (UTF-8, NFC) with every character e cannot write replaced by its
 * ASCII stand-in (into folded), and its bytes in e (into bytes). */
static void encode_text(const struct encoder *e, const char *text, size_t len, nqx_buf *folded,
                        nqx_buf *bytes)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, text, (int32_t)len, &st);
    st = U_ZERO_ERROR;
    UChar *u = nqx_xmalloc((size_t)n16 * 2 + 2), *v = nqx_xmalloc((size_t)n16 * 4 + 4);
    u_strFromUTF8(u, n16 + 1, NULL, text, (int32_t)len, &st);
    int32_t nv = unorm2_normalize(nfc, u, n16, v, 2 * n16 + 2, &st);
    assert_true(U_SUCCESS(st));
    for (int32_t i = 0; i < nv;) {
        UChar32 c;
        U16_NEXT(v, i, nv, c);
        c = vn3_letter(e, c);
        if (encode_char(e, c, bytes)) {
            char b[4];
            int32_t k = 0;
            U8_APPEND_UNSAFE(b, k, c);
            nqx_buf_add(folded, b, (size_t)k);
        } else {
            const char *f = fallback(c);
            nqx_buf_adds(folded, f);
            nqx_buf_adds(bytes, f);
        }
    }
    free(u);
    free(v);
}

static void utf16_bytes(const char *text, size_t len, bool le, bool bom, nqx_buf *bytes)
{
    if (bom)
        nqx_buf_add(bytes, le ? "\xFF\xFE" : "\xFE\xFF", 2);
    for (int32_t i = 0, n = (int32_t)len; i < n;) {
        UChar32 c;
        U8_NEXT(text, i, n, c);
        UChar u[2];
        int32_t k = 0;
        U16_APPEND_UNSAFE(u, k, c);
        for (int32_t j = 0; j < k; j++) {
            char b[2] = {(char)(le ? u[j] & 0xFF : u[j] >> 8), (char)(le ? u[j] >> 8 : u[j] & 0xFF)};
            nqx_buf_add(bytes, b, 2);
        }
    }
}

/* ---- The encodings under test ------------------------------------------- */

enum {
    E_UTF8,
    E_UTF16LE,
    E_UTF16BE,
    E_UTF16LE_BARE, /* without a byte-order mark */
    E_UTF16BE_BARE,
    E_1258,
    E_VISCII,
    E_TCVN3,
    E_VN3,
    E_VNI,
    NENC
};
static struct encoder encoders[NENC];
static const char *const enc_labels[NENC] = {
    "UTF-8",        "UTF-16LE", "UTF-16BE", "UTF-16LE (no BOM)", "UTF-16BE (no BOM)",
    "windows-1258", "VISCII",   "TCVN3",    "TCVN3 (VN3)",       "VNI-Windows"};

static int setup(void **state)
{
    if (load_test_rules(state))
        return -1;
    char *dir = nqx_charmaps_locate(NULL);
    nqx_error err = {0};
    if (!dir || nqx_charmaps_load(dir, &maps, &err)) {
        fprintf(stderr, "cannot load charmaps: %s\n", err.message);
        free(dir);
        return -1;
    }
    free(dir);
    encoders[E_UTF8].name = "UTF-8";
    encoders[E_UTF16LE].name = "UTF-16LE";
    encoders[E_UTF16BE].name = "UTF-16BE";
    encoders[E_UTF16LE_BARE].name = "UTF-16LE";
    encoders[E_UTF16BE_BARE].name = "UTF-16BE";
    UErrorCode st = U_ZERO_ERROR;
    encoders[E_1258].name = "windows-1258";
    encoders[E_1258].icu = ucnv_open("windows-1258", &st);
    ucnv_setFromUCallBack(encoders[E_1258].icu, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL,
                          &st);
    load_encoder(&encoders[E_VISCII], "VISCII", "viscii.map");
    load_encoder(&encoders[E_TCVN3], "TCVN3", "tcvn3.map");
    load_encoder(&encoders[E_VN3], "TCVN3", "tcvn3.map");
    encoders[E_VN3].vn3 = true;
    load_encoder(&encoders[E_VNI], "VNI-Windows", "vni.map");
    return U_SUCCESS(st) ? 0 : -1;
}

static int teardown(void **state)
{
    for (int i = 0; i < NENC; i++)
        free_encoder(&encoders[i]);
    nqx_charmaps_free(maps);
    return free_test_rules(state);
}

/* text in encoding enc: the bytes, and the UTF-8 text they stand for. */
static void encode_as(int enc, const char *text, size_t len, nqx_buf *folded, nqx_buf *bytes)
{
    if (enc == E_UTF8) {
        nqx_buf_add(folded, text, len);
        nqx_buf_add(bytes, text, len);
    } else if (enc == E_UTF16LE || enc == E_UTF16BE || enc == E_UTF16LE_BARE ||
               enc == E_UTF16BE_BARE) {
        nqx_buf_add(folded, text, len);
        utf16_bytes(text, len, enc == E_UTF16LE || enc == E_UTF16LE_BARE,
                    enc == E_UTF16LE || enc == E_UTF16BE, bytes);
    } else {
        encode_text(&encoders[enc], text, len, folded, bytes);
    }
    if (!bytes->data)
        nqx_buf_reserve(bytes, 0);
    if (!folded->data)
        nqx_buf_reserve(folded, 0);
}

/* Extracted text of UTF-8 bytes, in NFC, for comparing decodings. */
static char *nfc_text(const nqx_doc *doc)
{
    return nqx_normalize_string(doc->text, doc->text_len, NULL);
}

enum outcome { RIGHT, ASKED, WRONG };

/* Detects bytes and compares the text with what folded says it is. */
static enum outcome detect(int enc, const nqx_buf *bytes, const nqx_buf *folded)
{
    nqx_doc *doc = nqx_doc_new("doc.txt"), *ref = nqx_doc_new("ref.txt");
    nqx_error err = {0};
    nqx_extract_opts opts = {NULL, maps};
    enum outcome o = ASKED;
    if (!nqx_extract_bytes_opts(doc, bytes->data, bytes->len, &opts, &err)) {
        assert_int_equal(nqx_extract_bytes(ref, folded->data, folded->len, &err), NQX_OK);
        char *a = nfc_text(doc), *b = nfc_text(ref);
        o = !strcmp(a, b) ? RIGHT : WRONG;
        if (o == WRONG)
            fprintf(stderr, "  %s read as %s: %.60s\n", enc_labels[enc], doc->encoding,
                    folded->data);
        free(a);
        free(b);
    } else {
        assert_int_equal(err.status, NQX_E_INPUT);
        assert_non_null(strstr(err.message, "--encoding"));
        assert_string_equal(err.file, "doc.txt");
    }
    nqx_doc_free(doc);
    nqx_doc_free(ref);
    return o;
}

/* The first nlines lines of text (0: all). */
static size_t head_length(const char *text, size_t len, int nlines)
{
    if (!nlines)
        return len;
    size_t i = 0;
    for (int k = 0; k < nlines && i < len; k++) {
        const char *nl = memchr(text + i, '\n', len - i);
        i = nl ? (size_t)(nl - text) + 1 : len;
    }
    return i;
}

static void detection_accuracy(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob(NQX_SRCDIR "/corpus/*.txt", 0, NULL, &g), 0);
    const int heads[] = {0, 1, 3};
    const char *head_names[] = {"whole documents", "first line", "first 3 lines"};
    for (int h = 0; h < 3; h++) {
        printf("detection on %s (%zu corpus documents): right / asked for --encoding / wrong\n",
               head_names[h], g.gl_pathc);
        for (int enc = 0; enc < NENC; enc++) {
            size_t count[3] = {0, 0, 0};
            for (size_t i = 0; i < g.gl_pathc; i++) {
                size_t len;
                char *text = read_file(g.gl_pathv[i], &len);
                assert_non_null(text);
                nqx_buf folded = {0}, bytes = {0};
                encode_as(enc, text, head_length(text, len, heads[h]), &folded, &bytes);
                count[detect(enc, &bytes, &folded)]++;
                nqx_buf_free(&folded);
                nqx_buf_free(&bytes);
                free(text);
            }
            double accuracy = (double)count[RIGHT] / (double)g.gl_pathc;
            printf("  %-14s %.3f  (%zu / %zu / %zu)\n", enc_labels[enc], accuracy, count[RIGHT],
                   count[ASKED], count[WRONG]);
            /* Never wrong; whole documents always told. */
            assert_int_equal(count[WRONG], 0);
            if (heads[h] == 0)
                assert_true(accuracy >= 0.98);
        }
    }
    globfree(&g);
}

/* ---- The same record in every encoding -------------------------------------- */

/* The record without the attributes that name the input's bytes. */
static char *record_of(const char *bytes, size_t len, const nqx_extract_opts *opts)
{
    nqx_doc *doc = nqx_doc_new("doc.txt");
    nqx_error err = {0};
    nqx_normalize_opts nopts = nqx_rules_normalize_opts(test_matcher);
    if (nqx_extract_bytes_opts(doc, bytes, len, opts, &err) || nqx_normalize(doc, &nopts, &err) ||
        nqx_rules_apply(test_rules, doc, &err))
        fail_msg("pipeline failed: %s", err.message);
    char *xml = nqx_record_xml(doc, NULL);
    nqx_doc_free(doc);
    char *head_end = strchr(strstr(xml, "<document"), '>');
    char *rest = nqx_xstrdup(head_end);
    free(xml);
    return rest;
}

static void every_encoding_gives_the_same_record(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob(NQX_SRCDIR "/corpus/*.txt", 0, NULL, &g), 0);
    nqx_extract_opts opts = {NULL, maps};
    for (size_t i = 0; i < g.gl_pathc; i += 3) { /* every third document: time */
        size_t len;
        char *text = read_file(g.gl_pathv[i], &len);
        for (int enc = 0; enc < NENC; enc++) {
            if (enc == E_VN3)
                continue; /* lower-cased capitals change headings */
            nqx_buf folded = {0}, bytes = {0};
            encode_as(enc, text, len, &folded, &bytes);
            char *want = record_of(folded.data, folded.len, &opts);
            char *got = record_of(bytes.data, bytes.len, &opts);
            if (strcmp(want, got))
                fail_msg("%s in %s: the record differs", g.gl_pathv[i], enc_labels[enc]);
            if (enc == E_UTF8) { /* and with a byte-order mark */
                nqx_buf bom = {0};
                nqx_buf_adds(&bom, "\xEF\xBB\xBF");
                nqx_buf_add(&bom, bytes.data, bytes.len);
                free(got);
                got = record_of(bom.data, bom.len, &opts);
                nqx_buf_free(&bom);
                if (strcmp(want, got))
                    fail_msg("%s in UTF-8 with a BOM: the record differs", g.gl_pathv[i]);
            }
            free(want);
            free(got);
            nqx_buf_free(&folded);
            nqx_buf_free(&bytes);
        }
        free(text);
    }
    globfree(&g);
}

/* The targets of bytes, one line each (value, unit, comparator, kind,
 * indicator), and the encoding the record names. */
static char *targets_of(const char *bytes, size_t len, const nqx_extract_opts *opts,
                        char *encoding, size_t esize)
{
    nqx_doc *doc = nqx_doc_new("doc");
    nqx_error err = {0};
    nqx_normalize_opts nopts = nqx_rules_normalize_opts(test_matcher);
    if (nqx_extract_bytes_opts(doc, bytes, len, opts, &err) || nqx_normalize(doc, &nopts, &err) ||
        nqx_rules_apply(test_rules, doc, &err))
        fail_msg("pipeline failed: %s", err.message);
    nqx_buf b = {0};
    for (size_t i = 0; i < doc->ntargets; i++) {
        const nqx_target *t = &doc->targets[i];
        nqx_buf_printf(&b, "%s %s %d %d %s\n", t->value ? t->value : "-",
                       t->unit ? t->unit : "-", (int)t->comparator, (int)t->kind,
                       t->indicator ? t->indicator : "-");
    }
    snprintf(encoding, esize, "%s", doc->encoding);
    nqx_doc_free(doc);
    nqx_buf_reserve(&b, 0);
    return nqx_buf_steal(&b);
}

/* A page saved from a word processor with an old Vietnamese font (.VnTime,
 * VNI-Times) declares windows-1252 but holds the font's code: the bytes are
 * read again in the code they are detected in. */
static void font_code_inside_html(void **state)
{
    (void)state;
    size_t len;
    char *text = read_file(NQX_SRCDIR "/corpus/hdnd-xa-nq-2026.txt", &len);
    nqx_extract_opts opts = {NULL, maps};
    const int encs[] = {E_TCVN3, E_VNI};
    for (size_t k = 0; k < sizeof encs / sizeof *encs; k++) {
        nqx_buf folded = {0}, bytes = {0}, html = {0};
        encode_as(encs[k], text, len, &folded, &bytes);
        nqx_buf_adds(&html, "<html><head><meta http-equiv=Content-Type content=\"text/html; "
                            "charset=windows-1252\"></head><body>\n<p>");
        for (size_t i = 0; i < bytes.len; i++) {
            char c = bytes.data[i];
            if (c == '\n')
                nqx_buf_adds(&html, "</p>\n<p>");
            else if (c == '&')
                nqx_buf_adds(&html, "&amp;");
            else if (c == '<')
                nqx_buf_adds(&html, "&lt;");
            else
                nqx_buf_addc(&html, c);
        }
        nqx_buf_adds(&html, "</p></body></html>\n");
        char want_enc[64], got_enc[64];
        char *want = targets_of(folded.data, folded.len, &opts, want_enc, sizeof want_enc);
        char *got = targets_of(html.data, html.len, &opts, got_enc, sizeof got_enc);
        assert_true(strlen(want) > 40);
        assert_string_equal(got, want);
        assert_string_equal(got_enc, enc_labels[encs[k]]);
        free(want);
        free(got);
        nqx_buf_free(&folded);
        nqx_buf_free(&bytes);
        nqx_buf_free(&html);
    }
    free(text);
}

/* ---- Short, ambiguous, forced, broken ------------------------------------- */

static nqx_status extract_as(const char *bytes, size_t len, const char *encoding, nqx_doc **doc,
                             nqx_error *err)
{
    *doc = nqx_doc_new("in.txt");
    memset(err, 0, sizeof *err);
    nqx_extract_opts opts = {encoding, maps};
    return nqx_extract_bytes_opts(*doc, bytes, len, &opts, err);
}

static void short_inputs_decode_right_or_ask(void **state)
{
    (void)state;
    const char *snippets[] = {"Hà Nội", "Nghị quyết", "Đảng bộ", "UBND huyện", "ngày 5",
                              "Số: 45/NQ-HĐND", "Điều 1.", "TM. HỘI ĐỒNG NHÂN DÂN"};
    for (size_t s = 0; s < sizeof snippets / sizeof *snippets; s++)
        for (int enc = 0; enc < NENC; enc++) {
            nqx_buf folded = {0}, bytes = {0};
            encode_as(enc, snippets[s], strlen(snippets[s]), &folded, &bytes);
            assert_int_not_equal(detect(enc, &bytes, &folded), WRONG);
            nqx_buf_free(&folded);
            nqx_buf_free(&bytes);
        }
    /* Pure ASCII is the same text in every encoding: UTF-8. */
    nqx_doc *doc;
    nqx_error err;
    assert_int_equal(extract_as("Dieu 1. Muc tieu\n", 17, NULL, &doc, &err), NQX_OK);
    assert_string_equal(doc->encoding, "UTF-8");
    nqx_doc_free(doc);
    /* ASCII in UTF-16 without a byte-order mark is valid UTF-8 with every
     * other byte NUL: UTF-16 it is, in either order; binary data with NULs
     * on both sides is not. */
    assert_int_equal(extract_as("D\0i\0e\0u\0 \0" "1\0\n\0", 14, NULL, &doc, &err), NQX_OK);
    assert_string_equal(doc->encoding, "UTF-16LE");
    assert_string_equal(doc->text, "Dieu 1\n");
    nqx_doc_free(doc);
    assert_int_equal(extract_as("\0D\0i\0e\0u\0 \0" "1\0\n", 14, NULL, &doc, &err), NQX_OK);
    assert_string_equal(doc->encoding, "UTF-16BE");
    assert_string_equal(doc->text, "Dieu 1\n");
    nqx_doc_free(doc);
    assert_int_equal(extract_as("D\0\0i\0e\0\0u\0\0\0\0x", 14, NULL, &doc, &err), NQX_E_INPUT);
    nqx_doc_free(doc);
    /* Three bytes that are letters in most codes but no Vietnamese word. */
    assert_int_equal(extract_as("\xE0\xE0\xE0", 3, NULL, &doc, &err), NQX_E_INPUT);
    assert_string_equal(err.file, "in.txt");
    assert_non_null(strstr(err.message, "--encoding"));
    nqx_doc_free(doc);
}

static void the_encoding_can_be_forced(void **state)
{
    (void)state;
    nqx_doc *doc;
    nqx_error err;
    assert_int_equal(extract_as("\xE0\xE0\xE0", 3, "cp1258", &doc, &err), NQX_OK);
    assert_string_equal(doc->text, "ààà");
    assert_string_equal(doc->encoding, "windows-1258");
    nqx_doc_free(doc);
    assert_int_equal(extract_as("H\xB5 N\xe9i", 6, "tcvn5712-1", &doc, &err), NQX_OK);
    assert_string_equal(doc->text, "Hà Nội");
    assert_string_equal(doc->encoding, "TCVN3");
    nqx_doc_free(doc);
    assert_int_equal(extract_as("Ha\xF8 No\xE4i", 8, "VNI", &doc, &err), NQX_OK);
    assert_string_equal(doc->text, "Hà Nội");
    nqx_doc_free(doc);
    /* UTF-8 forced on valid text that could be read otherwise. */
    assert_int_equal(extract_as("H\xC3\xA0", 3, "utf8", &doc, &err), NQX_OK);
    assert_string_equal(doc->text, "Hà");
    nqx_doc_free(doc);
    /* UTF-16 without a byte-order mark. */
    assert_int_equal(extract_as("H\0a\0", 4, "UTF-16LE", &doc, &err), NQX_OK);
    assert_string_equal(doc->text, "Ha");
    nqx_doc_free(doc);
    assert_int_equal(extract_as("abc", 3, "KOI8-R", &doc, &err), NQX_E_ENV);
    assert_non_null(strstr(err.message, "VNI-Windows"));
    nqx_doc_free(doc);
}

static void broken_inputs_name_the_offset(void **state)
{
    (void)state;
    nqx_doc *doc;
    nqx_error err;
    /* UTF-16LE cut in its last character: 2 + 4 + 1 bytes. */
    assert_int_equal(extract_as("\xFF\xFE" "a\0\n\0" "b", 7, NULL, &doc, &err), NQX_E_INPUT);
    assert_int_equal(err.offset, 6);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "odd number of bytes"));
    assert_string_equal(err.file, "in.txt");
    nqx_doc_free(doc);
    /* A low surrogate alone. */
    assert_int_equal(extract_as("\xFE\xFF\0a\xDC\x00", 6, NULL, &doc, &err), NQX_E_INPUT);
    assert_int_equal(err.offset, 4);
    assert_non_null(strstr(err.message, "surrogate"));
    nqx_doc_free(doc);
    /* A VNI mark byte after no letter it fits, on line 2. */
    assert_int_equal(extract_as("ab\r\nc \xF9", 7, "VNI-Windows", &doc, &err), NQX_E_INPUT);
    assert_int_equal(err.offset, 6);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "0xF9"));
    nqx_doc_free(doc);
    /* A byte windows-1258 leaves undefined. */
    assert_int_equal(extract_as("ab\x81", 3, "windows-1258", &doc, &err), NQX_E_INPUT);
    assert_int_equal(err.offset, 2);
    nqx_doc_free(doc);
    /* Invalid UTF-8 when UTF-8 is forced keeps the UTF-8 message. */
    assert_int_equal(extract_as("ab\xE9", 3, "UTF-8", &doc, &err), NQX_E_INPUT);
    assert_int_equal(err.column, 3);
    nqx_doc_free(doc);
}

static void lines_are_kept(void **state)
{
    (void)state;
    const char *text = "Nghị quyết\r\nvề kinh tế\n\nxã hội năm 2025\rđạt 16,5%\n";
    for (int enc = 0; enc < NENC; enc++) {
        nqx_buf folded = {0}, bytes = {0};
        encode_as(enc, text, strlen(text), &folded, &bytes);
        nqx_doc *doc;
        nqx_error err;
        assert_int_equal(extract_as(bytes.data, bytes.len, encoders[enc].name, &doc, &err),
                         NQX_OK);
        assert_int_equal(doc->nlines, 6);
        size_t at = (size_t)(strstr(doc->text, "16,5") - doc->text);
        assert_int_equal(nqx_doc_text_line(doc, at), 5);
        nqx_doc_free(doc);
        nqx_buf_free(&folded);
        nqx_buf_free(&bytes);
    }
}

static void syllables(void **state)
{
    (void)state;
    const char *good[] = {"nghiêng", "Quốc", "gì", "giữ", "ĐẢNG", "khuyến", "thủy", "hoà",
                          "người", "tỉnh", "huyện", "chuyện", "ở", "Ủy", "yêu", "được"};
    const char *bad[] = {"ààà", "Ã¡", "quyeát", "hµ", "nghĩc", "tèt", "ca\xCC\x81\xCC\x80",
                         "kan", "ghu", "ăa"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (!vn_is_syllable(good[i], strlen(good[i])))
            fail_msg("'%s' is a syllable", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (vn_is_syllable(bad[i], strlen(bad[i])))
            fail_msg("'%s' is not a syllable", bad[i]);
}

/* The validator of the detector agrees with ICU's U8_NEXT on every
 * sequence of one to four bytes that starts with a lead byte, followed by
 * ASCII. */
static int32_t icu_prefix(const uint8_t *s, int32_t n)
{
    int32_t i = 0;
    while (i < n) {
        int32_t k = i;
        UChar32 c;
        U8_NEXT(s, k, n, c);
        if (c < 0)
            return i;
        i = k;
    }
    return n;
}

static void utf8_validator_agrees_with_icu(void **state)
{
    (void)state;
    uint8_t buf[16];
    for (uint32_t lead = 0x80; lead <= 0xFF; lead++)
        for (uint32_t b1 = 0; b1 < 256; b1 += 1)
            for (uint32_t b2 = 0x70; b2 < 0xD0; b2 += 0x0F)
                for (uint32_t b3 = 0x70; b3 < 0xD0; b3 += 0x1F) {
                    memset(buf, 'a', sizeof buf);
                    buf[3] = (uint8_t)lead;
                    buf[4] = (uint8_t)b1;
                    buf[5] = (uint8_t)b2;
                    buf[6] = (uint8_t)b3;
                    for (int32_t n = 4; n <= 16; n += 3) {
                        size_t ours = utf8_valid_prefix(buf, (size_t)n);
                        if (ours != (size_t)icu_prefix(buf, n))
                            fail_msg("%02X %02X %02X %02X (n %d): %zu, ICU %d", lead, b1, b2, b3,
                                     n, ours, icu_prefix(buf, n));
                    }
                }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(syllables),
        cmocka_unit_test(utf8_validator_agrees_with_icu),
        cmocka_unit_test(lines_are_kept),
        cmocka_unit_test(the_encoding_can_be_forced),
        cmocka_unit_test(broken_inputs_name_the_offset),
        cmocka_unit_test(short_inputs_decode_right_or_ask),
        cmocka_unit_test(detection_accuracy),
        cmocka_unit_test(every_encoding_gives_the_same_record),
        cmocka_unit_test(font_code_inside_html),
    };
    return cmocka_run_group_tests_name("encoding", tests, setup, teardown);
}
