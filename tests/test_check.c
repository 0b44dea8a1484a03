/* The draft checks (check/): for each check id, a short draft that must
 * trigger it on the right line and one that must not. The drafts are
 * variants of tests/drafts/clean.txt, a plan with every part SPEC §5
 * requires and no problem. Then the command line of `nqx check`: exit
 * statuses, --disable, --format json and sarif, --lang vi. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>
#include <unicode/utf8.h>

#include "check/check.h"
#include "tests/helpers.h"

static char *clean;

/* The clean draft with the first `from` replaced by `to`. */
static char *variant(const char *from, const char *to)
{
    const char *at = strstr(clean, from);
    assert_non_null(at);
    nqx_buf b = {0};
    nqx_buf_add(&b, clean, (size_t)(at - clean));
    nqx_buf_adds(&b, to);
    nqx_buf_adds(&b, at + strlen(from));
    return nqx_buf_steal(&b);
}

static nqx_findings check_text_of(const char *text)
{
    nqx_findings f = {0};
    nqx_doc *doc = convert_text(text);
    assert_non_null(doc);
    nqx_check(test_rules, doc, NULL, 0, &f);
    nqx_doc_free(doc);
    return f;
}

/* Does text give a finding id on line (any line when 0)? */
static bool finds(const char *text, const char *id, size_t line)
{
    nqx_findings f = check_text_of(text);
    bool hit = false;
    for (size_t i = 0; i < f.n; i++)
        hit |= !strcmp(f.items[i].id, id) && (!line || f.items[i].line == line);
    if (!hit && line) {
        fprintf(stderr, "expected %s on line %zu; found:\n", id, line);
        for (size_t i = 0; i < f.n; i++)
            fprintf(stderr, "  %zu: %s %s\n", f.items[i].line, f.items[i].id,
                    f.items[i].message);
    }
    nqx_findings_free(&f);
    return hit;
}

/* The variant must give id on line; the clean draft must not give it. */
static void expect(const char *from, const char *to, const char *id, size_t line)
{
    char *v = variant(from, to);
    assert_true(finds(v, id, line));
    free(v);
    assert_false(finds(clean, id, 0));
}

static void clean_draft_has_no_finding(void **state)
{
    (void)state;
    nqx_findings f = check_text_of(clean);
    for (size_t i = 0; i < f.n; i++)
        fprintf(stderr, "unexpected: %zu: %s %s\n", f.items[i].line, f.items[i].id,
                f.items[i].message);
    assert_int_equal(f.n, 0);
    nqx_findings_free(&f);
}

static void dates(void **state)
{
    (void)state;
    expect("ngày 30/6/2026", "ngày 31/02/2026", "date.invalid", 16);
    expect("ngày 30/6/2026", "ngày 30/6/2025", "date.order", 16);
    expect("I. MỤC TIÊU", "Ngày 15/01/2026, Ủy ban nhân dân xã tổ chức hội nghị.\nI. MỤC TIÊU",
           "date.order", 11);
    /* A leap day exists; a review of the past is not a deadline. */
    char *v = variant("ngày 30/6/2026", "ngày 29/02/2028");
    assert_false(finds(v, "date.invalid", 0));
    free(v);
    v = variant("2. Hội Nông dân xã phối hợp tuyên truyền, vận động hội viên.",
                "2. Nhiều trạm bơm xây dựng trước năm 2010 đã xuống cấp.");
    assert_false(finds(v, "date.order", 0));
    free(v);
}

static void numbering(void **state)
{
    (void)state;
    expect("II. NHIỆM VỤ", "III. NHIỆM VỤ", "numbering.gap", 14);
    expect("3. Diện tích", "4. Diện tích", "numbering.gap", 19);
    expect("b) Báo cáo", "c) Báo cáo", "numbering.gap", 17);
    expect("3. Diện tích", "2. Diện tích", "numbering.order", 19);
    char *w = variant("2. Hội Nông dân", "3. Hội Nông dân");
    char *saved = clean;
    clean = w;
    char *x = variant("3. Diện tích", "2. Diện tích");
    assert_true(finds(x, "numbering.gap", 18));
    assert_true(finds(x, "numbering.order", 19));
    clean = saved;
    free(x);
    free(w);
    /* Vietnamese letters: đ after d, no f. */
    char *v = variant("b) Báo cáo kết quả thực hiện trước ngày 15/11/2026.",
                      "b) Một;\nc) Hai;\nd) Ba;\nđ) Bốn;\ne) Năm.");
    assert_false(finds(v, "numbering.gap", 0));
    assert_false(finds(v, "numbering.order", 0));
    free(v);
    v = variant("b) Báo cáo kết quả thực hiện trước ngày 15/11/2026.",
                "b) Một;\nc) Hai;\nd) Ba;\ne) Năm.");
    assert_true(finds(v, "numbering.gap", 20));
    free(v);
    /* English order: f is no Vietnamese letter. */
    v = variant("b) Báo cáo kết quả thực hiện trước ngày 15/11/2026.",
                "b) Một;\nc) Hai;\nd) Ba;\nđ) Bốn;\ne) Năm;\nf) Sáu.");
    assert_true(finds(v, "numbering.order", 22));
    free(v);
    /* Items under a new heading count from 1 again. */
    assert_false(finds(clean, "numbering.gap", 0));
}

