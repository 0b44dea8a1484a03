/* Reading an input and turning its bytes into the document's text. */
#include "extract/container.h"
#include "extract/encoding.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* Warnings for dropped characters name at most this many lines; the rest
 * are counted in one summary so a damaged file cannot flood the terminal. */
#define MAX_DROP_WARNINGS 10

/* Text with more dropped control characters than 1 in BINARY_RATIO bytes
 * (and more than a handful) is taken for binary data or a UTF-16 file rather
 * than damaged text: UTF-16 Vietnamese text is about 40% NUL bytes, text
 * pulled from a PDF has a few stray ones per page. */
#define BINARY_RATIO 8
#define BINARY_MIN_DROPS 4

static nqx_status read_all(int fd, const char *name, nqx_buf *out, nqx_error *err)
{
    for (;;) {
        nqx_buf_reserve(out, 65536);
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return nqx_error_set(err, NQX_E_ENV, name, 0, 0, -1, "cannot read: %s",
                                 strerror(errno));
        }
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        if (out->len > NQX_EXTRACT_MAX_BYTES)
            return nqx_error_set(err, NQX_E_INPUT, name, 0, 0, -1,
                                 "file is larger than %zu bytes; split it",
                                 NQX_EXTRACT_MAX_BYTES);
    }
    return NQX_OK;
}

nqx_status nqx_extract_file(nqx_doc *doc, const char *path, nqx_error *err)
{
    return nqx_extract_file_opts(doc, path, NULL, err);
}

nqx_status nqx_extract_file_opts(nqx_doc *doc, const char *path, const nqx_extract_opts *opts,
                                 nqx_error *err)
{
    const char *name = doc->source;
    int fd = 0;
    if (strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY);
        if (fd < 0)
            return nqx_error_set(err, NQX_E_ENV, name, 0, 0, -1, "cannot open: %s",
                                 strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (fd)
            close(fd);
        return nqx_error_set(err, NQX_E_ENV, name, 0, 0, -1,
                             "is a directory; give the files in it instead");
    }
    nqx_buf raw = {0};
    nqx_status s = read_all(fd, name, &raw, err);
    if (fd)
        close(fd);
    if (s == NQX_OK)
        s = nqx_extract_bytes_opts(doc, raw.data ? raw.data : "", raw.len, opts, err);
    nqx_buf_free(&raw);
    return s;
}

static void hash_bytes(nqx_doc *doc, const char *data, size_t len)
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)data);
    sha256_digest(&ctx, sizeof digest, digest);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof digest; i++) {
        doc->sha256[2 * i] = hex[digest[i] >> 4];
        doc->sha256[2 * i + 1] = hex[digest[i] & 15];
    }
    doc->sha256[2 * sizeof digest] = '\0';
}

/* Characters dropped from the text: C0 controls other than tab and the line
 * ends, DEL, C1 controls, and the two BMP noncharacters XML 1.0 forbids. */
