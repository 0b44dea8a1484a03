/* Targets end to end (SPEC §3.1–3.4): every comparator phrase of the
 * table, changes, kinds, numbers that are not targets, lists and compounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>

#include "tests/helpers.h"

/* Converts text; exactly one target must come out. */
static nqx_doc *one_target(const char *text)
{
    nqx_doc *doc = convert_text(text);
    assert_non_null(doc);
    if (doc->ntargets != 1)
        fail_msg("'%s': %zu targets, want 1", text, doc->ntargets);
    return doc;
}

static void comparator_table(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        nqx_cmp cmp;
        const char *value;
    } rows[] = {
        {"Tỷ lệ lao động qua đào tạo đạt 76%.", NQX_CMP_EQ, "76"},
        {"Tỷ lệ thu gom chất thải rắn: 97,8%.", NQX_CMP_EQ, "97.8"},
        {"Tỷ lệ che phủ rừng ở mức 42%.", NQX_CMP_EQ, "42"},
        {"Tỷ lệ lao động nông nghiệp còn 30%.", NQX_CMP_EQ, "30"},
        {"Tổng chi ngân sách là 1.617,352 tỷ đồng.", NQX_CMP_EQ, "1617.352"},
        {"Sản lượng lương thực 115.500 tấn trở lên.", NQX_CMP_GE, "115500"},
        {"Sản lượng lương thực từ 115.500 tấn trở lên.", NQX_CMP_GE, "115500"},
        {"Tỷ lệ tiêm chủng tối thiểu 95%.", NQX_CMP_GE, "95"},
        {"Tỷ lệ tiêm chủng ít nhất 95%.", NQX_CMP_GE, "95"},
        {"Tỷ lệ tiêm chủng không dưới 95%.", NQX_CMP_GE, "95"},
        {"Tỷ lệ tiêm chủng không thấp hơn 95%.", NQX_CMP_GE, "95"},
        {"Tỷ lệ hộ dùng điện trên 99%.", NQX_CMP_GT, "99"},
        {"Tăng hơn 10% so với năm 2020.", NQX_CMP_GT, "10"},
        {"Thu nhập cao hơn 60 triệu đồng.", NQX_CMP_GT, "60"},
        {"Tỷ lệ hộ nghèo 2,5% trở xuống.", NQX_CMP_LE, "2.5"},
        {"Tỷ lệ hộ nghèo từ 2,5% trở xuống.", NQX_CMP_LE, "2.5"},
        {"Tỷ lệ thất nghiệp tối đa 2%.", NQX_CMP_LE, "2"},
        {"Bội chi ngân sách không quá 3,2% GDP.", NQX_CMP_LE, "3.2"},
        {"Bội chi ngân sách không vượt quá 3,2% GDP.", NQX_CMP_LE, "3.2"},
        {"Tỷ lệ nợ xấu không cao hơn 3%.", NQX_CMP_LE, "3"},
        {"Tỷ lệ tăng dân số tự nhiên dưới 0,9%.", NQX_CMP_LT, "0.9"},
        {"Tỷ lệ hộ nghèo thấp hơn 3%.", NQX_CMP_LT, "3"},
        {"Quy mô kinh tế khoảng 500 tỷ USD.", NQX_CMP_APPROX, "500"},
        {"Sản lượng xấp xỉ 62.000 tấn.", NQX_CMP_APPROX, "62000"},
        {"Sản lượng gần 62.000 tấn.", NQX_CMP_APPROX, "62000"},
        {"Tốc độ tăng trưởng trên dưới 7%.", NQX_CMP_APPROX, "7"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        nqx_doc *doc = one_target(rows[i].text);
        const nqx_target *t = &doc->targets[0];
        if (t->comparator != rows[i].cmp || strcmp(t->value, rows[i].value))
            fail_msg("'%s': %s %s, want %s %s", rows[i].text, nqx_cmp_names[t->comparator],
                     t->value, nqx_cmp_names[rows[i].cmp], rows[i].value);
        nqx_doc_free(doc);
    }
}