static void targets(void **state)
{
    (void)state;
    expect("3. Diện tích trồng rừng mới đạt 1.250 ha", "3. Diện tích trồng rừng mới đạt 1.520 ha",
           "target.conflict", 19);
    char *v = variant("3. Diện tích trồng rừng mới đạt 1.250 ha",
                      "3. Diện tích trồng rừng mới đạt 1.520 ha");
    nqx_findings f = check_text_of(v);
    bool note = false;
    for (size_t i = 0; i < f.n; i++)
        note |= !strcmp(f.items[i].id, "target.conflict") && f.items[i].note &&
                f.items[i].note_line == 12;
    assert_true(note);
    nqx_findings_free(&f);
    free(v);
    /* Another unit is another indicator. */
    v = variant("3. Diện tích trồng rừng mới đạt 1.250 ha", "3. Diện tích trồng rừng mới đạt 12 %");
    assert_false(finds(v, "target.conflict", 0));
    free(v);
    expect("giảm còn 2,5%", "đạt 105%", "target.rate-over-100", 13);
    v = variant("giảm còn 2,5%", "đạt 100%");
    assert_false(finds(v, "target.rate-over-100", 0));
    free(v);
}

static void parts(void **state)
{
    (void)state;
    expect("Số: 12/KH-UBND\n", "", "part.missing-number", 1);
    expect("Phú Xuân, ngày 10 tháng 01 năm 2026\n", "", "part.missing-date", 1);
    expect("Phát triển nông nghiệp năm 2026\n", "", "part.missing-title", 0);
    expect("Nơi nhận:\n- UBND huyện;\n- Lưu: VT.\n", "", "part.missing-recipients", 0);
    expect("Nguyễn Văn An\n", "", "part.missing-signer", 0);
    /* An HĐND resolution may carry the position alone (SPEC §5). */
    char *v = variant("ỦY BAN NHÂN DÂN\nXÃ PHÚ XUÂN\nSố: 12/KH-UBND",
                      "HỘI ĐỒNG NHÂN DÂN\nXÃ PHÚ XUÂN\nSố: 12/NQ-HĐND");
    char *w = nqx_xstrdup(v);
    free(v);
    char *saved = clean;
    clean = w;
    v = variant("KẾ HOẠCH\n", "NGHỊ QUYẾT\n");
    clean = v;
    char *x = variant("TM. ỦY BAN NHÂN DÂN\n", "");
    assert_false(finds(x, "part.missing-signer", 0));
    clean = saved;
    free(x);
    free(v);
    free(w);
    /* The same cut in a plan of an UBND is reported. */
    v = variant("TM. ỦY BAN NHÂN DÂN\n", "");
    assert_true(finds(v, "part.missing-signer", 0));
    free(v);
    /* A text with no type heading (a news item) has no layout to check. */
    assert_false(finds("Xã Phú Xuân trồng mới 120 ha rừng trong năm 2025.\n", "part.missing-number",
                       0));
    /* A draft leaves its number and day blank for the office that issues it:
     * nothing is missing. */
    v = variant("Số: 12/KH-UBND\n", "Số:      /KH-UBND\n");
    assert_false(finds(v, "part.missing-number", 0));
    free(v);
    v = variant("Phú Xuân, ngày 10 tháng 01 năm 2026\n", "Phú Xuân, ngày     tháng     năm 2026\n");
    assert_false(finds(v, "part.missing-date", 0));
    free(v);
    v = variant("Số: 12/KH-UBND\n", "Số:\n");
    assert_true(finds(v, "part.missing-number", 1));
    free(v);
}

