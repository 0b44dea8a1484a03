/* Input formats: HTML (Word's export too), DOCX, ODT and Word 97-2003 .doc go
 * through the same pipeline as text, recognised by their content. A
 * document in a container gives the same record as its text; damaged,
 * truncated or hostile containers give errors naming the file. Text of the
 * official gazette loses its page furniture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <zip.h>

#include <gsf/gsf-outfile-msole.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-output-memory.h>

#include <unicode/utf8.h>

#include <cmocka.h>

#include "tests/helpers.h"

/* The whole pipeline on bytes named name; NULL (with err filled) when
 * extraction fails. */
static nqx_doc *convert_bytes(const char *name, const char *data, size_t len, nqx_error *err)
{
    nqx_doc *doc = nqx_doc_new(name);
    nqx_normalize_opts opts = nqx_rules_normalize_opts(test_matcher);
    memset(err, 0, sizeof *err);
    if (nqx_extract_bytes(doc, data, len, err) || nqx_normalize(doc, &opts, err) ||
        nqx_rules_apply(test_rules, doc, err)) {
        nqx_doc_free(doc);
        return NULL;
    }
    return doc;
}

/* The record without its first two lines (declaration; source, hash and
 * encoding), checked against the schema. */
static char *record_body(nqx_doc *doc)
{
    size_t len;
    char *xml = nqx_record_xml(doc, &len);
    nqx_error err = {0};
    if (nqx_schema_validate(test_schema, xml, len, doc->source, &err))
        fail_msg("%s: invalid record: %s", doc->source, err.message);
    char *body = strchr(strchr(xml, '\n') + 1, '\n');
    char *copy = nqx_xstrdup(body ? body : "");
    free(xml);
    return copy;
}

static void assert_same_record(nqx_doc *a, nqx_doc *b)
{
    char *ra = record_body(a), *rb = record_body(b);
    if (strcmp(ra, rb)) {
        size_t k = 0;
        while (ra[k] && ra[k] == rb[k])
            k++;
        fail_msg("%s and %s differ at byte %zu:\n  %.160s\n  %.160s", a->source, b->source, k,
                 ra + k, rb + k);
    }
    free(ra);
    free(rb);
}

static nqx_doc *convert_ok(const char *name, const char *data, size_t len)
{
    nqx_error err;
    nqx_doc *doc = convert_bytes(name, data, len, &err);
    if (!doc)
        fail_msg("%s: %s", name, err.message);
    return doc;
}

/* A field that must be there, with this value. */
static void assert_field(const char *got, const char *want)
{
    assert_non_null(got);
    assert_string_equal(got, want);
}

/* The bytes of a file built in the test (freed here) give the text want. */
static void assert_text_of(const char *name, char *bytes, size_t len, const char *want)
{
    nqx_doc *doc = convert_ok(name, bytes, len);
    assert_string_equal(doc->text, want);
    nqx_doc_free(doc);
    free(bytes);
}



/* Extraction must fail with an input error naming the file and saying
 * what (a word of the message). */
static void assert_refused(const char *name, const char *data, size_t len, const char *why)
{
    nqx_error err;
    nqx_doc *doc = convert_bytes(name, data, len, &err);
    if (doc)
        fail_msg("%s: converted, expected an error about '%s'", name, why);
    assert_int_equal(err.status, NQX_E_INPUT);
    assert_string_equal(err.file, name);
    if (!strstr(err.message, why))
        fail_msg("%s: message '%s' does not say '%s'", name, err.message, why);
}

/* ---- HTML ------------------------------------------------------------- */

static void html_entities_blocks_and_scripts(void **state)
{
    (void)state;
    const char *html =
        "<!DOCTYPE html>\n<html><head><title>Chỉ tiêu 77%</title>"
        "<style>p { margin: 0 }</style></head><body>\n"
        "<h1>NGH&#7882; QUY&#7870;T</h1>\n"
        "<p>T&#7893;ng s&#7843;n l&#432;&#7907;ng l&#432;&#417;ng th&#7921;c\n"
        "c&oacute; h&#7841;t &#273;&#7841;t 115.500 t&#7845;n tr&#7903; l&ecirc;n.</p>"
        "<script>var s = 'Tỷ lệ hộ nghèo giảm 99%';</script>"
        "<!-- Tỷ lệ che phủ rừng đạt 88% -->"
        "<div>Dòng một<br>dòng hai</div>"
        "<table><tr><th>STT</th><th>Chỉ tiêu</th></tr><tr><td>1</td><td><p>a</p><p>b</p>"
        "</td></tr></table></body></html>";
    nqx_doc *doc = convert_ok("page.html", html, strlen(html));
    assert_string_equal(doc->text, "NGHỊ QUYẾT\n"
                                   "Tổng sản lượng lương thực có hạt đạt 115.500 tấn trở lên.\n"
                                   "Dòng một\ndòng hai\n"
                                   "STT | Chỉ tiêu\n1 | a b\n");
    assert_true(doc->lines_are_paragraphs);
    assert_int_equal(doc->ntargets, 1);
    assert_string_equal(doc->targets[0].value, "115500");
    assert_int_equal(doc->targets[0].line, 2);
    assert_null(strstr(doc->text, "99"));
    assert_null(strstr(doc->text, "88"));
    assert_null(strstr(doc->text, "77"));
    nqx_doc_free(doc);
}

static void broken_html_gives_a_valid_record(void **state)
{
    (void)state;
    const char *html = "<body><p>Tỷ lệ <b>đạt <i>90%</b> trở lên</i><div><p>không đóng"
                       "<table><tr><td>x<td>y<tr><td>z</table></table></td></div></span>"
                       "<p>&bogus; &#xZZ; &#99999999; <<<>>></p>";
    nqx_doc *doc = convert_ok("broken.htm", html, strlen(html));
    assert_non_null(strstr(doc->text, "x | y\nz\n"));
    free(record_body(doc));
    nqx_doc_free(doc);
    /* Deep nesting is walked without recursion. */
    nqx_buf b = {0};
    nqx_buf_adds(&b, "<html><body>");
    for (int i = 0; i < 20000; i++)
        nqx_buf_adds(&b, "<div><span>");
    nqx_buf_adds(&b, "sâu");
    doc = convert_ok("deep.html", b.data, b.len);
    free(record_body(doc));
    nqx_doc_free(doc);
    nqx_buf_free(&b);
}