static void ranges(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Tỷ lệ hộ dùng nước sạch từ 85% đến 90%.",
        "Tỷ lệ hộ dùng nước sạch 85 - 90%.",
        "Tỷ lệ hộ dùng nước sạch 85–90%.", /* an en dash */
        "Tỷ lệ hộ dùng nước sạch đạt 85% - 90%.",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        nqx_doc *doc = one_target(texts[i]);
        const nqx_target *t = &doc->targets[0];
        assert_int_equal(t->comparator, NQX_CMP_RANGE);
        assert_string_equal(t->min, "85");
        assert_string_equal(t->max, "90");
        assert_null(t->value);
        assert_string_equal(t->unit, "%");
        nqx_doc_free(doc);
    }
    nqx_doc *doc = one_target("Tổng vốn đầu tư từ 1,2 đến 1,5 nghìn tỷ đồng.");
    assert_string_equal(doc->targets[0].unit, "nghìn tỷ đồng");
    assert_string_equal(doc->targets[0].base_min, "1200000000000");
    assert_string_equal(doc->targets[0].base_max, "1500000000000");
    assert_string_equal(doc->targets[0].base_unit, "đồng");
    nqx_doc_free(doc);
}

static void changes(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        nqx_change change;
    } rows[] = {
        {"Nông nghiệp tăng 3,72%.", NQX_CHANGE_INCREASE},
        {"Tỷ lệ hộ nghèo giảm 0,1%.", NQX_CHANGE_DECREASE},
        {"Thu ngân sách vượt dự toán 15%.", NQX_CHANGE_EXCEED},
        {"Tốc độ tăng giá trị sản xuất đạt 16,5%.", NQX_CHANGE_NONE},
        {"Tỷ lệ hộ nghèo giảm còn 2,1%.", NQX_CHANGE_NONE},
        {"Tỷ lệ tăng dân số tự nhiên 0,9%.", NQX_CHANGE_NONE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        nqx_doc *doc = one_target(rows[i].text);
        if (doc->targets[0].change != rows[i].change)
            fail_msg("'%s': change %d, want %d", rows[i].text, doc->targets[0].change,
                     rows[i].change);
        nqx_doc_free(doc);
    }
}

static void kinds(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        nqx_kind kind;
    } rows[] = {
        {"Phấn đấu thu ngân sách đạt 400 tỷ đồng.", NQX_KIND_TARGET},
        {"Thu ngân sách đã đạt 356 tỷ đồng.", NQX_KIND_RESULT},
        {"Thu ngân sách tăng 8% so với cùng kỳ.", NQX_KIND_RESULT},
        {"Thu ngân sách ước đạt 380 tỷ đồng.", NQX_KIND_ESTIMATE},
        {"Sản lượng lúa dự kiến đạt 46.200 tấn.", NQX_KIND_ESTIMATE},
        {"I. KẾT QUẢ THỰC HIỆN NĂM 2023\n- Thu ngân sách 356 tỷ đồng.", NQX_KIND_RESULT},
        {"II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024\n- Thu ngân sách 400 tỷ đồng.",
         NQX_KIND_TARGET},
        {"I. CÁC CHỈ TIÊU CHỦ YẾU\n- Thu ngân sách 400 tỷ đồng.", NQX_KIND_TARGET},
        {"BÁO CÁO\nTình hình quý III\nThu ngân sách 356 tỷ đồng.", NQX_KIND_RESULT},
        /* No date of issue: an estimate for years after the title's (the
         * vision's year aside) is the plan's figure; one within them is
         * still an estimate. */
        {"QUYẾT ĐỊNH\nPHÊ DUYỆT QUY HOẠCH ĐIỆN THỜI KỲ 2021 - 2030, TẦM NHÌN ĐẾN NĂM "
         "2050\n\n"
         "Điều 1. Phê duyệt Quy hoạch.\n"
         "1. Ước tính công suất điện gió khoảng 15.000 MW vào năm 2035.",
         NQX_KIND_TARGET},
        {"QUYẾT ĐỊNH\nPHÊ DUYỆT QUY HOẠCH ĐIỆN THỜI KỲ 2021 - 2030, TẦM NHÌN ĐẾN NĂM "
         "2050\n\n"
         "Điều 1. Phê duyệt Quy hoạch.\n"
         "1. Ước tính công suất điện gió khoảng 6.000 MW vào năm 2030.",
         NQX_KIND_ESTIMATE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        nqx_doc *doc = one_target(rows[i].text);
        if (doc->targets[0].kind != rows[i].kind)
            fail_msg("'%s': %s, want %s", rows[i].text, nqx_kind_names[doc->targets[0].kind],
                     nqx_kind_names[rows[i].kind]);
        nqx_doc_free(doc);
    }
}

