/* Normalization (SPEC §4): NFC, tone-mark placement, white space, dashes,
 * markdown leftovers, joined lines, and the map back to original lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/helpers.h"

/* The normalized text of in (with the rules' layout), without the final
 * newline; the caller frees. */
static char *norm(const char *in)
{
    nqx_doc *doc = normalize_text(in, strlen(in), true);
    assert_non_null(doc);
    size_t n = doc->norm_len;
    if (n && doc->norm[n - 1] == '\n')
        n--;
    char *out = nqx_xstrndup(doc->norm, n);
    nqx_doc_free(doc);
    return out;
}

static void expect_norm(const char *in, const char *want)
{
    char *got = norm(in);
    if (strcmp(got, want))
        fail_msg("normalizing '%s'\n got  '%s'\n want '%s'", in, got, want);
    free(got);
}

static void tone_marks_move_to_the_new_style(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"hoà", "hòa"},   {"hoá", "hóa"},     {"hoả", "hỏa"},   {"hoã", "hõa"},
        {"hoạ", "họa"},   {"khoẻ", "khỏe"},   {"loè", "lòe"},   {"thuỷ", "thủy"},
        {"uỷ", "ủy"},     {"tuỳ", "tùy"},     {"luỹ", "lũy"},   {"huỵ", "hụy"},
        {"Uỷ", "Ủy"},     {"UỶ", "ỦY"},       {"HOÀ", "HÒA"},   {"Thanh Hoá", "Thanh Hóa"},
        {"HUYỆN UỶ CẨM THUỶ", "HUYỆN ỦY CẨM THỦY"},
        /* Already new, or not an open oa/oe/uy syllable: unchanged. */
        {"hòa", "hòa"},   {"quý", "quý"},     {"quỳ", "quỳ"},   {"hoàn", "hoàn"},
        {"thuyền", "thuyền"}, {"khoảng", "khoảng"}, {"ngoài", "ngoài"},
        {"khuỷu", "khuỷu"}, {"quá", "quá"},   {"thuế", "thuế"}, {"già", "già"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n;
        char *got = nqx_normalize_string(cases[i][0], strlen(cases[i][0]), &n);
        if (strcmp(got, cases[i][1]))
            fail_msg("'%s' -> '%s', want '%s'", cases[i][0], got, cases[i][1]);
        free(got);
        expect_norm(cases[i][0], cases[i][1]);
    }
}

static void nfd_and_mixed_input_become_nfc(void **state)
{
    (void)state;
    /* "Tỷ lệ hòa" in NFD, and the old style "hoà" in NFD. */
    expect_norm("T\x79\xCC\x89 l\x65\xCC\x82\xCC\xA3 ho\xCC\x80\x61", "Tỷ lệ hòa");
    expect_norm("ho\x61\xCC\x80 gia\xCC\x89i", "hòa giải");
    /* A combining mark after a space stays a mark; nothing is lost. */
    char *got = norm("a \xCC\x81" "b");
    assert_non_null(strstr(got, "\xCC\x81"));
    free(got);
}

static void white_space_and_dashes(void **state)
{
    (void)state;
    expect_norm("a\tb   c\xC2\xA0" "d", "a b c d");
    expect_norm("   leading and trailing   ", "leading and trailing");
    expect_norm("giai đoạn 2021\xE2\x80\x93" "2025", "giai đoạn 2021-2025");
    expect_norm("kinh tế \xE2\x80\x94 xã hội", "kinh tế - xã hội");
    expect_norm("Quyết nghị : đạt 5 tấn .", "Quyết nghị: đạt 5 tấn.");
    expect_norm("( theo giá so sánh )", "(theo giá so sánh)");
    expect_norm("zero\xE2\x80\x8Bwidth", "zerowidth");
}