static bool is_dropped(UChar32 c)
{
    if (c < 0x20)
        return c != '\t' && c != '\n' && c != '\r' && c != '\f';
    return (c >= 0x7F && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF;
}

/* Per-line bookkeeping of dropped characters, for the warnings. */
struct drops {
    size_t on_line;       /* dropped on the current line */
    UChar32 first;        /* the first one dropped there */
    size_t total;
    size_t lines_warned;
    size_t lines_unwarned;
};

static void end_line(nqx_doc *doc, struct drops *d, size_t line)
{
    if (!d->on_line)
        return;
    if (d->lines_warned < MAX_DROP_WARNINGS) {
        nqx_doc_warn_line_check(doc, line, "text.invalid-char",
                                "dropped %zu control character%s (first U+%04X)", d->on_line,
                                d->on_line == 1 ? "" : "s", (unsigned)d->first);
        d->lines_warned++;
    } else {
        d->lines_unwarned++;
    }
    d->on_line = 0;
}

/* The end of the run from i of text kept as it is (nqx_utf8_run: printable
 * ASCII and the letters of Vietnamese); anything else, rare in this text,
 * stops the run for the careful path. */
static nqx_run_rows kept_rows;
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;

static void kept_rows_init(void)
{
    nqx_run_rows_init(&kept_rows, "");
}

static int32_t valid_run(const uint8_t *s, int32_t i, int32_t n)
{
    pthread_once(&kept_once, kept_rows_init);
    return (int32_t)nqx_utf8_run(&kept_rows, s, (size_t)i, (size_t)n);
}

static void add_line_start(nqx_doc *doc, size_t *cap, size_t off)
{
    void *p = doc->line_starts;
    nqx_grow(&p, cap, doc->nlines + 1, sizeof *doc->line_starts);
    doc->line_starts = p;
    doc->line_starts[doc->nlines++] = off;
}

/* The text of UTF-8 bytes data[start..len) (a decoded input, or the input
 * itself): line ends unified, control characters dropped. raw_len is the
 * size of the original input, for the binary-data test. */
static nqx_status clean_utf8(nqx_doc *doc, const char *data, size_t len, size_t start,
                             size_t raw_len, nqx_error *err, bool *invalid)
{
    if (invalid)
        *invalid = false;
    const char *name = doc->source;
    /* The input is at most 1 GiB, but decoded from an 8-bit code it can be
     * three times that; ICU's offsets (and the checks') are 32-bit. */
    if (len > INT32_MAX)
        return nqx_error_set(err, NQX_E_INPUT, name, 0, 0, -1,
                             "the text is larger than %d bytes once decoded to UTF-8; split it",
                             INT32_MAX);
    const uint8_t *s = (const uint8_t *)data;
    int32_t i = (int32_t)start, n = (int32_t)len;

    nqx_buf out = {0};
    nqx_buf_reserve(&out, len);
    size_t lines_cap = 0;
    free(doc->line_starts);
    doc->line_starts = NULL;
    doc->nlines = 0;
    add_line_start(doc, &lines_cap, 0);

    struct drops d = {0};
    size_t line = 1;
    int32_t line_start = i; /* byte offset where the current line starts */
    while (i < n) {
        /* A run of valid text needing no attention (printable ASCII, and
         * multi-byte characters that are not dropped) is copied at once. */
        int32_t run = valid_run(s, i, n);
        if (run > i) {
            nqx_buf_add(&out, s + i, (size_t)(run - i));
            i = run;
            if (i >= n)
                break;
        }
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) {
            size_t col = 1;
            for (int32_t k = line_start; k < at; k++)
                if ((s[k] & 0xC0) != 0x80)
                    col++;
            nqx_buf_free(&out);
            if (invalid)
                *invalid = true;
            return nqx_error_set(err, NQX_E_INPUT, name, line, col, at,
                                 "invalid UTF-8 (byte 0x%02X); the file is not UTF-8: "
                                 "give its encoding with --encoding NAME, or convert it "
                                 "to UTF-8 (for example with iconv)",
                                 s[at]);
        }
        if (c == '\n' || c == '\r') {
            if (c == '\r' && i < n && s[i] == '\n')
                i++;
            end_line(doc, &d, line);
            nqx_buf_addc(&out, '\n');
            add_line_start(doc, &lines_cap, out.len);
            line++;
            line_start = i;
        } else if (c == '\f') {
            nqx_buf_addc(&out, ' ');
        } else if (is_dropped(c)) {
            if (!d.on_line)
                d.first = c;
            d.on_line++;
            d.total++;
        } else {
            nqx_buf_add(&out, s + at, (size_t)(i - at));
        }
    }
    end_line(doc, &d, line);

    if (d.total >= BINARY_MIN_DROPS && d.total * BINARY_RATIO > raw_len) {
        nqx_buf_free(&out);
        return nqx_error_set(err, NQX_E_INPUT, name, 0, 0, -1,
                             "binary data (%zu of %zu bytes are NUL or control "
                             "characters); give a text file (a UTF-16 file without a "
                             "byte-order mark needs --encoding UTF-16LE or UTF-16BE)",
                             d.total, raw_len);
    }
    if (d.lines_unwarned)
        nqx_doc_warn(doc, 0, "dropped control characters on %zu more line%s",
                     d.lines_unwarned, d.lines_unwarned == 1 ? "" : "s");
    if (raw_len == 0)
        nqx_doc_warn(doc, 0, "the file is empty");

    free(doc->text);
    doc->text_len = out.len;
    doc->text = nqx_buf_steal(&out);
    return NQX_OK;
}