static void numbers_that_are_not_targets(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Ngày 18/4/2023, Ban Chấp hành họp.",
        "Trong hai ngày 08-09/12/2020, Hội nghị lần thứ Tư.",
        "Nghị quyết số 58-NQ/TW ngày 5-8-2020 của Bộ Chính trị.",
        "Quyết định số 01/QĐ-UBND, Nghị định 05/2020/NĐ-CP.",
        "giai đoạn 2016-2020, nhiệm kỳ 2020 - 2025, năm 2021.",
        "Hội nghị lần thứ 13, khóa XXI, Kỳ họp thứ 7.",
        "3.2.1. Về lĩnh vực nông nghiệp",
        "Kế hoạch 5 năm 2021-2025, sơ kết 6 tháng đầu năm.",
        "thực hiện thắng lợi 05 nhiệm vụ trọng tâm",
        "đến nay có 14/27 chỉ tiêu đã đạt",
        "phòng, chống dịch Covid - 19",
        "Thi học sinh giỏi lớp 9, đứng trong top 05 toàn tỉnh.",
        "Seagame 31 và 32.",
        "hưởng ứng “trồng mới 1 tỷ cây xanh trong 5 năm tới”",
        "Tỷ lệ trẻ dưới 5 tuổi được tiêm chủng.",
        ("Căn cứ Quyết định số 02110/QĐ-UBND ngày 20/11/2025 của UBND tỉnh về công bố tình "
         "huống khẩn cấp về thiên tai đối với 40 xã, phường;"),
        "Các bộ, cơ quan, địa phương có liên\nquan\n110\nTổ chức phối hợp giữa các hoạt động",
        "Các bộ, cơ quan có liên quan\n131 Đề án mở mới các Cơ quan đại diện ở nước ngoài",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        nqx_doc *doc = convert_text(texts[i]);
        assert_non_null(doc);
        if (doc->ntargets)
            fail_msg("'%s': found %s %s", texts[i], doc->targets[0].value, doc->targets[0].unit);
        nqx_doc_free(doc);
    }
}

static void qualifiers_stay_in_the_indicator(void **state)
{
    (void)state;
    nqx_doc *doc = one_target("Tỷ lệ suy dinh dưỡng trẻ dưới 5 tuổi từ 11,2% trở xuống.");
    assert_string_equal(doc->targets[0].value, "11.2");
    assert_int_equal(doc->targets[0].comparator, NQX_CMP_LE);
    assert_string_equal(doc->targets[0].indicator, "Tỷ lệ suy dinh dưỡng trẻ dưới 5 tuổi");
    nqx_doc_free(doc);
    doc = one_target("Giá trị sản phẩm trên 01 ha đất trồng trọt đạt 125 triệu đồng trở lên.");
    assert_string_equal(doc->targets[0].value, "125");
    assert_string_equal(doc->targets[0].base_value, "125000000");
    nqx_doc_free(doc);
    doc = one_target("Tỷ lệ xã có trên 95% hộ dùng nước sạch đạt 80%.");
    assert_string_equal(doc->targets[0].value, "80");
    nqx_doc_free(doc);
}