static void markdown_leftovers(void **state)
{
    (void)state;
    expect_norm("**Điều 1. Mục tiêu**", "Điều 1. Mục tiêu");
    expect_norm("*trong đó: 01 xã.*", "trong đó: 01 xã.");
    expect_norm("\\- Tỷ lệ che phủ rừng", "- Tỷ lệ che phủ rừng");
    expect_norm("1\\. Các chỉ tiêu", "1. Các chỉ tiêu");
    expect_norm("## I. MỤC TIÊU", "I. MỤC TIÊU");
    expect_norm("\\*", "");
    expect_norm("-----\nTiếp theo", "Tiếp theo");
    expect_norm("| TT | Chỉ tiêu | Đơn vị |\n| --- | --- | --- |\n| 1 | Tỷ lệ hộ nghèo | % |",
                "TT | Chỉ tiêu | Đơn vị\n1 | Tỷ lệ hộ nghèo | %");
}

static void hard_wrapped_lines_are_joined(void **state)
{
    (void)state;
    expect_norm("Sản lượng lương thực ước đạt trên\n46.200 tấn, bằng kế hoạch.",
                "Sản lượng lương thực ước đạt trên 46.200 tấn, bằng kế hoạch.");
    expect_norm("Căn cứ Nghị định số 39/2022/NĐ-CP ngày 18 tháng 6 năm 2022 của\n"
                "Chính phủ ban hành Quy chế làm việc;",
                "Căn cứ Nghị định số 39/2022/NĐ-CP ngày 18 tháng 6 năm 2022 của Chính phủ "
                "ban hành Quy chế làm việc;");
    /* A paragraph broken by a page break goes on in lower case. */
    expect_norm("Một số loại tội phạm\n\ncòn diễn biến phức tạp.",
                "Một số loại tội phạm còn diễn biến phức tạp.");
    /* A wrap that cut a range after a full line is no list item; a short
     * line ending in a number is followed by one. */
    expect_norm("Giá trị xuất khẩu đến năm 2030 đạt 30 triệu USD, tăng bình quân 05\n"
                "- 06%/năm.",
                "Giá trị xuất khẩu đến năm 2030 đạt 30 triệu USD, tăng bình quân 05 - 06%/năm.");
    expect_norm("Giá trị xuất khẩu đến năm 2030 đạt 30 triệu USD, tăng bình quân 05%/năm.\n"
                "Chỉ tiêu năm 2026\n- 100% xã đạt chuẩn.",
                "Giá trị xuất khẩu đến năm 2030 đạt 30 triệu USD, tăng bình quân 05%/năm.\n"
                "Chỉ tiêu năm 2026\n- 100% xã đạt chuẩn.");
    /* After a sentence, a new paragraph starts. */
    expect_norm("Hoàn thành kế hoạch.\n\nCòn một số hạn chế.",
                "Hoàn thành kế hoạch.\nCòn một số hạn chế.");
    /* A word cut at its hyphen is joined back whole; a dash between
     * words keeps its spaces. */
    expect_norm("Phụ lục kèm theo Nghị định số 289/2025/NĐ-\nCP và Thông tư này;",
                "Phụ lục kèm theo Nghị định số 289/2025/NĐ-CP và Thông tư này;");
    expect_norm("phát triển kinh tế -\nxã hội của tỉnh", "phát triển kinh tế - xã hội của tỉnh");
}

