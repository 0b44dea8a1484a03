/* Dates, periods, cited documents and metadata (SPEC §3.5, §3.6, §5): the
 * calendar arithmetic, every date form of the SPEC end to end, dates that
 * do not exist, roles, references in both numbering styles, both header
 * layouts, and the period each target gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rules/rules_int.h"
#include "tests/helpers.h"

static void calendar(void **state)
{
    (void)state;
    assert_int_equal(days_in_month(2024, 2), 29);
    assert_int_equal(days_in_month(2023, 2), 28);
    assert_int_equal(days_in_month(1900, 2), 28); /* a century, not leap */
    assert_true(iso_day(1890, 5, 19, (char[16]){0}, 16)); /* cited anniversaries */
    assert_int_equal(days_in_month(2000, 2), 29); /* every 400 years, leap */
    assert_int_equal(days_in_month(2024, 4), 30);
    assert_int_equal(days_in_month(2024, 12), 31);
    assert_int_equal(days_in_month(2024, 13), 0);
    char out[16];
    assert_true(iso_day(2024, 2, 29, out, sizeof out));
    assert_string_equal(out, "2024-02-29");
    assert_false(iso_day(2023, 2, 29, out, sizeof out));
    assert_false(iso_day(2024, 2, 30, out, sizeof out));
    assert_false(iso_day(2024, 15, 13, out, sizeof out));
    assert_false(iso_day(2024, 0, 1, out, sizeof out));
    assert_false(iso_day(2024, 6, 0, out, sizeof out));
    assert_true(iso_day(2024, 7, 1, out, sizeof out));
    assert_string_equal(out, "2024-07-01");
}

static void roman_numerals(void **state)
{
    (void)state;
    assert_int_equal(roman_value("I", 1), 1);
    assert_int_equal(roman_value("IV", 2), 4);
    assert_int_equal(roman_value("XIV", 3), 14);
    assert_int_equal(roman_value("XXVI", 4), 26);
    assert_int_equal(roman_value("iii", 3), 3);
    assert_int_equal(roman_value("A", 1), 0);
    assert_int_equal(roman_value("", 0), 0);
}

/* Converts text; its dates must be exactly want (values, '|' between). */
static void expect_dates(const char *text, const char *want)
{
    nqx_doc *doc = convert_text(text);
    assert_non_null(doc);
    nqx_buf got = {0};
    for (size_t i = 0; i < doc->ndates; i++)
        nqx_buf_printf(&got, "%s%s", i ? "|" : "", doc->dates[i].value);
    if (strcmp(got.data ? got.data : "", want))
        fail_msg("'%s': dates '%s', want '%s'", text, got.data ? got.data : "", want);
    nqx_buf_free(&got);
    nqx_doc_free(doc);
}

static void every_form_of_the_spec(void **state)
{
    (void)state;
    expect_dates("Ngày 07 tháng 7 năm 2023, tổ chức kiểm tra.", "2023-07-07");
    expect_dates("Ngày 07/7/2023, tổ chức kiểm tra.", "2023-07-07");
    expect_dates("Ngày 1-1-2021, tỉnh ban hành kế hoạch.", "2021-01-01");
    expect_dates("Trong hai ngày 08-09/12/2020, Hội nghị họp.", "2020-12-08/2020-12-09");
    expect_dates("Trong tháng 7/2023 hoàn thành.", "2023-07");
    expect_dates("Nhiệm vụ quý II năm 2023.", "2023-04-01/2023-06-30");
    expect_dates("Kết quả quý I/2023.", "2023-01-01/2023-03-31");
    expect_dates("Kết quả quý IV năm 2024.", "2024-10-01/2024-12-31");
    expect_dates("Kết quả 6 tháng đầu năm 2023.", "2023-01-01/2023-06-30");
    expect_dates("Nhiệm vụ 6 tháng cuối năm 2023.", "2023-07-01/2023-12-31");
    expect_dates("Kết quả 9 tháng năm 2024.", "2024-01-01/2024-09-30");
    expect_dates("Trong năm 2021 hoàn thành.", "2021");
    expect_dates("Kế hoạch giai đoạn 2021-2025.", "2021/2025");
    expect_dates("Đại hội nhiệm kỳ 2020 - 2025.", "2020/2025");
    expect_dates("Phấn đấu đến năm 2030 hoàn thành.", "2030");
    expect_dates("Tổng kết năm học 2024 - 2025.", "2024/2025");
    expect_dates("Kỳ họp diễn ra từ ngày 10 đến ngày 12 tháng 12 năm 2026.",
                 "2026-12-10/2026-12-12");
    expect_dates("Thực hiện từ tháng 1 đến tháng 3 năm 2024.", "2024-01/2024-03");
}