static void lists_and_compounds(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("- Tốc độ tăng giá trị sản xuất đạt 16,5%; trong đó, nông, lâm "
                                "nghiệp, thủy sản tăng 3,72%; công nghiệp - xây dựng tăng 16,9%.");
    assert_int_equal(doc->ntargets, 3);
    assert_int_equal(doc->targets[0].parent, 0);
    assert_int_equal(doc->targets[1].parent, 1);
    assert_int_equal(doc->targets[2].parent, 1);
    assert_string_equal(doc->targets[1].indicator, "nông, lâm nghiệp, thủy sản");
    assert_string_equal(doc->targets[2].indicator, "công nghiệp - xây dựng");
    assert_string_equal(doc->targets[0].text,
                        "Tốc độ tăng giá trị sản xuất đạt 16,5%");
    nqx_doc_free(doc);

    doc = convert_text("- Xây dựng 05 xã đạt chuẩn nông thôn mới nâng cao; 02 xã nông thôn mới "
                       "kiểu mẫu; 04 thôn nông thôn mới kiểu mẫu.");
    assert_int_equal(doc->ntargets, 3);
    assert_string_equal(doc->targets[0].value, "5");
    assert_string_equal(doc->targets[2].unit, "thôn");
    assert_string_equal(doc->targets[0].indicator, "Xây dựng xã đạt chuẩn nông thôn mới nâng cao");
    nqx_doc_free(doc);

    /* A part's whole is of its own sort: a level breaks down the level
     * before the changes that follow it, a change the last change. */
    doc = convert_text("- Tổng thu đạt 312,4 tỷ đồng, tăng 18,2% so với cùng kỳ; trong đó thu "
                       "tiền sử dụng đất 205,7 tỷ đồng, thu thuế tăng 9,1%.");
    assert_int_equal(doc->ntargets, 4);
    assert_int_equal(doc->targets[2].parent, 1);
    assert_int_equal(doc->targets[3].parent, 2);
    nqx_doc_free(doc);

    /* A part with no cue of its own is as estimated as its whole, even
     * with a neighbour's cue further on; its own cue still counts. */
    doc = convert_text("- Ước thực hiện cả năm là 11.580 tỷ đồng, vượt 11,69% so dự toán, tăng "
                       "10,48% so cùng kỳ; trong đó: thu nội địa 11.080 tỷ đồng, vượt 10,22% so "
                       "dự toán, tăng 10,26% so cùng kỳ.\n"
                       "- Có 958 nhà thuộc chỉ tiêu giao, trong đó 68 nhà đã được cấp kinh phí.");
    assert_int_equal(doc->ntargets, 8);
    for (size_t i = 3; i < 6; i++)
        assert_int_equal(doc->targets[i].kind, NQX_KIND_ESTIMATE);
    /* A part's change belongs to the whole's change of its sort. */
    assert_int_equal(doc->targets[3].parent, 1);
    assert_int_equal(doc->targets[4].parent, 2);
    assert_int_equal(doc->targets[5].parent, 3);
    assert_int_equal(doc->targets[7].kind, NQX_KIND_RESULT);
    nqx_doc_free(doc);

    /* A "trong đó:" ending its line breaks down its whole in the next
     * line, or in the "- " items below it, sharing its kind. */
    doc = convert_text("Tổng thu ước đạt 18,64 tỷ đồng, tăng 5% so với cùng kỳ; trong đó:\n"
                       "- Thu thuế: 4,82 tỷ đồng;\n- Thu tiền sử dụng đất: 12,36 tỷ đồng.\n"
                       "Chi ngân sách 15 tỷ đồng.");
    assert_int_equal(doc->ntargets, 5);
    assert_int_equal(doc->targets[2].parent, 1);
    assert_int_equal(doc->targets[3].parent, 1);
    assert_int_equal(doc->targets[3].kind, NQX_KIND_ESTIMATE);
    assert_int_equal(doc->targets[4].parent, 0);
    nqx_doc_free(doc);

    /* Not across a sentence: its parts are figures of their own. */
    doc = convert_text("BÁO CÁO\nTình hình 10 tháng năm 2025\n\n"
                       "Tăng trưởng kinh tế 9 tháng ước đạt 8,19%, thuộc nhóm cao nhất cả nước. "
                       "Trong đó: sản xuất công nghiệp 10 tháng tăng 15,55%; xuất khẩu tăng 18,3%.");
    assert_int_equal(doc->ntargets, 3);
    assert_int_equal(doc->targets[0].kind, NQX_KIND_ESTIMATE);
    assert_int_equal(doc->targets[1].kind, NQX_KIND_RESULT);
    assert_int_equal(doc->targets[2].kind, NQX_KIND_RESULT);
    nqx_doc_free(doc);

    /* A level and its change in one clause share the indicator. */
    doc = convert_text("Tổng giá trị sản phẩm đạt 1.393,757 tỷ đồng, tăng 8,5%.");
    assert_int_equal(doc->ntargets, 2);
    assert_string_equal(doc->targets[1].indicator, "Tổng giá trị sản phẩm");
    assert_int_equal(doc->targets[1].change, NQX_CHANGE_INCREASE);
    nqx_doc_free(doc);

    doc = convert_text("Số xã, thị trấn đạt tiêu chuẩn an toàn: 25 xã, thị trấn.");
    assert_int_equal(doc->ntargets, 1);
    assert_string_equal(doc->targets[0].unit, "xã, thị trấn");
    assert_string_equal(doc->targets[0].indicator, "Số xã, thị trấn đạt tiêu chuẩn an toàn");
    nqx_doc_free(doc);
}