static void text_checks(void **state)
{
    (void)state;
    expect("vận động hội viên", "vận động hội viên hoà giải", "tone.mixed", 18);
    expect("Tỷ lệ", "Ty\xCC\x89 lệ", "text.nfd", 13);
    expect("vận động hội viên", "vận động hội vi\xEF\xBF\xBDn", "text.invalid-char", 18);
    expect("vận động hội viên", "vận động hội viên theo chương trình XYZT", "abbr.unknown", 18);
    /* Gazetteer abbreviations and common ones are known. */
    char *v = variant("vận động hội viên", "vận động hội viên cùng UBND xã, MTTQ và HĐND, OCOP");
    assert_false(finds(v, "abbr.unknown", 0));
    free(v);
    /* A word in capitals for emphasis is no abbreviation. */
    v = variant("vận động hội viên", "vận động hội viên TUYỆT ĐỐI KHÔNG vi phạm");
    assert_false(finds(v, "abbr.unknown", 0));
    free(v);
}

/* A message quotes the text it is about whole, however long: cut to a
 * fixed buffer it ended inside a character, invalid UTF-8 in JSON. */
static void long_quotes_stay_whole(void **state)
{
    (void)state;
    nqx_buf token = {0};
    for (int i = 0; i < 700; i++)
        nqx_buf_adds(&token, "Đ");
    nqx_buf to = {0};
    nqx_buf_printf(&to, "vận động hội viên theo chương trình %s", token.data);
    for (int i = 0; i < 100; i++) /* a line mostly in lower case: not a heading */
        nqx_buf_adds(&to, " trong năm nay");
    char *v = variant("vận động hội viên", to.data);
    nqx_findings f = check_text_of(v);
    bool quoted = false;
    for (size_t i = 0; i < f.n; i++) {
        if (strcmp(f.items[i].id, "abbr.unknown"))
            continue;
        quoted = strstr(f.items[i].message, token.data) != NULL;
        const uint8_t *m = (const uint8_t *)f.items[i].message;
        int32_t n = (int32_t)strlen(f.items[i].message);
        for (int32_t k = 0; k < n;) {
            UChar32 c;
            U8_NEXT(m, k, n, c);
            assert_true(c >= 0);
        }
    }
    assert_true(quoted);
    nqx_findings_free(&f);
    free(v);
    nqx_buf_free(&to);
    nqx_buf_free(&token);
}

/* ---- The command line -------------------------------------------------------- */

static char tmp[64];

/* Runs nqx with args in the C locale, or in lang_env's. */
static struct nqx_run run_nqx(const char *const *args, const char *lang_env)
{
    struct nqx_run r = run_nqx_in(tmp, NULL, args, lang_env ? lang_env : "C");
    assert_true(r.status >= 0);
    return r;
}

static const char *write_draft(const char *name, const char *text)
{
    static char path[8][128];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 128, "%s/%s", tmp, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void command_line(void **state)
{
    (void)state;
    const char *good = write_draft("good.txt", clean);
    char *v = variant("II. NHIỆM VỤ", "IV. NHIỆM VỤ");
    const char *bad = write_draft("bad.txt", v);
    free(v);

    struct nqx_run r = run_nqx((const char *[]){"check", good, NULL}, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    free_nqx_run(&r);

    r = run_nqx((const char *[]){"check", good, bad, NULL}, NULL);
    assert_int_equal(r.status, 1);
    char expected[256];
    snprintf(expected, sizeof expected,
             "%s:14:1: error: 'IV' follows 'I': 'II' to 'III' are missing [numbering.gap]\n", bad);
    assert_string_equal(r.out, expected);
    free_nqx_run(&r);

    r = run_nqx((const char *[]){"check", "--disable", "numbering.gap", bad, NULL}, NULL);
    assert_int_equal(r.status, 0);
    free_nqx_run(&r);

    r = run_nqx((const char *[]){"check", "--format", "json", bad, NULL}, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"id\": \"numbering.gap\", \"severity\": \"error\", "
                                  "\"line\": 14"));
    free_nqx_run(&r);

    r = run_nqx((const char *[]){"check", "--format=sarif", bad, NULL}, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"version\": \"2.1.0\""));
    assert_non_null(strstr(r.out, "\"ruleId\": \"numbering.gap\""));
    free_nqx_run(&r);

    /* A file name is any bytes: JSON gets valid UTF-8 (U+FFFD for a byte
     * that is not), SARIF a URI with the rest percent-encoded. */
    char *odd_text = variant("II. NHIỆM VỤ", "IV. NHIỆM VỤ");
    const char *odd = write_draft("b\"ad \xFF%#.txt", odd_text);
    free(odd_text);
    r = run_nqx((const char *[]){"check", "--format", "json", odd, NULL}, NULL);
    assert_non_null(strstr(r.out, "b\\\"ad \\ufffd%#.txt\""));
    free_nqx_run(&r);
    r = run_nqx((const char *[]){"check", "--format", "sarif", odd, NULL}, NULL);
    assert_non_null(strstr(r.out, "b%22ad%20%FF%25%23.txt\""));
    assert_null(strstr(r.out, "\xFF"));
    free_nqx_run(&r);

    /* Vietnamese by option and by locale, English by option over it. */
    r = run_nqx((const char *[]){"check", "--lang", "vi", bad, NULL}, NULL);
    assert_non_null(strstr(r.out, "đứng sau 'I': thiếu"));
    free_nqx_run(&r);
    r = run_nqx((const char *[]){"check", bad, NULL}, "vi_VN.UTF-8");
    assert_non_null(strstr(r.out, "đứng sau 'I': thiếu"));
    free_nqx_run(&r);
    r = run_nqx((const char *[]){"check", "--lang=en", bad, NULL}, "vi_VN.UTF-8");
    assert_non_null(strstr(r.out, "are missing"));
    free_nqx_run(&r);

    /* Usage errors. */
    r = run_nqx((const char *[]){"check", "--disable", "no.such-check", bad, NULL}, NULL);
    assert_int_equal(r.status, 2);
    free_nqx_run(&r);
    r = run_nqx((const char *[]){"check", "--format", "xml", bad, NULL}, NULL);
    assert_int_equal(r.status, 2);
    free_nqx_run(&r);
    r = run_nqx((const char *[]){"check", "--lang", "fr", bad, NULL}, NULL);
    assert_int_equal(r.status, 2);
    free_nqx_run(&r);
    r = run_nqx((const char *[]){"check", NULL}, NULL);
    assert_int_equal(r.status, 2);
    free_nqx_run(&r);
    r = run_nqx((const char *[]){"check", "/nonexistent/draft.txt", NULL}, NULL);
    assert_int_equal(r.status, 2);
    free_nqx_run(&r);
}