static void blocks_are_never_joined(void **state)
{
    (void)state;
    expect_norm("- Tỷ lệ hộ nghèo giảm\n- Tỷ lệ che phủ rừng",
                "- Tỷ lệ hộ nghèo giảm\n- Tỷ lệ che phủ rừng");
    expect_norm("Nơi nhận:\n- Ban Thường vụ Tỉnh ủy", "Nơi nhận:\n- Ban Thường vụ Tỉnh ủy");
    expect_norm("NGHỊ QUYẾT\nVỀ PHƯƠNG HƯỚNG NHIỆM VỤ", "NGHỊ QUYẾT\nVỀ PHƯƠNG HƯỚNG NHIỆM VỤ");
    expect_norm("Số: 45/NQ-HĐND\nTân Phước, ngày 08 tháng 12 năm 2023",
                "Số: 45/NQ-HĐND\nTân Phước, ngày 08 tháng 12 năm 2023");
    expect_norm("giải pháp chủ yếu sau:\na) Tốc độ tăng trưởng\nb) Thu nhập",
                "giải pháp chủ yếu sau:\na) Tốc độ tăng trưởng\nb) Thu nhập");
    expect_norm("Nội dung đầu tiên của điều này\n2. Nội dung thứ hai",
                "Nội dung đầu tiên của điều này\n2. Nội dung thứ hai");
    /* A short heading line before a sentence in hard-wrapped text. */
    expect_norm("Trong quý III, thời tiết nhìn chung thuận lợi cho sản xuất vụ mùa năm\n"
                "1.1. Sản xuất nông nghiệp\nTrong quý III, sản xuất ổn định.",
                "Trong quý III, thời tiết nhìn chung thuận lợi cho sản xuất vụ mùa năm\n"
                "1.1. Sản xuất nông nghiệp\nTrong quý III, sản xuất ổn định.");
}

/* Positions of the normalized text map to the lines of the original. */
static void line_mapping(void **state)
{
    (void)state;
    const char *in = "dòng một\r\n\r\n- Tỷ lệ hộ nghèo giảm\r\n"
                     "còn 2,5% trở\r\nxuống.\rho\xCC\x80\x61 ho\xC3\xA0n\r\n";
    nqx_doc *doc = normalize_text(in, strlen(in), true);
    assert_non_null(doc);
    const char *t = doc->norm;
    /* "dòng một" is line 1; the joined item starts on line 3 and its
     * "2,5%" is on line 4, "xuống" on line 5; after the lone CR, line 6. */
    assert_int_equal(nqx_doc_line(doc, (size_t)(strstr(t, "dòng") - t), NULL), 1);
    assert_int_equal(nqx_doc_line(doc, (size_t)(strstr(t, "- Tỷ") - t), NULL), 3);
    assert_int_equal(nqx_doc_line(doc, (size_t)(strstr(t, "2,5%") - t), NULL), 4);
    assert_int_equal(nqx_doc_line(doc, (size_t)(strstr(t, "xuống") - t), NULL), 5);
    const char *hoa = strstr(t, "hòa hoàn");
    assert_non_null(hoa);
    assert_int_equal(nqx_doc_line(doc, (size_t)(hoa - t), NULL), 6);
    size_t col;
    /* Columns count the original's characters: "ho" + U+0300 + "a " comes
     * before "hoàn", which is at column 6. */
    assert_int_equal(nqx_doc_line(doc, (size_t)(strstr(t, "hoàn") - t), &col), 6);
    assert_int_equal(col, 6);
    assert_int_equal(doc->nlines, 7);
    nqx_doc_free(doc);
    /* The second half of a word cut at its hyphen keeps its own line. */
    const char *cut = "Nghị định số 289/2025/NĐ-\nCP và Thông tư này;";
    doc = normalize_text(cut, strlen(cut), true);
    assert_non_null(doc);
    t = doc->norm;
    assert_int_equal(nqx_doc_line(doc, (size_t)(strstr(t, "289") - t), NULL), 1);
    assert_int_equal(nqx_doc_line(doc, (size_t)(strstr(t, "CP") - t), NULL), 2);
    assert_int_equal(nqx_doc_line(doc, (size_t)(strstr(t, "Thông") - t), NULL), 2);
    nqx_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tone_marks_move_to_the_new_style),
        cmocka_unit_test(nfd_and_mixed_input_become_nfc),
        cmocka_unit_test(white_space_and_dashes),
        cmocka_unit_test(markdown_leftovers),
        cmocka_unit_test(hard_wrapped_lines_are_joined),
        cmocka_unit_test(blocks_are_never_joined),
        cmocka_unit_test(line_mapping),
    };
    return cmocka_run_group_tests_name("normalize", tests, load_test_rules, free_test_rules);
}