/* The scans find words and runs of digits eight bytes at a time: a date
 * is found wherever its words and digits fall against those blocks. */
static void found_at_every_alignment(void **state)
{
    (void)state;
    for (int k = 0; k <= 17; k++) {
        char text[96];
        snprintf(text, sizeof text, "%.*s họp ngày 15/3/2026 tại xã.", k,
                 "xxxxxxxxxxxxxxxxxxx");
        expect_dates(text, "2026-03-15");
    }
}

static void not_dates(void **state)
{
    (void)state;
    expect_dates("Căn cứ Nghị định số 05/2020/NĐ-CP; Quyết định số 12/2021/QĐ-UBND.", "");
    expect_dates("Hội nghị lần thứ 13; trong 5 năm tới; sau 6 tháng triển khai.", "");
    expect_dates("Tổ chức 30 hội nghị với 2.500 lượt người tham dự.", "");
}

/* A year left out comes from the same line, else from the title. */
static void year_left_out(void **state)
{
    (void)state;
    expect_dates("Kết quả 6 tháng đầu năm, nhiệm vụ 6 tháng cuối năm 2023.",
                 "2023-01-01/2023-06-30|2023-07-01/2023-12-31");
    expect_dates("BÁO CÁO\nTình hình quý III và 9 tháng năm 2024\n\nTrong quý IV tập trung.",
                 "2024-07-01/2024-09-30|2024-01-01/2024-09-30|2024-10-01/2024-12-31");
    /* No year anywhere: the quarter is left out, not guessed. */
    expect_dates("Trong quý IV tập trung chỉ đạo.", "");
}

static void dates_that_do_not_exist(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Báo cáo trước ngày 31/02/2024.",
        "Báo cáo trước ngày 15/13/2024.",
        "Báo cáo trước ngày 29 tháng 2 năm 2023.",
        "Kỳ họp từ ngày 12 đến ngày 10 tháng 12 năm 2026.",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        nqx_doc *doc = convert_text(texts[i]);
        assert_non_null(doc);
        if (doc->ndates)
            fail_msg("'%s': emitted %s", texts[i], doc->dates[0].value);
        bool warned = false;
        for (size_t k = 0; k < doc->ndiags; k++)
            warned |= doc->diags[k].line == 1 && strstr(doc->diags[k].message, "not a date");
        if (!warned)
            fail_msg("'%s': no warning naming line 1", texts[i]);
        nqx_doc_free(doc);
    }
}

static void roles(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        nqx_date_role role;
    } rows[] = {
        {"Báo cáo về Văn phòng trước ngày 30/9/2026.", NQX_ROLE_DEADLINE},
        {"Chậm nhất ngày 15/10/2026 phải hoàn thành.", NQX_ROLE_DEADLINE},
        {"Hoàn thành việc rà soát trong quý IV năm 2024.", NQX_ROLE_DEADLINE},
        {"Nghị quyết này có hiệu lực kể từ ngày 01/01/2027.", NQX_ROLE_EFFECTIVE},
        {"Ngày 18/4/2023, Ban Chấp hành tổ chức Hội nghị lần thứ 13.", NQX_ROLE_MEETING},
        {"Căn cứ Nghị quyết số 58-NQ/TW ngày 5-8-2020 của Bộ Chính trị;", NQX_ROLE_REFERENCE},
        {"Trong quý IV năm 2024, tổ chức kiểm tra.", NQX_ROLE_PERIOD},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        nqx_doc *doc = convert_text(rows[i].text);
        assert_non_null(doc);
        if (doc->ndates != 1 || doc->dates[0].role != rows[i].role)
            fail_msg("'%s': %zu dates, role %s, want %s", rows[i].text, doc->ndates,
                     doc->ndates ? nqx_date_role_names[doc->dates[0].role] : "-",
                     nqx_date_role_names[rows[i].role]);
        nqx_doc_free(doc);
    }
}