/* The 1-based line of byte offset at in an 8-bit or UTF-8 input (CRLF, CR
 * and LF each end a line). */
static size_t line_of_offset(const uint8_t *s, size_t at)
{
    size_t line = 1;
    for (size_t i = 0; i < at; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= at || s[i + 1] != '\n')))
            line++;
    return line;
}

/* The 1-based line and column (in characters) of byte offset at, in bytes
 * that are valid UTF-8 before it. */
static void locate_utf8(const uint8_t *s, size_t at, size_t *line, size_t *column)
{
    size_t start = 0;
    *line = line_of_offset(s, at);
    for (size_t i = at; i > 0; i--)
        if (s[i - 1] == '\n' || s[i - 1] == '\r') {
            start = i;
            break;
        }
    *column = 1;
    for (size_t i = start; i < at; i++)
        if ((s[i] & 0xC0) != 0x80)
            (*column)++;
}

/* The line a UTF-16 decoder stopped on: counted in the text decoded so
 * far, whose lines are the input's. */
static size_t line_in_text(const nqx_buf *decoded)
{
    return decoded->data ? line_of_offset((const uint8_t *)decoded->data, decoded->len) : 1;
}

static const struct charmap *find_map(const nqx_charmaps *maps, const char *name)
{
    for (size_t i = 0; maps && i < maps->nmaps; i++)
        if (!strcmp(maps->maps[i].name, name))
            return &maps->maps[i];
    return NULL;
}

/* The encoding a byte-order mark names, with the mark's length; NULL when
 * there is none. */
static const char *bom_encoding(const uint8_t *s, size_t len, size_t *bom_len)
{
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return *bom_len = 3, "UTF-8";
    if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE)
        return *bom_len = 2, "UTF-16LE";
    if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF)
        return *bom_len = 2, "UTF-16BE";
    return *bom_len = 0, NULL;
}

/* Decodes s[0..len) from encoding (not UTF-8) into out. */
static nqx_status decode_input(const nqx_doc *doc, const char *encoding,
                               const nqx_charmaps *maps, const uint8_t *s, size_t len,
                               size_t skip, nqx_buf *out, nqx_error *err)
{
    size_t bad = 0;
    if (!strncmp(encoding, "UTF-16", 6)) {
        const char *why = "";
        if (utf16_decode(s + skip, len - skip, encoding[6] == 'L', out, &bad, &why))
            return NQX_OK;
        return nqx_error_set(err, NQX_E_INPUT, doc->source, line_in_text(out), 0,
                             (long long)(bad + skip), "invalid %s: %s; give the right "
                             "--encoding or repair the file", encoding, why);
    }
    const struct charmap *map = find_map(maps, encoding);
    if (charmap_decode(map, s, len, out, &bad))
        return NQX_OK;
    return nqx_error_set(err, NQX_E_INPUT, doc->source, line_of_offset(s, bad), 0,
                         (long long)bad, "byte 0x%02X is not a character in %s; the file "
                         "is in another encoding: give the right --encoding NAME (one of %s)",
                         s[bad], encoding, nqx_encoding_list(maps));
}

/* The encoding to read s in: forced, named by a byte-order mark, or
 * detected. *skip is the length of a byte-order mark to leave out. */