static void units_and_scales(void **state)
{
    (void)state;
    static const struct {
        const char *text, *unit, *base_value, *base_unit;
    } rows[] = {
        {"Thu nhập đạt 52 triệu đồng/người/năm.", "triệu đồng/người/năm", "52000000",
         "đồng/người/năm"},
        {"Xuất khẩu đạt 28,86 triệu USD.", "triệu USD", "28860000", "USD"},
        {"Sản lượng đạt 120 nghìn tấn.", "nghìn tấn", "120000", "tấn"},
        {"Vốn đạt 1,5 vạn tỷ đồng.", "vạn tỷ đồng", "15000000000000", "đồng"},
        {"Năng suất đạt 62 tạ/ha.", "tạ/ha", NULL, NULL},
        {"Thu hút 2,5 triệu lượt khách.", "triệu lượt khách", "2500000", "lượt khách"},
        {"Tăng trưởng bình quân 7%/năm.", "%/năm", NULL, NULL},
        {"Bội chi 3,2 % GDP.", "% GDP", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        nqx_doc *doc = one_target(rows[i].text);
        const nqx_target *t = &doc->targets[0];
        assert_string_equal(t->unit, rows[i].unit);
        if (rows[i].base_value) {
            assert_string_equal(t->base_value, rows[i].base_value);
            assert_string_equal(t->base_unit, rows[i].base_unit);
        } else {
            assert_null(t->base_value);
        }
        nqx_doc_free(doc);
    }
}

static void sections(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("Điều 1. Chỉ tiêu\n1. Kinh tế\na) Tăng trưởng đạt 8%.\n"
                                "đ) Thu ngân sách 400 tỷ đồng.\n2. Xã hội\n- Hộ nghèo còn 2%.\n"
                                "II. NHIỆM VỤ\n3.2.1. Nông nghiệp\n- Trồng 25 ha rừng.");
    assert_int_equal(doc->ntargets, 4);
    assert_string_equal(doc->targets[0].section, "Điều 1.1.a");
    assert_string_equal(doc->targets[1].section, "Điều 1.1.đ");
    assert_string_equal(doc->targets[2].section, "Điều 1.2");
    assert_string_equal(doc->targets[3].section, "II.3.2.1");
    nqx_doc_free(doc);
}

/* Nothing is achieved after the document is issued: a result, or an
 * estimate for a later year, whose own period is later is a target. */
static void no_result_after_issue(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("ỦY BAN NHÂN DÂN TỈNH TÂY LĨNH\nSố: 12/BC-UBND\n"
                                "Tây Lĩnh, ngày 05 tháng 3 năm 2025\nBÁO CÁO\nTình hình năm 2024\n\n"
                                "I. KẾT QUẢ THỰC HIỆN\n"
                                "- Năm 2024, sản lượng điện đạt 1.200 triệu kWh.\n"
                                "- Năm 2030, nhập khẩu điện khoảng 9.360 MW.\n"
                                "- Năm 2025 ước đạt 1.300 triệu kWh; đến năm 2030 dự kiến "
                                "đạt 2.000 triệu kWh; dự kiến đến ngày 31/01/2026 giải ngân "
                                "đạt 300 tỷ đồng.\n");
    assert_non_null(doc);
    assert_int_equal(doc->ntargets, 5);
    assert_int_equal(doc->targets[0].kind, NQX_KIND_RESULT);
    assert_int_equal(doc->targets[1].kind, NQX_KIND_TARGET);
    /* An estimate for the year of issue stays one; for a later year it is
     * the plan's figure; for a day soon after, still an estimate. */
    assert_int_equal(doc->targets[2].kind, NQX_KIND_ESTIMATE);
    assert_int_equal(doc->targets[3].kind, NQX_KIND_TARGET);
    assert_int_equal(doc->targets[4].kind, NQX_KIND_ESTIMATE);
    nqx_doc_free(doc);
}

/* How many targets the text gives. */
static size_t targets_in(const char *text)
{
    nqx_doc *doc = convert_text(text);
    assert_non_null(doc);
    size_t n = doc->ntargets;
    nqx_doc_free(doc);
    return n;
}

/* A law, a decree, a circular: its numbers are norms, not targets. */
/* A number after a cited document's subject, past its punctuation, is the
 * document's own; so is one after a slash in another unit. */
/* The values of the targets text gives, in order, are exactly values. */
static void expect_values(const char *text, const char *const *values, size_t n)
{
    nqx_doc *doc = convert_text(text);
    assert_non_null(doc);
    assert_int_equal(doc->ntargets, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(doc->targets[i].value, values[i]);
    nqx_doc_free(doc);
}

static void figures_of_their_own(void **state)
{
    (void)state;
    expect_values("Thực hiện Kế hoạch số 12/KH-UBND ngày 08/01/2026 của UBND tỉnh về phát triển "
                  "du lịch, năm 2026 phấn đấu đón 1,2 triệu lượt khách.",
                  (const char *const[]){"1.2"}, 1);
    /* What a figure is measured against, after '/' in its unit, is not a
     * figure of its own; one in another unit is. */
    expect_values("Chi đầu tư ước thực hiện 5.817,2 tỷ đồng/5.937,4 tỷ đồng, đạt 97,97% kế hoạch; "
                  "hoàn thành 5 dự án/4.360 MW.",
                  (const char *const[]){"5817.2", "5", "4360"}, 3);
    /* A number alone on its line inside a sentence is no row number. */
    expect_values("Tổng sản lượng lương thực đạt\n46.200\ntấn, bằng kế hoạch.",
                  (const char *const[]){"46200"}, 1);
}

static void normative_texts_have_no_targets(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("CHÍNH PHỦ\nSố: 12/2026/NĐ-CP\nHà Nội, ngày 05 tháng 3 năm 2026\n"
                                "NGHỊ ĐỊNH\nQuy định xử phạt vi phạm hành chính\n\n"
                                "Điều 5. Phạt tiền từ 5.000.000 đồng đến 10.000.000 đồng.\n"
                                "Điều 6. Người từ đủ 16 tuổi phải chịu trách nhiệm.\n");
    assert_non_null(doc);
    assert_string_equal(doc->meta.type, "nghi-dinh");
    assert_int_equal(doc->ntargets, 0);
    nqx_doc_free(doc);
    /* A decision that issues a regulation is normative by its title; so is
     * a resolution that cuts procedures (its title going on after a comma)
     * and one that sets spending norms. A resolution's numbers are read. */
    assert_int_equal(targets_in("QUYẾT ĐỊNH\nBan hành Quy chế quản lý cụm công nghiệp\n\n"
                                "Điều 3. Hồ sơ gồm 01 bộ; chấm tối đa 30 điểm.\n"),
                     0);
    assert_int_equal(targets_in("NGHỊ QUYẾT\nCắt giảm, đơn giản hóa thủ tục hành chính, quy "
                                "định liên quan đến hoạt động kinh doanh\n\n"
                                "Điều 2. Có ít nhất 04 người trực tiếp tham gia vận hành.\n"),
                     0);
    assert_int_equal(targets_in("NGHỊ QUYẾT\nVề định mức phân bổ ngân sách năm 2026\n\n"
                                "Điều 1. Trên 100.000 tỷ đồng thêm 0,5 điểm.\n"),
                     0);
    assert_int_equal(
        targets_in("NGHỊ QUYẾT\nVề nhiệm vụ năm 2026\n\nTỷ lệ che phủ rừng đạt 42%.\n"), 1);
    /* A text that names itself a decree again and again is one, header or
     * not; a plan that names itself is read. */
    assert_int_equal(targets_in("Điều 1. Nghị định này quy định chính sách hỗ trợ.\nĐiều 2. Đối "
                                "tượng áp dụng Nghị định này.\nĐiều 3. Cây trồng thiệt hại trên "
                                "70% diện tích; trâu, bò được 1.500.000 đồng/con.\nĐiều 4. Nghị "
                                "định này có hiệu lực từ ngày ký.\n"),
                     0);
    assert_int_equal(targets_in("KẾ HOẠCH\nPhát triển du lịch năm 2026\n\nKế hoạch này triển "
                                "khai Quyết định này. Kế hoạch này phấn đấu đón 2 triệu lượt "
                                "khách.\n"),
                     1);
}

/* Threads share one set of rules, each with its own matcher. Patterns are
 * matched by the interpreter at first and by machine code once hot
 * (JIT_AFTER): every conversion of the same document, on any thread,
 * before or after, gives the same record. */
struct shared_run {
    const nqx_rules *rules;
    const char *text;
    size_t len;
    char *records[3];
};

static char *convert_with(nqx_matcher *m, const char *text, size_t len)
{
    nqx_doc *doc = nqx_doc_new("seed.txt");
    nqx_error err = {0};
    nqx_normalize_opts opts = nqx_rules_normalize_opts(m);
    char *xml = NULL;
    if (!nqx_extract_bytes(doc, text, len, &err) && !nqx_normalize(doc, &opts, &err) &&
        !nqx_matcher_apply(m, doc, &err))
        xml = nqx_record_xml(doc, NULL);
    nqx_doc_free(doc);
    return xml;
}

static void *convert_thrice(void *arg)
{
    struct shared_run *r = arg;
    nqx_matcher *m = nqx_matcher_new(r->rules);
    for (size_t i = 0; i < 3; i++)
        r->records[i] = convert_with(m, r->text, r->len);
    nqx_matcher_free(m);
    return NULL;
}

static void threads_share_rules(void **state)
{
    (void)state;
    size_t len;
    char *text = read_file(NQX_SRCDIR "/corpus/000_4aaa128fdcdd808e.txt", &len);
    assert_non_null(text);
    char *dir = nqx_rules_locate(NULL);
    nqx_rules *rules = NULL;
    nqx_error err = {0};
    assert_int_equal(nqx_rules_load(dir, &rules, &err), NQX_OK);
    free(dir);
    /* The first record: no pattern is hot yet. */
    nqx_matcher *m = nqx_matcher_new(rules);
    char *first = convert_with(m, text, len);
    nqx_matcher_free(m);
    assert_non_null(first);
    assert_non_null(strstr(first, "<target "));
    enum { THREADS = 4 };
    struct shared_run runs[THREADS];
    pthread_t tid[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        runs[t] = (struct shared_run){.rules = rules, .text = text, .len = len};
        assert_int_equal(pthread_create(&tid[t], NULL, convert_thrice, &runs[t]), 0);
    }
    for (size_t t = 0; t < THREADS; t++) {
        pthread_join(tid[t], NULL);
        for (size_t i = 0; i < 3; i++) {
            assert_non_null(runs[t].records[i]);
            assert_string_equal(runs[t].records[i], first);
            free(runs[t].records[i]);
        }
    }
    free(first);
    nqx_rules_free(rules);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normative_texts_have_no_targets),
        cmocka_unit_test(no_result_after_issue),
        cmocka_unit_test(comparator_table),
        cmocka_unit_test(ranges),
        cmocka_unit_test(changes),
        cmocka_unit_test(kinds),
        cmocka_unit_test(numbers_that_are_not_targets),
        cmocka_unit_test(figures_of_their_own),
        cmocka_unit_test(qualifiers_stay_in_the_indicator),
        cmocka_unit_test(lists_and_compounds),
        cmocka_unit_test(units_and_scales),
        cmocka_unit_test(sections),
        cmocka_unit_test(threads_share_rules),
    };
    return cmocka_run_group_tests_name("targets", tests, load_test_rules, free_test_rules);
}