static void references(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text(
        "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;\n"
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;\n"
        "Thực hiện Nghị quyết số 58-NQ/TW ngày 5-8-2020 của Bộ Chính trị và Quyết định "
        "2543-QĐ/TU của Tỉnh ủy.\n");
    assert_non_null(doc);
    assert_int_equal(doc->nrefs, 4);
    assert_null(doc->refs[0].number);
    assert_string_equal(doc->refs[0].type, "luat");
    assert_string_equal(doc->refs[0].date, "2015-06-25");
    assert_string_equal(doc->refs[1].number, "30/2020/NĐ-CP");
    assert_string_equal(doc->refs[1].type, "nghi-dinh");
    assert_string_equal(doc->refs[1].issuer, "Chính phủ");
    assert_string_equal(doc->refs[1].date, "2020-03-05");
    assert_int_equal(doc->refs[1].line, 2);
    assert_string_equal(doc->refs[2].number, "58-NQ/TW");
    assert_string_equal(doc->refs[2].type, "nghi-quyet");
    assert_string_equal(doc->refs[2].issuer, "Bộ Chính trị");
    assert_string_equal(doc->refs[2].date, "2020-08-05");
    assert_string_equal(doc->refs[3].number, "2543-QĐ/TU");
    assert_string_equal(doc->refs[3].type, "quyet-dinh");
    assert_string_equal(doc->refs[3].issuer, "Tỉnh ủy");
    nqx_doc_free(doc);
    /* A document named in the subject of the one cited is its subject; the
     * words of its name are no body ("Bảo hiểm xã hội"). Named on its own,
     * it is cited. An issuer goes on with its name after "và". */
    doc = convert_text("Căn cứ Nghị định số 115/2015/NĐ-CP ngày 11/11/2015 của Chính phủ quy "
                       "định chi tiết một số điều của Luật Bảo hiểm xã hội;\n"
                       "Căn cứ Thông tư số 59/2015/TT-BLĐTBXH ngày 29/12/2015 của Bộ trưởng Bộ "
                       "Lao động - Thương binh và Xã hội;\n"
                       "Các sở triển khai Luật Bảo hiểm xã hội trên địa bàn.\n");
    assert_non_null(doc);
    assert_int_equal(doc->nrefs, 3);
    assert_string_equal(doc->refs[0].number, "115/2015/NĐ-CP");
    assert_string_equal(doc->refs[1].issuer, "Bộ trưởng Bộ Lao động - Thương binh và Xã hội");
    assert_null(doc->refs[2].number);
    assert_string_equal(doc->refs[2].type, "luat");
    assert_int_equal(doc->refs[2].line, 3);
    for (size_t i = 0; i < doc->nbodies; i++)
        for (size_t k = 0; k < doc->bodies[i].nmentions; k++)
            if (doc->bodies[i].mentions[k].line == 1)
                fail_msg("a body named on line 1: %s", doc->bodies[i].name);
    nqx_doc_free(doc);
    /* A decision that approves a Đề án speaks of it as "Đề án": the
     * document it issues, no citation; a programme it names is one. */
    doc = convert_text(
        "QUYẾT ĐỊNH\nPhê duyệt Đề án phát triển du lịch giai đoạn 2026 - 2030\n\n"
        "Điều 1. Phê duyệt Đề án kèm theo Quyết định này.\n"
        "Điều 2. Các sở tổ chức thực hiện Đề án theo đúng tiến độ, gắn với "
        "Chương trình phát triển du lịch của tỉnh.\n");
    assert_non_null(doc);
    assert_int_equal(doc->nrefs, 1);
    assert_string_equal(doc->refs[0].type, "chuong-trinh");
    nqx_doc_free(doc);
    /* A short name given to what was just cited names it again. */
    doc = convert_text(
        "Căn cứ Nghị định số 120/2020/NĐ-CP ngày 07/10/2020 của Chính phủ (sau "
        "đây viết tắt là Nghị định số 120/2020/NĐ-CP);\n");
    assert_non_null(doc);
    assert_int_equal(doc->nrefs, 1);
    assert_string_equal(doc->refs[0].issuer, "Chính phủ");
    nqx_doc_free(doc);
    /* A plan that speaks of itself by its years: no citation, and the
     * years stay a period. */
    doc = convert_text("KẾ HOẠCH\nGiảm nghèo bền vững giai đoạn 2026 - 2030\n\n"
                       "I. MỤC ĐÍCH, YÊU CẦU\n"
                       "1. Các xã triển khai Kế hoạch giai đoạn 2026 - 2030 đồng bộ.\n");
    assert_non_null(doc);
    assert_int_equal(doc->nrefs, 0);
    bool period = false;
    for (size_t i = 0; i < doc->ndates; i++)
        if (doc->dates[i].line == 5)
            period = doc->dates[i].role == NQX_ROLE_PERIOD;
    assert_true(period);
    nqx_doc_free(doc);
}