static nqx_status choose_encoding(const nqx_doc *doc, const uint8_t *s, size_t len,
                                  const nqx_extract_opts *opts, const char **encoding,
                                  size_t *skip, nqx_error *err)
{
    const nqx_charmaps *maps = opts ? opts->charmaps : NULL;
    const char *bom = bom_encoding(s, len, skip);
    if (opts && opts->encoding) {
        *encoding = nqx_encoding_name(opts->encoding, maps);
        if (!*encoding)
            return nqx_error_set(err, NQX_E_ENV, doc->source, 0, 0, -1,
                                 "unknown encoding '%s'; give one of %s", opts->encoding,
                                 nqx_encoding_list(maps));
        if (!bom || strcmp(bom, *encoding))
            *skip = 0; /* a mark of another encoding is text of this one */
        return NQX_OK;
    }
    if (bom) {
        *encoding = bom;
        return NQX_OK;
    }
    if (!maps) {
        *encoding = "UTF-8"; /* nothing else to choose from: UTF-8's errors apply */
        return NQX_OK;
    }
    nqx_status st = detect_encoding(s, len, maps, doc->source, encoding, err);
    if (st && err && err->offset >= 0)
        locate_utf8(s, (size_t)err->offset, &err->line, &err->column);
    return st;
}

/* Would choose_encoding take s for UTF-8 if all of it is valid UTF-8? No
 * encoding is forced, there is no byte-order mark, and its start is
 * surely UTF-8 (without character maps, UTF-8 is the only choice). */
static bool sure_utf8_first(const uint8_t *s, size_t len, const nqx_extract_opts *opts)
{
    size_t skip;
    if ((opts && opts->encoding) || bom_encoding(s, len, &skip))
        return false;
    return !(opts && opts->charmaps) || utf8_sure_start(s, len);
}

nqx_status nqx_extract_bytes(nqx_doc *doc, const char *data, size_t len, nqx_error *err)
{
    return nqx_extract_bytes_opts(doc, data, len, NULL, err);
}

/* The windows-1252 bytes of UTF-8 text into out; false when a character
 * of it has none. */
static bool to_windows_1252(const nqx_buf *text, nqx_buf *out)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open("windows-1252", &st);
    if (U_FAILURE(st))
        return false;
    ucnv_setFromUCallBack(cnv, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    int32_t n16 = 0;
    UErrorCode st16 = U_ZERO_ERROR;
    u_strFromUTF8(NULL, 0, &n16, text->data, (int32_t)text->len, &st16);
    UChar *u = nqx_xmalloc(((size_t)n16 + 1) * sizeof *u);
    st16 = U_ZERO_ERROR;
    u_strFromUTF8(u, n16 + 1, NULL, text->data, (int32_t)text->len, &st16);
    nqx_buf_reserve(out, (size_t)n16 + 1);
    int32_t n = ucnv_fromUChars(cnv, out->data, (int32_t)out->cap, u, n16, &st);
    free(u);
    ucnv_close(cnv);
    if (U_FAILURE(st) || U_FAILURE(st16) || n < 0)
        return false;
    out->len = (size_t)n;
    return true;
}

/* Text a container decoded as windows-1252 (Word's HTML export, the 8-bit
 * pieces of a .doc) is often typed in an old Vietnamese font's code
 * (TCVN3's .VnTime, VNI-Times): the bytes are right, the code the file
 * declares is not. When every character of the text has a windows-1252
 * byte, and those bytes are detected as a Vietnamese code that reads
 * clearly better than the text, the text is decoded again from them. */
static void redecode_font_text(nqx_doc *doc, nqx_buf *text, const nqx_charmaps *maps)
{
    if (!maps || !text->len || text->len > INT32_MAX / 2)
        return;
    nqx_buf bytes = {0};
    const char *name;
    nqx_error quiet = {0};
    bool high = false;
    for (size_t i = 0; i < text->len && !high; i++)
        high = (unsigned char)text->data[i] >= 0x80;
    if (!high || !to_windows_1252(text, &bytes) ||
        detect_encoding((const uint8_t *)bytes.data, bytes.len, maps, doc->source, &name,
                        &quiet) ||
        !strcmp(name, "UTF-8")) {
        nqx_buf_free(&bytes);
        return;
    }
    nqx_buf decoded = {0};
    size_t bad;
    struct vn_score before = vn_score_text(text->data, text->len);
    if (charmap_decode(find_map(maps, name), (const uint8_t *)bytes.data, bytes.len, &decoded,
                       &bad)) {
        struct vn_score after = vn_score_text(decoded.data, decoded.len);
        if (after.good > 2 * before.good && after.bad < before.bad) {
            nqx_buf_free(text);
            *text = decoded;
            decoded = (nqx_buf){0};
            snprintf(doc->encoding, sizeof doc->encoding, "%s", name);
        }
    }
    nqx_buf_free(&decoded);
    nqx_buf_free(&bytes);
}