static void html_view(void **state)
{
    (void)state;
    char *v = variant("vận động hội viên", "vận động hội viên <b>&amp; \"x\"</b>");
    const char *draft = write_draft("view.txt", v);
    free(v);
    struct nqx_run r = run_nqx((const char *[]){"convert", "--format", "html", draft, NULL}, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "<!DOCTYPE html>"));
    assert_non_null(strstr(r.out, "id=\"L12\""));
    assert_non_null(strstr(r.out, "<mark class=\"hl target\""));
    assert_non_null(strstr(r.out, "<mark class=\"hl date\""));
    assert_non_null(strstr(r.out, "<mark class=\"hl body\""));
    assert_non_null(strstr(r.out, "href=\"#L12\""));
    /* The text's markup is text. */
    assert_non_null(strstr(r.out, "&lt;b&gt;&amp;amp; &quot;x&quot;&lt;/b&gt;"));
    assert_null(strstr(r.out, "<b>&amp;"));
    assert_null(strstr(r.out, "<script"));
    free_nqx_run(&r);
}

/* The notes of the HTML view stand under their lines whatever their order
 * in the array, in that order where they share a line; a note of a line
 * the document does not have stands above the text. */
static void html_notes_under_their_lines(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("một\nhai\nba\n");
    assert_non_null(doc);
    const nqx_html_note notes[] = {
        {3, "error", "x.c", "C1"}, {1, "warning", "x.a", "A1"}, {3, "note", "x.d", "C2"},
        {99, "error", "x.z", "Z"},  {0, "note", "x.y", "Y"},
    };
    size_t len;
    char *page = nqx_record_html(doc, notes, sizeof notes / sizeof *notes, &len);
    const char *order[] = {": Z [x.z]", ": Y [x.y]", "id=\"L1\"", ": A1 [x.a]", "id=\"L2\"",
                           "id=\"L3\"", ": C1 [x.c]", ": C2 [x.d]"};
    const char *at = page;
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        const char *next = strstr(at, order[i]);
        if (!next)
            fail_msg("'%s' missing, or out of order", order[i]);
        at = next;
    }
    free(page);
    nqx_doc_free(doc);
}

static int setup(void **state)
{
    size_t len;
    clean = read_file(NQX_SRCDIR "/tests/drafts/clean.txt", &len);
    if (!clean)
        return -1;
    snprintf(tmp, sizeof tmp, "/tmp/nqx-check-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    return load_test_rules(state);
}

static int teardown(void **state)
{
    free(clean);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd))
        return -1;
    return free_test_rules(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_draft_has_no_finding),
        cmocka_unit_test(dates),
        cmocka_unit_test(numbering),
        cmocka_unit_test(targets),
        cmocka_unit_test(parts),
        cmocka_unit_test(text_checks),
        cmocka_unit_test(long_quotes_stay_whole),
        cmocka_unit_test(command_line),
        cmocka_unit_test(html_view),
        cmocka_unit_test(html_notes_under_their_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