static const char state_document[] =
    "HỘI ĐỒNG NHÂN DÂN\n"
    "HUYỆN TÂN PHƯỚC\n"
    "-------\n"
    "Số: 45/NQ-HĐND\n"
    "\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "\n"
    "Tân Phước, ngày 08 tháng 12 năm 2023\n"
    "\n"
    "NGHỊ QUYẾT\n"
    "Về nhiệm vụ phát triển kinh tế - xã hội\n"
    "năm 2024\n"
    "\n"
    "Căn cứ Nghị quyết số 45/NQ-HĐND của Hội đồng nhân dân huyện;\n"
    "Điều 1. Chỉ tiêu chủ yếu\n"
    "1. Tổng sản lượng lương thực đạt 115.500 tấn trở lên.\n"
    "2. Đến năm 2025, tỷ lệ hộ nghèo còn 2%.\n"
    "Nơi nhận:\n"
    "- Thường trực HĐND tỉnh;\n"
    "- UBND huyện;\n"
    "- Lưu: VT.\n"
    "CHỦ TỊCH\n"
    "\n"
    "Trần Văn An\n";

static void state_layout(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text(state_document);
    assert_non_null(doc);
    const nqx_meta *m = &doc->meta;
    assert_string_equal(m->type, "nghi-quyet");
    assert_string_equal(m->type_name, "NGHỊ QUYẾT");
    assert_string_equal(m->number, "45/NQ-HĐND");
    assert_string_equal(m->issuer, "HỘI ĐỒNG NHÂN DÂN HUYỆN TÂN PHƯỚC");
    assert_null(m->superior);
    assert_string_equal(m->place, "Tân Phước");
    assert_string_equal(m->date, "2023-12-08");
    assert_string_equal(m->title, "Về nhiệm vụ phát triển kinh tế - xã hội năm 2024");
    assert_null(m->signer_authority);
    assert_string_equal(m->signer_position, "CHỦ TỊCH");
    assert_string_equal(m->signer_name, "Trần Văn An");
    assert_int_equal(m->nrecipients, 3);
    assert_string_equal(m->recipients[0], "Thường trực HĐND tỉnh");
    assert_string_equal(m->recipients[2], "Lưu: VT");
    /* The document's own number, cited in its text, is not a reference. */
    assert_int_equal(doc->nrefs, 0);
    /* The place-date line is the date of issue. */
    assert_true(doc->ndates >= 1);
    assert_int_equal(doc->dates[0].role, NQX_ROLE_ISSUED);
    assert_int_equal(doc->dates[0].line, 9);
    /* Periods: the title's year; the clause's own year wins. */
    assert_int_equal(doc->ntargets, 2);
    assert_string_equal(doc->targets[0].period, "2024");
    assert_string_equal(doc->targets[1].period, "2025");
    nqx_doc_free(doc);
}