static void word_html_export(void **state)
{
    (void)state;
    /* As Word saves it: windows-1252 bytes (0xE0 is à) with every other
     * Vietnamese letter as a numeric entity, Office namespaces, conditional
     * comments, and a header table with drawn rules under the names. */
    const char *html =
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"\n"
        "xmlns:w=\"urn:schemas-microsoft-com:office:word\">\n<head>\n"
        "<meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">\n"
        "<!--[if gte mso 9]><xml>\n <w:WordDocument><w:Zoom>150</w:Zoom>"
        "</w:WordDocument>\n</xml><![endif]-->\n</head>\n<body lang=EN-US>\n"
        "<div class=WordSection1>\n<table class=MsoNormalTable><tr>\n"
        "<td><p class=MsoNormal align=center><b>H&#7896;I &#272;&#7890;NG NH\xC2N D\xC2N<br>\n"
        "-------</b></p></td>\n<td><p class=MsoNormal><b>C&#7896;NG H\xD2"
        "A X\xC3 H&#7896;I<br>---------------</b></p></td></tr></table>\n"
        "<p class=MsoNormal><i>Qu&#7843;ng\nNinh, ng\xE0y 16 th\xE1ng 12 n&#259;m 2025"
        "<o:p></o:p></i></p>\n"
        "<p class=MsoNormal><![if !supportLists]>1.<![endif]> T&#7927; l&#7879; "
        "&#273;&#7841;t 95%.<o:p>&nbsp;</o:p></p>\n</div></body></html>";
    nqx_doc *doc = convert_ok("word.htm", html, strlen(html));
    assert_string_equal(doc->encoding, "windows-1252");
    /* The header table has one row: it lays out the page, a cell a line. */
    assert_non_null(strstr(doc->text, "HỘI ĐỒNG NHÂN DÂN\n"));
    assert_non_null(strstr(doc->text, "\nCỘNG HÒA XÃ HỘI\n"));
    assert_null(strstr(doc->text, "|"));
    assert_non_null(strstr(doc->text, "Quảng Ninh, ngày 16 tháng 12 năm 2025\n"));
    assert_null(strstr(doc->text, "WordDocument"));
    assert_null(strstr(doc->text, "150"));
    assert_null(strstr(doc->text, "supportLists"));
    assert_int_equal(doc->ntargets, 1);
    assert_string_equal(doc->targets[0].value, "95");
    nqx_doc_free(doc);
}

static void content_decides_the_format(void **state)
{
    (void)state;
    nqx_error err;
    const char *text = "<3 là con số; Tỷ lệ đạt 90%.\n";
    nqx_doc *doc = convert_bytes("a.html", text, strlen(text), &err);
    assert_non_null(doc);
    assert_false(doc->lines_are_paragraphs);
    assert_string_equal(doc->text, text);
    nqx_doc_free(doc);
    const char *html = "\xEF\xBB\xBF  \n<P>Tỷ lệ đạt 90%.</P>";
    doc = convert_bytes("a.txt", html, strlen(html), &err);
    assert_non_null(doc);
    assert_string_equal(doc->text, "Tỷ lệ đạt 90%.\n");
    nqx_doc_free(doc);
}

/* A rule drawn in a row's first cell is dropped; what follows it in the
 * cell starts the line, even when the table opens the document (the
 * writer once read the byte before its buffer there). */
static void rule_in_a_first_cell(void **state)
{
    (void)state;
    const char *first = "<table><tr><td>-----<br>Tỷ lệ đạt 90%</td><td>b</td></tr>"
                        "<tr><td>x</td><td>y</td></tr></table>";
    nqx_doc *doc = convert_ok("rule.html", first, strlen(first));
    assert_string_equal(doc->text, "Tỷ lệ đạt 90% | b\nx | y\n");
    nqx_doc_free(doc);
    const char *later = "<p>a</p><table><tbody><tr><td><p>___</p><p>c</p></td><td>d</td></tr>"
                        "</tbody><tbody><tr><td>x</td><td>y</td></tr></tbody></table>";
    doc = convert_ok("rule2.html", later, strlen(later));
    assert_string_equal(doc->text, "a\nc | d\nx | y\n");
    nqx_doc_free(doc);
}


/* ---- DOCX --------------------------------------------------------------- */

static void add_escaped(nqx_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': nqx_buf_adds(b, "&amp;"); break;
        case '<': nqx_buf_adds(b, "&lt;"); break;
        case '>': nqx_buf_adds(b, "&gt;"); break;
        default: nqx_buf_addc(b, s[i]);
        }
    }
}

/* The targets of a and b agree in everything but their lines (an HTML
 * file's lines are its paragraphs). */
static void assert_same_targets(const nqx_doc *a, const nqx_doc *b)
{
    assert_int_equal(a->ntargets, b->ntargets);
    for (size_t i = 0; i < a->ntargets; i++) {
        const nqx_target *x = &a->targets[i], *y = &b->targets[i];
        assert_string_equal(x->value ? x->value : "-", y->value ? y->value : "-");
        assert_string_equal(x->unit ? x->unit : "-", y->unit ? y->unit : "-");
        assert_string_equal(x->indicator ? x->indicator : "-", y->indicator ? y->indicator : "-");
        assert_string_equal(x->period ? x->period : "-", y->period ? y->period : "-");
        assert_int_equal(x->comparator, y->comparator);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->change, y->change);
    }
}