/* The text of a container (HTML, DOCX, ODT, .doc): its reader gives UTF-8
 * (and names the encoding it read), then the plain-text path cleans it. */
static nqx_status extract_container(nqx_doc *doc, nqx_container kind, const char *data,
                                    size_t len, const nqx_extract_opts *opts, nqx_error *err)
{
    nqx_buf text = {0};
    nqx_status s = NQX_OK;
    snprintf(doc->encoding, sizeof doc->encoding, "UTF-8");
    switch (kind) {
    case NQX_CONTAINER_HTML:
        s = nqx_read_html(doc, data, len, &text, err);
        break;
    case NQX_CONTAINER_ZIP:
        s = nqx_read_zip(doc, data, len, &text, err);
        break;
    case NQX_CONTAINER_OLE:
        s = nqx_read_doc(doc, data, len, &text, err);
        break;
    case NQX_CONTAINER_TEXT:
        break;
    }
    if (s == NQX_OK && !(opts && opts->encoding))
        redecode_font_text(doc, &text, opts ? opts->charmaps : NULL);
    if (s == NQX_OK)
        s = clean_utf8(doc, text.data ? text.data : "", text.len, 0, len, err, NULL);
    doc->lines_are_paragraphs = true;
    nqx_buf_free(&text);
    return s;
}

nqx_status nqx_extract_bytes_opts(nqx_doc *doc, const char *data, size_t len,
                                  const nqx_extract_opts *opts, nqx_error *err)
{
    if (len > NQX_EXTRACT_MAX_BYTES)
        return nqx_error_set(err, NQX_E_INPUT, doc->source, 0, 0, -1,
                             "file is larger than %zu bytes; split it",
                             NQX_EXTRACT_MAX_BYTES);
    hash_bytes(doc, data, len);
    doc->lines_are_paragraphs = false;
    nqx_container kind = nqx_container_sniff(data, len);
    if (kind != NQX_CONTAINER_TEXT)
        return extract_container(doc, kind, data, len, opts, err);
    const uint8_t *s = (const uint8_t *)data;
    const char *encoding;
    size_t skip;
    /* Most inputs are UTF-8 and say so in their first lines: then cleaning
     * them checks every byte, and detection (a pass of its own over the
     * whole input) is needed only if a byte turns out not to be UTF-8. */
    if (sure_utf8_first(s, len, opts)) {
        size_t warnings = doc->ndiags;
        bool invalid;
        nqx_error first = {0};
        snprintf(doc->encoding, sizeof doc->encoding, "UTF-8");
        nqx_status st = clean_utf8(doc, data, len, 0, len, &first, &invalid);
        if (!invalid || !(opts && opts->charmaps)) {
            if (st && err)
                *err = first;
            return st;
        }
        nqx_doc_forget_warnings(doc, warnings);
    }
    nqx_status st = choose_encoding(doc, s, len, opts, &encoding, &skip, err);
    if (st)
        return st;
    snprintf(doc->encoding, sizeof doc->encoding, "%s", encoding);
    if (!strcmp(encoding, "UTF-8"))
        return clean_utf8(doc, data, len, skip, len, err, NULL);
    nqx_buf decoded = {0};
    st = decode_input(doc, encoding, opts ? opts->charmaps : NULL, s, len, skip, &decoded, err);
    if (!st)
        st = clean_utf8(doc, decoded.data ? decoded.data : "", decoded.len, 0, len, err, NULL);
    nqx_buf_free(&decoded);
    return st;
}