static void party_layout(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("ĐẢNG BỘ TỈNH THANH HOÁ\n"
                                "HUYỆN UỶ CẨM THUỶ\n"
                                "*\n"
                                "Số 406-TB/HU\n"
                                "ĐẢNG CỘNG SẢN VIỆT NAM\n"
                                "Cẩm Thuỷ, ngày 07 tháng 7 năm 2023\n"
                                "THÔNG BÁO\n"
                                "KẾT LUẬN CỦA BAN THƯỜNG VỤ HUYỆN UỶ\n"
                                "\n"
                                "Ngày 29/6/2023, Ban Thường vụ Huyện uỷ tổ chức hội nghị.\n"
                                "Nơi nhận:\n"
                                "- Các đồng chí Huyện uỷ viên,\n"
                                "- Lưu VP.\n"
                                "T/M BAN THƯỜNG VỤ\n"
                                "PHÓ BÍ THƯ\n"
                                "Cao Văn Vượng\n");
    assert_non_null(doc);
    const nqx_meta *m = &doc->meta;
    assert_string_equal(m->type, "thong-bao");
    assert_string_equal(m->number, "406-TB/HU");
    /* Names in the record are in the new tone style whatever the input. */
    assert_string_equal(m->issuer, "HUYỆN ỦY CẨM THỦY");
    assert_string_equal(m->superior, "ĐẢNG BỘ TỈNH THANH HÓA");
    assert_string_equal(m->place, "Cẩm Thủy");
    assert_string_equal(m->title, "KẾT LUẬN CỦA BAN THƯỜNG VỤ HUYỆN ỦY");
    assert_string_equal(m->signer_authority, "T/M BAN THƯỜNG VỤ");
    assert_string_equal(m->signer_position, "PHÓ BÍ THƯ");
    assert_string_equal(m->signer_name, "Cao Văn Vượng");
    assert_int_equal(m->nrecipients, 2);
    assert_int_equal(doc->ndates, 2);
    assert_int_equal(doc->dates[1].role, NQX_ROLE_MEETING);
    nqx_doc_free(doc);
}

/* A text without a header (a news item) has no metadata: nothing guessed. */
static void no_header_no_metadata(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("Ngày 1-1-2021, Chủ tịch UBND tỉnh ban hành Quyết định số "
                                "01/QĐ-UBND về kế hoạch năm 2021.\n");
    assert_non_null(doc);
    assert_null(doc->meta.number);
    assert_null(doc->meta.type);
    assert_null(doc->meta.issuer);
    assert_null(doc->meta.date);
    assert_int_equal(doc->nrefs, 1);
    nqx_doc_free(doc);
}

static void periods_of_results(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("BÁO CÁO\n"
                                "Kết quả 6 tháng đầu năm; phương hướng 6 tháng cuối năm 2024\n"
                                "\n"
                                "I. KẾT QUẢ\n"
                                "Sản lượng lúa đạt 1.200 tấn.\n"
                                "II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM\n"
                                "Phấn đấu sản lượng lúa đạt 2.500 tấn.\n"
                                "Tỷ lệ hộ nghèo giảm 0,5% so với năm 2023.\n");
    assert_non_null(doc);
    assert_int_equal(doc->ntargets, 3);
    assert_string_equal(doc->targets[0].period, "2024-01-01/2024-06-30");
    assert_string_equal(doc->targets[1].period, "2024-07-01/2024-12-31");
    /* A comparison base is not the period. */
    assert_string_equal(doc->targets[2].period, "2024-07-01/2024-12-31");
    nqx_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar),
        cmocka_unit_test(roman_numerals),
        cmocka_unit_test(every_form_of_the_spec),
        cmocka_unit_test(found_at_every_alignment),
        cmocka_unit_test(not_dates),
        cmocka_unit_test(year_left_out),
        cmocka_unit_test(dates_that_do_not_exist),
        cmocka_unit_test(roles),
        cmocka_unit_test(references),
        cmocka_unit_test(state_layout),
        cmocka_unit_test(party_layout),
        cmocka_unit_test(no_header_no_metadata),
        cmocka_unit_test(periods_of_results),
    };
    return cmocka_run_group_tests_name("dates", tests, load_test_rules, free_test_rules);
}