/* An HTML page of text's logical lines, one <p> each, with a script and a
 * style full of Vietnamese figures that must give nothing. As Word saves
 * it (word): declared windows-1252, the letters that code holds as bytes,
 * every other letter a numeric entity, Office namespaces and a conditional
 * comment; else UTF-8 with every letter beyond ASCII a numeric entity. */
static char *html_of(const char *text, size_t len, bool word)
{
    nqx_buf b = {0};
    nqx_buf_adds(&b, word ? "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<head>"
                            "<meta http-equiv=Content-Type content=\"text/html; "
                            "charset=windows-1252\">\n<!--[if gte mso 9]><xml><o:Zoom>150"
                            "</o:Zoom></xml><![endif]-->"
                          : "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">");
    nqx_buf_adds(&b, "<style>p.x::after { content: 'Tỷ lệ 93%' }</style></head><body>\n"
                     "<script>var chiTieu = 'Thu ngân sách đạt 999 tỷ đồng';</script>\n");
    for (size_t s = 0; s < len;) {
        const char *nl = memchr(text + s, '\n', len - s);
        size_t e = nl ? (size_t)(nl - text) : len;
        nqx_buf_adds(&b, word ? "<p class=MsoNormal>" : "<p>");
        for (size_t k = s; k < e;) {
            UChar32 c;
            size_t at = k;
            U8_NEXT((const uint8_t *)text, k, e, c);
            if (c < 0x80)
                add_escaped(&b, text + at, k - at);
            else if (word && c >= 0xC0 && c <= 0xFF && c != 0xD0 && c != 0xF0)
                nqx_buf_addc(&b, (char)c); /* windows-1252 holds it as one byte */
            else
                nqx_buf_printf(&b, "&#%d;", (int)c);
        }
        nqx_buf_adds(&b, word ? "<o:p></o:p></p>\n" : "</p>\n");
        s = e + 1;
    }
    nqx_buf_adds(&b, "</body></html>\n");
    return nqx_buf_steal(&b);
}

static void html_gives_the_targets_of_its_text(void **state)
{
    (void)state;
    size_t len;
    char *text = read_file(NQX_SRCDIR "/corpus/hdnd-xa-nq-2026.txt", &len);
    assert_non_null(text);
    nqx_doc *a = convert_ok("hdnd-xa-nq-2026.txt", text, len);
    assert_true(a->ntargets > 3);
    for (int word = 0; word <= 1; word++) {
        char *html = html_of(a->norm, a->norm_len, word);
        nqx_doc *b = convert_ok(word ? "hdnd-xa-nq-2026.htm" : "hdnd-xa-nq-2026.html", html,
                                strlen(html));
        assert_string_equal(b->encoding, word ? "windows-1252" : "UTF-8");
        assert_null(strstr(b->text, "999"));
        assert_null(strstr(b->text, "93%"));
        assert_same_targets(a, b);
        nqx_doc_free(b);
        free(html);
    }
    nqx_doc_free(a);
    free(text);
}


/* word/document.xml for text: one w:p per line, each line's text split
 * into runs after every '.', so that "115.500" is written "115." + "500"
 * as Word does after an edit. The first paragraph also carries what must
 * give no text: deleted text, a field's instruction, a footnote mark. */
static char *document_xml(const char *text, size_t len)
{
    nqx_buf b = {0};
    nqx_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                     "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                     "wordprocessingml/2006/main\"><w:body>");
    bool first = true;
    for (size_t s = 0; s < len;) {
        const char *nl = memchr(text + s, '\n', len - s);
        size_t e = nl ? (size_t)(nl - text) : len;
        nqx_buf_adds(&b, "<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr>");
        if (first)
            nqx_buf_adds(&b, "<w:del w:id=\"1\"><w:r><w:delText>Đạt 999 tấn</w:delText>"
                             "</w:r></w:del><w:r><w:fldChar w:fldCharType=\"begin\"/>"
                             "</w:r><w:r><w:instrText> PAGE 777 </w:instrText></w:r>"
                             "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>");
        size_t k = s;
        while (k < e) {
            const char *dot = memchr(text + k, '.', e - k);
            size_t r = dot ? (size_t)(dot - text) + 1 : e;
            nqx_buf_adds(&b, "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">");
            add_escaped(&b, text + k, r - k);
            nqx_buf_adds(&b, "</w:t></w:r>");
            k = r;
        }
        if (first)
            nqx_buf_adds(&b, "<w:r><w:footnoteReference w:id=\"2\"/></w:r>");
        nqx_buf_adds(&b, "</w:p>");
        first = false;
        s = e + 1;
    }
    nqx_buf_adds(&b, "<w:sectPr/></w:body></w:document>");
    return nqx_buf_steal(&b);
}

/* A ZIP archive in memory with the given entries (name, content pairs). */
static char *make_zip(const char *const *entries, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; i + 1 < n; i += 2) {
        zip_source_t *e = zip_source_buffer(z, entries[i + 1], strlen(entries[i + 1]), 0);
        assert_true(zip_file_add(z, entries[i], e, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_stat(src, &st), 0);
    assert_int_equal(zip_source_open(src), 0);
    char *data = nqx_xmalloc(st.size + 1);
    assert_int_equal(zip_source_read(src, data, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)st.size;
    return data;
}

static const char content_types[] =
    "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "content-types\"/>";

static char *make_docx(const char *document, size_t *len)
{
    const char *entries[] = {"[Content_Types].xml", content_types, "word/document.xml",
                             document};
    return make_zip(entries, 4, len);
}

static const char corpus_doc[] = NQX_SRCDIR "/corpus/hdnd-xa-nq-2026.txt";

/* A file built from corpus_doc's text, its part written by part_of (which
 * must hold every string of must) and packed by pack, gives the record of
 * the text, and none of the text its format hides (999 and 777 were put
 * where it hides text). */
static void assert_record_of_built(const char *name, char *(*part_of)(const char *, size_t),
                                   char *(*pack)(const char *, size_t *),
                                   const char *const *must, size_t nmust)
{
    size_t len, zlen;
    char *text = read_file(corpus_doc, &len);
    assert_non_null(text);
    char *part = part_of(text, len);
    for (size_t i = 0; i < nmust; i++)
        assert_non_null(strstr(part, must[i]));
    char *bytes = pack(part, &zlen);
    nqx_doc *a = convert_ok("hdnd-xa-nq-2026.txt", text, len);
    nqx_doc *b = convert_ok(name, bytes, zlen);
    assert_true(a->ntargets > 3);
    assert_same_record(a, b);
    assert_null(strstr(b->text, "999"));
    assert_null(strstr(b->text, "777"));
    nqx_doc_free(a);
    nqx_doc_free(b);
    free(bytes);
    free(part);
    free(text);
}

static void docx_gives_the_record_of_its_text(void **state)
{
    (void)state;
    const char *const parts[] = {" 1.</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t "
                                 "xml:space=\"preserve\">708"}; /* 1.708 in two runs */
    assert_record_of_built("hdnd-xa-nq-2026.docx", document_xml, make_docx, parts, 1);
}

static void docx_tables_tabs_and_breaks(void **state)
{
    (void)state;
    const char *xml =
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>STT</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Chỉ tiêu</w:t></w:r></w:p><w:p><w:r><w:t>chủ yếu</w:t></w:r>"
        "</w:p></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>x</w:t></w:r>"
        "</w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:t>Số:</w:t><w:tab/><w:t>12</w:t><w:br/><w:t>Dòng &amp; hai</w:t>"
        "</w:r></w:p><w:p/><w:p><w:r><w:t>cuối</w:t></w:r></w:p></w:body></w:document>";
    size_t zlen;
    char *docx = make_docx(xml, &zlen);
    assert_text_of("t.docx", docx, zlen, "STT | Chỉ tiêu chủ yếu\n| x\nSố: 12\nDòng & hai\n\ncuối\n");
}

/* Word's usual header: a table of one row, the issuing body, a drawn rule
 * and the number as paragraphs of the first cell, the motto and the place
 * and date in the second. The record has the number, the issuer and the
 * date. */
static void docx_header_table(void **state)
{
    (void)state;
    const char *xml =
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>ỦY BAN NHÂN DÂN</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>HUYỆN TÂN HÒA</w:t></w:r></w:p><w:p><w:r><w:t>_______</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Số: 45/KH-UBND</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Độc lập - Tự do - Hạnh phúc</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Tân Hòa, ngày 10 tháng 3 năm 2025</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl><w:p><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Phát triển nông nghiệp năm 2025</w:t></w:r></w:p><w:p/>"
        "<w:p><w:r><w:t>Phấn đấu tỷ lệ che phủ rừng đạt 45%.</w:t></w:r></w:p>"
        "</w:body></w:document>";
    size_t zlen;
    char *docx = make_docx(xml, &zlen);
    nqx_doc *doc = convert_ok("h.docx", docx, zlen);
    assert_non_null(strstr(doc->text, "ỦY BAN NHÂN DÂN\nHUYỆN TÂN HÒA\n"));
    const nqx_meta *m = &doc->meta;
    assert_field(m->number, "45/KH-UBND");
    assert_field(m->issuer, "ỦY BAN NHÂN DÂN HUYỆN TÂN HÒA");
    assert_field(m->date, "2025-03-10");
    assert_string_equal(m->type, "ke-hoach");
    assert_string_equal(m->title, "Phát triển nông nghiệp năm 2025");
    assert_int_equal(doc->ntargets, 1);
    nqx_doc_free(doc);
    free(docx);
}

/* ---- ODT ------------------------------------------------------------------ */

#define ODF_NS(p, n) " xmlns:" p "=\"urn:oasis:names:tc:opendocument:xmlns:" n ":1.0\""

/* content.xml for text, written the ways ODF allows: one text:p per line
 * (text:h for a line in capitals), its text in text:span runs split after
 * every '.', a run of spaces as one space and text:s, and XML white space
 * between elements. The first paragraph also carries what gives no text: a
 * note, a comment, and a tracked deletion's text (in text:tracked-changes,
 * before the body's paragraphs as LibreOffice writes it). */
static char *content_xml(const char *text, size_t len)
{
    nqx_buf b = {0};
    nqx_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<office:document-content" ODF_NS("office", "office")
                     ODF_NS("text", "text") ODF_NS("table", "table")
                     " office:version=\"1.3\">\n <office:body>\n  <office:text>\n"
                     "   <text:tracked-changes><text:changed-region text:id=\"c1\">"
                     "<text:deletion><text:p>Đạt 999 tấn</text:p></text:deletion>"
                     "</text:changed-region></text:tracked-changes>\n");
    bool first = true;
    for (size_t s = 0; s < len;) {
        const char *nl = memchr(text + s, '\n', len - s);
        size_t e = nl ? (size_t)(nl - text) : len;
        bool caps = true;
        for (size_t k = s; k < e; k++)
            caps &= !(text[k] >= 'a' && text[k] <= 'z');
        const char *tag = caps && e > s ? "text:h" : "text:p";
        nqx_buf_printf(&b, "   <%s text:style-name=\"P1\">", tag);
        if (first)
            nqx_buf_adds(&b, "<office:annotation><text:p>777 ý kiến</text:p>"
                             "</office:annotation>");
        for (size_t k = s; k < e;) {
            const char *dot = memchr(text + k, '.', e - k);
            size_t r = dot ? (size_t)(dot - text) + 1 : e;
            nqx_buf_adds(&b, "<text:span text:style-name=\"T1\">");
            for (size_t i = k; i < r;) {
                size_t j = i;
                while (j < r && text[j] != ' ')
                    j++;
                add_escaped(&b, text + i, j - i);
                size_t spaces = 0;
                while (j < r && text[j] == ' ')
                    j++, spaces++;
                if (spaces == 1)
                    nqx_buf_addc(&b, ' ');
                else if (spaces > 1)
                    nqx_buf_printf(&b, " <text:s text:c=\"%zu\"/>", spaces - 1);
                i = j;
            }
            nqx_buf_adds(&b, "</text:span>");
            k = r;
        }
        if (first)
            nqx_buf_adds(&b, "<text:note text:note-class=\"footnote\"><text:note-citation>1"
                             "</text:note-citation><text:note-body><text:p>Ghi chú 999 ha"
                             "</text:p></text:note-body></text:note>");
        nqx_buf_printf(&b, "</%s>\n", tag);
        first = false;
        s = e + 1;
    }
    nqx_buf_adds(&b, "  </office:text>\n </office:body>\n</office:document-content>\n");
    return nqx_buf_steal(&b);
}

static char *make_odt(const char *content, size_t *len)
{
    const char *entries[] = {
        "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", content,
        "META-INF/manifest.xml",
        "<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:"
        "opendocument:xmlns:manifest:1.0\"/>"};
    return make_zip(entries, 6, len);
}

static void odt_gives_the_record_of_its_text(void **state)
{
    (void)state;
    const char *const parts[] = {" 1.</text:span><text:span text:style-name=\"T1\">708",
                                 "<text:h "};
    assert_record_of_built("hdnd-xa-nq-2026.odt", content_xml, make_odt, parts, 2);
}

static void odt_tables_lists_tabs_and_breaks(void **state)
{
    (void)state;
    const char *xml =
        "<office:document-content" ODF_NS("office", "office") ODF_NS("text", "text")
        ODF_NS("table", "table") "><office:body><office:text>"
        "<table:table table:name=\"B1\"><table:table-column table:number-columns-repeated="
        "\"2\"/><table:table-header-rows><table:table-row><table:table-cell><text:p>STT"
        "</text:p></table:table-cell><table:table-cell><text:p>Chỉ tiêu</text:p><text:p>"
        "chủ yếu</text:p></table:table-cell></table:table-row></table:table-header-rows>"
        "<table:table-row><table:table-cell/><table:table-cell><text:p>x</text:p>"
        "</table:table-cell></table:table-row></table:table>"
        "<text:list><text:list-item><text:p>Số:<text:tab/>12<text:line-break/>Dòng &amp; "
        "hai</text:p></text:list-item></text:list>"
        "<text:p/><text:p>cuối<text:soft-page-break/> trang:<text:s/>đạt\n   5 tấn</text:p>"
        "</office:text></office:body></office:document-content>";
    size_t zlen;
    char *odt = make_odt(xml, &zlen);
    assert_text_of("t.odt", odt, zlen,
                   "STT | Chỉ tiêu chủ yếu\n| x\nSố: 12\nDòng & hai\n\ncuối trang: đạt 5 tấn\n");
}

/* A table of one row lays out a page (a header, a signature block): its
 * cells are read one after the other, each paragraph a line, so that a
 * signer's authority, position and name stay apart. A table of several
 * rows keeps a row a line. */
static void one_row_table_is_layout(void **state)
{
    (void)state;
    const char *html =
        "<p>NGHỊ QUYẾT</p><p>Về nhiệm vụ năm 2026</p><p>Tỷ lệ đạt 90%.</p>"
        "<table><tr><td><p>Nơi nhận:</p><p>- UBND tỉnh;</p><p>- Lưu: VT.</p></td>"
        "<td><p>TM. HỘI ĐỒNG NHÂN DÂN</p><p>CHỦ TỊCH</p><p>Lê Minh Quang</p></td></tr>"
        "</table>";
    nqx_doc *doc = convert_ok("sign.html", html, strlen(html));
    assert_string_equal(doc->text, "NGHỊ QUYẾT\nVề nhiệm vụ năm 2026\nTỷ lệ đạt 90%.\n"
                                   "Nơi nhận:\n- UBND tỉnh;\n- Lưu: VT.\n"
                                   "TM. HỘI ĐỒNG NHÂN DÂN\nCHỦ TỊCH\nLê Minh Quang\n");
    const nqx_meta *m = &doc->meta;
    assert_field(m->signer_authority, "TM. HỘI ĐỒNG NHÂN DÂN");
    assert_field(m->signer_position, "CHỦ TỊCH");
    assert_field(m->signer_name, "Lê Minh Quang");
    assert_int_equal(m->nrecipients, 2);
    nqx_doc_free(doc);
    /* The same in ODT, the row in table:table-header-rows. */
    const char *content =
        "<office:document-content" ODF_NS("office", "office") ODF_NS("text", "text")
        ODF_NS("table", "table") "><office:body><office:text>"
        "<table:table><table:table-header-rows><table:table-row><table:table-cell>"
        "<text:p>A</text:p><text:p>B</text:p></table:table-cell><table:table-cell>"
        "<text:p>C</text:p></table:table-cell></table:table-row></table:table-header-rows>"
        "</table:table><table:table><table:table-header-rows><table:table-row>"
        "<table:table-cell><text:p>D</text:p></table:table-cell><table:table-cell>"
        "<text:p>E</text:p></table:table-cell></table:table-row></table:table-header-rows>"
        "<table:table-row><table:table-cell><text:p>F</text:p></table:table-cell>"
        "<table:table-cell><text:p>G</text:p></table:table-cell></table:table-row>"
        "</table:table></office:text></office:body></office:document-content>";
    size_t zlen;
    char *odt = make_odt(content, &zlen);
    assert_text_of("t.odt", odt, zlen, "A\nB\nC\nD | E\nF | G\n");
}

static void damaged_zip_files_are_refused(void **state)
{
    (void)state;
    size_t zlen;
    char *docx = make_docx("<w:document/>", &zlen);
    assert_refused("cut.docx", docx, zlen / 2, "ZIP");
    free(docx);
    const char junk[] = "PK\x03\x04 this is not a zip archive at all";
    assert_refused("junk.docx", junk, sizeof junk - 1, "not a readable ZIP archive");
    const char *other[] = {"readme.txt", "Tỷ lệ đạt 90%."};
    char *zip = make_zip(other, 2, &zlen);
    assert_refused("other.zip", zip, zlen, "word/document.xml");
    free(zip);
    docx = make_docx("<w:document><w:body><w:p>", &zlen);
    assert_refused("bad.docx", docx, zlen, "not well-formed");
    nqx_error err;
    assert_null(convert_bytes("bad.docx", docx, zlen, &err));
    assert_null(strchr(err.message, '\n')); /* one line, as every message */
    free(docx);
}

static void zip_bomb_is_refused(void **state)
{
    (void)state;
    /* 8 MiB of spaces deflate to a few kilobytes: far past the ratio a
     * real document has. */
    size_t big = (size_t)8 << 20, zlen;
    char *xml = nqx_xmalloc(big + 1);
    memset(xml, ' ', big);
    xml[big] = '\0';
    memcpy(xml, "<w:document>", 12);
    char *docx = make_docx(xml, &zlen);
    assert_true(zlen < big / 200);
    assert_refused("bomb.docx", docx, zlen, "ZIP bomb");
    free(docx);
    free(xml);
}

static void xml_entities_are_not_expanded(void **state)
{
    (void)state;
    /* An external entity is never read. */
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE w:document ["
                      "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                      "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>x&xxe;y"
                      "</w:t></w:r></w:p></w:body></w:document>";
    size_t zlen;
    char *docx = make_docx(xxe, &zlen);
    nqx_doc *doc = convert_ok("xxe.docx", docx, zlen);
    assert_string_equal(doc->text, "xy\n");
    nqx_doc_free(doc);
    free(docx);
    /* Entities that multiply ("billion laughs") are refused by libxml2. */
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE w:document ["
                         "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                         "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                         "<w:document><w:body><w:p><w:r><w:t>&c;&c;&c;&c;</w:t></w:r></w:p>"
                         "</w:body></w:document>";
    docx = make_docx(laughs, &zlen);
    nqx_error err;
    doc = convert_bytes("laughs.docx", docx, zlen, &err);
    if (doc)
        assert_null(strstr(doc->text, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    else
        assert_string_equal(err.file, "laughs.docx");
    nqx_doc_free(doc);
    free(docx);
}

/* ---- Word 97-2003 ------------------------------------------------------- */

/* tests/fixtures/hdnd-xa-nq-2026.doc was made once from the corpus text
 * with LibreOffice (soffice --headless --convert-to 'doc:MS Word 97'). */
static const char doc_fixture[] = NQX_SRCDIR "/tests/fixtures/hdnd-xa-nq-2026.doc";

static void doc_gives_the_record_of_its_text(void **state)
{
    (void)state;
    size_t len, dlen;
    char *text = read_file(corpus_doc, &len);
    char *bin = read_file(doc_fixture, &dlen);
    assert_non_null(text);
    assert_non_null(bin);
    nqx_doc *a = convert_ok("hdnd-xa-nq-2026.txt", text, len);
    nqx_doc *b = convert_ok("hdnd-xa-nq-2026.doc", bin, dlen);
    assert_string_equal(b->encoding, "UTF-16LE");
    assert_same_record(a, b);
    nqx_doc_free(a);
    nqx_doc_free(b);
    free(bin);
    free(text);
}

static void damaged_doc_files_are_refused(void **state)
{
    (void)state;
    size_t dlen;
    char *bin = read_file(doc_fixture, &dlen);
    assert_non_null(bin);
    /* Cut anywhere, flipped anywhere: an error naming the file, or a
     * record; never a crash. */
    for (size_t cut = 0; cut < dlen; cut += 1531) {
        nqx_error err;
        nqx_doc *doc = convert_bytes("cut.doc", bin, cut < 8 ? 8 : cut, &err);
        if (doc)
            free(record_body(doc));
        else
            assert_string_equal(err.file, "cut.doc");
        nqx_doc_free(doc);
    }
    char *copy = nqx_xmalloc(dlen);
    for (size_t at = 512; at < dlen; at += 97) {
        memcpy(copy, bin, dlen);
        copy[at] = (char)(copy[at] ^ 0x5A);
        nqx_error err;
        nqx_doc *doc = convert_bytes("flip.doc", copy, dlen, &err);
        if (doc)
            free(record_body(doc));
        else
            assert_string_equal(err.file, "flip.doc");
        nqx_doc_free(doc);
    }
    free(copy);
    const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and nothing else";
    assert_refused("short.doc", ole, sizeof ole - 1, "OLE");
    free(bin);
}

static void put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }

static void put_u32(uint8_t *p, uint32_t v)
{
    put_u16(p, (uint16_t)v);
    put_u16(p + 2, (uint16_t)(v >> 16));
}

/* The paragraph properties of text (one piece at TEXT_AT) as Word writes
 * them: a PapxFkp page at page pn of w, one run per paragraph (each ends
 * after a paragraph or cell mark); a cell's paragraph is in a table
 * (sprmPFInTable), a row's end mark also ends the row (sprmPFTtp). In
 * text, ROW_END stands for a row's end mark (a cell mark in the file), and
 * CELL_PARA for the end of a paragraph inside a cell (a paragraph mark). */
#define TEXT_AT 1024
#define ROW_END "\x01"
#define CELL_PARA "\x02"
static void write_fkp(uint8_t *w, size_t pn, const char *text)
{
    uint8_t *page = w + 512 * pn;
    size_t n = strlen(text), crun = 0;
    uint32_t *ends = nqx_xcalloc(n + 1, sizeof *ends);
    for (size_t k = 0; k < n; k++)
        if (strchr("\r\x07" ROW_END CELL_PARA, text[k]) || k + 1 == n)
            ends[crun++] = (uint32_t)(k + 1);
    assert_true(4 * (crun + 1) + 13 * crun < 440);
    /* PapxInFkp at 440: cb 3 (istd, sprmPFInTable); at 460: cb 5 (istd,
     * sprmPFInTable, sprmPFTtp, one byte of padding). */
    const uint8_t in_table[] = {3, 0, 0, 0x16, 0x24, 1};
    const uint8_t row_end[] = {5, 0, 0, 0x16, 0x24, 1, 0x17, 0x24, 1, 0};
    memcpy(page + 440, in_table, sizeof in_table);
    memcpy(page + 460, row_end, sizeof row_end);
    put_u32(page, TEXT_AT);
    for (size_t r = 0; r < crun; r++) {
        put_u32(page + 4 * (r + 1), (uint32_t)(TEXT_AT + ends[r]));
        char last = text[ends[r] - 1];
        uint8_t b = last == ROW_END[0]                        ? 460 / 2
                    : last == '\x07' || last == CELL_PARA[0] ? 440 / 2
                                                            : 0;
        page[4 * (crun + 1) + 13 * r] = b;
    }
    page[511] = (uint8_t)crun;
    free(ends);
}

/* A Word 97 file written here: a FIB, text (8-bit, at TEXT_AT of the
 * WordDocument stream) and a piece table of npieces pieces, piece i
 * covering CPs cps[i]..cps[i + 1] and starting at the text's first byte;
 * with paragraph properties (write_fkp) when papx is true. The caller
 * frees the bytes. */
static char *make_doc_papx(const char *text, uint32_t ccp_text, const uint32_t *cps,
                           size_t npieces, bool papx, size_t *len)
{
    size_t pn = (TEXT_AT + strlen(text) + 511) / 512;
    size_t wlen = papx ? 512 * (pn + 1) : TEXT_AT + strlen(text);
    uint8_t *w = nqx_xcalloc(wlen, 1);
    put_u16(w, 0xA5EC);
    put_u16(w + 32, 0);        /* csw */
    put_u16(w + 34, 4);        /* cslw: ccpText is the fourth */
    put_u32(w + 36 + 12, ccp_text);
    put_u16(w + 52, 34);       /* cbRgFcLcb: fcClx/lcbClx is pair 33 */
    size_t plc_len = 4 * (npieces + 1) + 8 * npieces;
    size_t clx_len = 5 + plc_len, tlen = clx_len + (papx ? 12 : 0);
    put_u32(w + 54 + 8 * 33, 0);
    put_u32(w + 54 + 8 * 33 + 4, (uint32_t)clx_len);
    for (size_t k = 0; text[k]; k++)
        w[TEXT_AT + k] = text[k] == ROW_END[0]     ? 0x07
                         : text[k] == CELL_PARA[0] ? '\r'
                                                   : (uint8_t)text[k];
    uint8_t *t = nqx_xcalloc(tlen, 1);
    if (papx) { /* PlcBtePapx after the Clx: one page for all the text */
        write_fkp(w, pn, text);
        put_u32(w + 54 + 8 * 13, (uint32_t)clx_len);
        put_u32(w + 54 + 8 * 13 + 4, 12);
        put_u32(t + clx_len, TEXT_AT);
        put_u32(t + clx_len + 4, (uint32_t)(TEXT_AT + strlen(text)));
        put_u32(t + clx_len + 8, (uint32_t)pn);
    }
    t[0] = 0x02;
    put_u32(t + 1, (uint32_t)plc_len);
    for (size_t i = 0; i <= npieces; i++)
        put_u32(t + 5 + 4 * i, cps[i]);
    for (size_t i = 0; i < npieces; i++)
        put_u32(t + 5 + 4 * (npieces + 1) + 8 * i + 2, 0x40000000u | (2 * TEXT_AT));

    GsfOutput *mem = gsf_output_memory_new();
    GsfOutfile *ole = gsf_outfile_msole_new(mem);
    GsfOutput *ws = gsf_outfile_new_child(ole, "WordDocument", FALSE);
    gsf_output_write(ws, wlen, w);
    gsf_output_close(ws);
    g_object_unref(ws);
    GsfOutput *ts = gsf_outfile_new_child(ole, "0Table", FALSE);
    gsf_output_write(ts, tlen, t);
    gsf_output_close(ts);
    g_object_unref(ts);
    gsf_output_close(GSF_OUTPUT(ole));
    g_object_unref(ole);
    *len = (size_t)gsf_output_size(mem);
    char *bytes = nqx_xmalloc(*len);
    memcpy(bytes, gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem)), *len);
    g_object_unref(mem);
    free(w);
    free(t);
    return bytes;
}

static char *make_doc(const char *text, uint32_t ccp_text, const uint32_t *cps, size_t npieces,
                      size_t *len)
{
    return make_doc_papx(text, ccp_text, cps, npieces, false, len);
}

/* Pieces that repeat one stretch of the stream (CPs going back, or
 * ascending CPs all pointing at the same bytes) are refused: read as
 * given, 4000 pieces of a 60-character text made 240 000 characters, and
 * a bigger file runs out of memory. */
static void doc_pieces_cannot_repeat_the_text(void **state)
{
    (void)state;
    const char *text = "Ty le ho ngheo giam 2% moi nam, dat 90% vao nam 2030.\r";
    uint32_t n = (uint32_t)strlen(text);
    size_t len;
    uint32_t one[] = {0, n};
    char *bytes = make_doc(text, n, one, 1, &len);
    nqx_doc *doc = convert_ok("one.doc", bytes, len);
    assert_string_equal(doc->text, "Ty le ho ngheo giam 2% moi nam, dat 90% vao nam 2030.\n");
    nqx_doc_free(doc);
    free(bytes);

    enum { PIECES = 4000 };
    uint32_t *cps = nqx_xcalloc(PIECES + 1, sizeof *cps);
    for (size_t i = 0; i <= PIECES; i++)
        cps[i] = i % 2 ? n : 0;
    bytes = make_doc(text, n, cps, PIECES, &len);
    assert_refused("back.doc", bytes, len, "not in order");
    free(bytes);
    for (size_t i = 0; i <= PIECES; i++)
        cps[i] = (uint32_t)i * n;
    bytes = make_doc(text, PIECES * n, cps, PIECES, &len);
    assert_refused("same.doc", bytes, len, "more characters than");
    free(bytes);
    free(cps);
}

/* A .doc of text in one piece, with paragraph properties or without,
 * gives the text want. */
static void assert_doc_text(const char *text, bool papx, const char *want)
{
    uint32_t n = (uint32_t)strlen(text);
    uint32_t cps[] = {0, n};
    size_t len;
    char *bytes = make_doc_papx(text, n, cps, 1, papx, &len);
    assert_text_of("t.doc", bytes, len, want);
}

/* A table row of a .doc: each cell's text ends with a cell mark, the row
 * with one more; the row is one line, its cells joined by " | ". Where the
 * paragraph properties say which mark ends the row, a mark right after a
 * cell's is an empty cell, first, in the middle or last, and a first cell
 * of two paragraphs is in the row; without them, a mark right after a
 * cell's ends the row. A table of one row is read as lines. */
static void doc_table_row_is_one_line(void **state)
{
    (void)state;
    const char *text =
        "before\rA\x07" "B1\rB2\x07" ROW_END "C\x07" "D\x07" ROW_END "after\r";
    const char *empty = "before\rSan luong\x07\x07" "1.200\x07" ROW_END
                        "\x07tan\x07" "900\x07" ROW_END
                        "X\x07Y\x07\x07" ROW_END
                        "Chi tieu" CELL_PARA "chu yeu\x07" "Don vi\x07" ROW_END "after\r";
    for (int papx = 0; papx <= 1; papx++)
        assert_doc_text(text, papx, "before\nA | B1 B2\nC | D\nafter\n");
    assert_doc_text(empty, true,
                    "before\nSan luong |  | 1.200\n| tan | 900\nX | Y | \n"
                    "Chi tieu chu yeu | Don vi\nafter\n");
    /* A table of one row lays out the page (here a signature block): a
     * paragraph a line, as in HTML and DOCX. */
    const char *sign = "Dat 90%.\rNoi nhan:" CELL_PARA "- UBND tinh;\x07" "CHU TICH" CELL_PARA
                       "Le Minh Quang\x07" ROW_END "after\r";
    assert_doc_text(sign, true,
                    "Dat 90%.\nNoi nhan:\n- UBND tinh;\nCHU TICH\nLe Minh Quang\nafter\n");
}

/* ---- Official gazette text -------------------------------------------- */

static void gazette_furniture_is_dropped(void **state)
{
    (void)state;
    /* A page of Công báo text as pulled from its PDF: the signature stamp
     * and the next page's running header and number interrupt a sentence. */
    const char *text = "Tỷ lệ lao động qua đào tạo đạt\n"
                       "Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                       "Cơ quan: VĂN PHÒNG CHÍNH PHỦ\n"
                       "Ngày ký: 2026-05-29 08:10:56 +07:00\n"
                       "\n"
                       "CÔNG BÁO/Số 45 + 46/Ngày 15-01-2024 \n"
                       "11\n"
                       " \n"
                       "75% trong năm 2025.\n"
                       "Cơ quan: Sở Tài chính\n"
                       "12\n";
    nqx_doc *doc = convert_ok("hrm.txt", text, strlen(text));
    assert_int_equal(doc->ntargets, 1);
    assert_string_equal(doc->targets[0].value, "75");
    assert_int_equal(doc->targets[0].line, 9);
    assert_non_null(strstr(doc->norm, "qua đào tạo đạt 75% trong năm 2025."));
    assert_int_equal(doc->ndates, 1);
    assert_string_equal(doc->dates[0].value, "2025");
    assert_null(strstr(doc->norm, "CÔNG BÁO"));
    assert_null(strstr(doc->norm, "Ký bởi"));
    /* A stamp field alone, and a number alone, are text. */
    assert_non_null(strstr(doc->norm, "Cơ quan: Sở Tài chính"));
    assert_non_null(strstr(doc->norm, " 12\n"));
    nqx_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_entities_blocks_and_scripts),
        cmocka_unit_test(broken_html_gives_a_valid_record),
        cmocka_unit_test(word_html_export),
        cmocka_unit_test(html_gives_the_targets_of_its_text),
        cmocka_unit_test(content_decides_the_format),
        cmocka_unit_test(rule_in_a_first_cell),
        cmocka_unit_test(one_row_table_is_layout),
        cmocka_unit_test(docx_gives_the_record_of_its_text),
        cmocka_unit_test(docx_tables_tabs_and_breaks),
        cmocka_unit_test(docx_header_table),
        cmocka_unit_test(odt_gives_the_record_of_its_text),
        cmocka_unit_test(odt_tables_lists_tabs_and_breaks),
        cmocka_unit_test(damaged_zip_files_are_refused),
        cmocka_unit_test(zip_bomb_is_refused),
        cmocka_unit_test(xml_entities_are_not_expanded),
        cmocka_unit_test(doc_gives_the_record_of_its_text),
        cmocka_unit_test(damaged_doc_files_are_refused),
        cmocka_unit_test(doc_pieces_cannot_repeat_the_text),
        cmocka_unit_test(doc_table_row_is_one_line),
        cmocka_unit_test(gazette_furniture_is_dropped),
    };
    return cmocka_run_group_tests_name("containers", tests, load_test_rules_and_schema,
                                       free_test_rules_and_schema);
}
