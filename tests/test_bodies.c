/* Responsible bodies and tasks (SPEC §3.7): abbreviations expanded, levels
 * and places kept apart, collective references, what is not a body, and
 * tasks with their lead, support, deadline, list items and targets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/helpers.h"

/* The 1-based index of the body named name, or 0. */
static size_t body_named(const nqx_doc *doc, const char *name)
{
    for (size_t i = 0; i < doc->nbodies; i++)
        if (!strcmp(doc->bodies[i].name, name))
            return i + 1;
    return 0;
}

static void expect_body(const nqx_doc *doc, const char *name, const char *kind)
{
    size_t b = body_named(doc, name);
    if (!b)
        fail_msg("no body '%s' (%zu found)", name, doc->nbodies);
    if (kind)
        assert_string_equal(doc->bodies[b - 1].kind, kind);
}

static void abbreviations_and_levels(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("Giao UBND huyện chủ trì; UBND tỉnh hỗ trợ kinh phí. "
                                "Đề nghị Ủy ban MTTQ huyện, Hội LHPN huyện vận động.\n"
                                "Ban Thường vụ Huyện ủy chỉ đạo. Thường trực HĐND xã Phú Xuân "
                                "giám sát.\n");
    assert_non_null(doc);
    expect_body(doc, "Ủy ban nhân dân huyện", "state");
    expect_body(doc, "Ủy ban nhân dân tỉnh", "state");
    expect_body(doc, "Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "mass");
    expect_body(doc, "Hội Liên hiệp Phụ nữ huyện", "mass");
    expect_body(doc, "Ban Thường vụ Huyện ủy", "party");
    expect_body(doc, "Thường trực Hội đồng nhân dân xã Phú Xuân", "state");
    size_t b = body_named(doc, "Ủy ban nhân dân huyện");
    assert_string_equal(doc->bodies[b - 1].abbr, "UBND huyện");
    assert_string_equal(doc->bodies[b - 1].id, "uy-ban-nhan-dan-huyen");
    assert_int_equal(doc->bodies[b - 1].mentions[0].line, 1);
    nqx_doc_free(doc);
}

static void fields_and_collectives(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("Phòng Giáo dục và Đào tạo chủ trì, phối hợp với Phòng Tài "
                                "chính - Kế hoạch và các xã, thị trấn thực hiện. Các ban, phòng, "
                                "ngành theo dõi.\n");
    assert_non_null(doc);
    expect_body(doc, "Phòng Giáo dục và Đào tạo", "state");
    expect_body(doc, "Phòng Tài chính - Kế hoạch", "state");
    expect_body(doc, "các xã, thị trấn", "collective");
    /* One body whatever the case it is written in. */
    expect_body(doc, "các ban, phòng, ngành", "collective");
    assert_true(doc->bodies[body_named(doc, "các ban, phòng, ngành") - 1].collective);
    nqx_doc_free(doc);
    /* A name written across a line end is the same body, on one line. */
    doc = convert_text("1. Giao các cơ quan: Phòng Văn hóa - Xã hội, Phòng Kinh tế,\n"
                       "Hạ tầng và Đô thị thực hiện.\n"
                       "2. Phòng Kinh tế, Hạ tầng và Đô thị chủ trì thẩm định.\n");
    assert_non_null(doc);
    expect_body(doc, "Phòng Kinh tế, Hạ tầng và Đô thị", "state");
    size_t b = body_named(doc, "Phòng Kinh tế, Hạ tầng và Đô thị");
    assert_int_equal(doc->bodies[b - 1].nmentions, 2);
    nqx_doc_free(doc);
}

static void not_bodies(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("Nhân dân, doanh nghiệp và hộ gia đình tham gia; cán bộ, đảng "
                                "viên gương mẫu. Thực hiện Nghị quyết số 58-NQ/TW ngày 5-8-2020 "
                                "của Bộ Chính trị.\n");
    assert_non_null(doc);
    if (doc->nbodies)
        fail_msg("reported '%s' as a body", doc->bodies[0].name);
    nqx_doc_free(doc);
}

static void header_and_signature_are_not_bodies(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("ỦY BAN NHÂN DÂN\nHUYỆN TÂN HÒA\nSố: 12/KH-UBND\n"
                                "Tân Hòa, ngày 08 tháng 01 năm 2026\n\nKẾ HOẠCH\n"
                                "Về chuyển đổi số năm 2026\n\n"
                                "Giao Phòng Văn hóa và Thông tin chủ trì thực hiện.\n"
                                "Nơi nhận:\n- Thường trực HĐND huyện;\n- UBND các xã;\n"
                                "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn An\n");
    assert_non_null(doc);
    assert_int_equal(doc->nbodies, 1);
    assert_string_equal(doc->bodies[0].name, "Phòng Văn hóa và Thông tin");
    nqx_doc_free(doc);
}

static const nqx_task *task_on(const nqx_doc *doc, size_t line)
{
    for (size_t i = 0; i < doc->ntasks; i++)
        if (doc->tasks[i].line == line)
            return &doc->tasks[i];
    fail_msg("no task on line %zu (%zu tasks)", line, doc->ntasks);
    return NULL;
}

static const char *lead_name(const nqx_doc *doc, const nqx_task *t)
{
    return t->nleads ? doc->bodies[t->leads[0] - 1].name : "";
}

/* What a decision issues stands after its signature ("Ban hành kèm theo
 * Quyết định này"): its bodies and tasks are the text's; the signature
 * block, the document citing itself and a form's blanks are not. */
static void text_after_the_signature(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text(
        "ỦY BAN NHÂN DÂN\nTỈNH TÂY LĨNH\nSố: 15/QĐ-UBND\n"
        "Tây Lĩnh, ngày 08 tháng 01 năm 2026\n\nQUYẾT ĐỊNH\n"
        "Ban hành Quy chế quản lý thư điện tử công vụ\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý thư điện tử công vụ.\n"
        "Nơi nhận:\n- Như Điều 1;\n- Thường trực HĐND tỉnh;\n"
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn An\n\n"
        "QUY CHẾ\nQuản lý thư điện tử công vụ\n"
        "(Ban hành kèm theo Quyết định số 15/QĐ-UBND ngày 08/01/2026 của Ủy ban nhân dân "
        "tỉnh Tây Lĩnh)\n\n"
        "Điều 5. Sở Khoa học và Công nghệ chủ trì, hướng dẫn các cơ quan sử dụng thư điện tử "
        "công vụ.\n"
        "Mẫu số 01\nGiám đốc Sở Nội vụ ........................ cam kết thực hiện.\n");
    assert_non_null(doc);
    const nqx_task *t = task_on(doc, 21);
    assert_string_equal(lead_name(doc, t), "Sở Khoa học và Công nghệ");
    assert_int_equal(doc->ntasks, 1); /* not the form's line */
    /* Not the recipients, the document's own author where it cites itself,
     * nor the "UBND" of its number. */
    assert_int_equal(body_named(doc, "Thường trực Hội đồng nhân dân tỉnh"), 0);
    assert_int_equal(body_named(doc, "Ủy ban nhân dân tỉnh Tây Lĩnh"), 0);
    assert_int_equal(body_named(doc, "Ủy ban nhân dân"), 0);
    nqx_doc_free(doc);
}

/* A sentence with a blank to fill in (four dots or more, two ellipses, or
 * both) is a form's template, not a task, whatever its verb. */
static void form_blanks_are_not_tasks(void **state)
{
    (void)state;
    nqx_doc *doc =
        convert_text("Sở Tài chính chủ trì, hướng dẫn các cơ quan thực hiện.\n"
                     "Sở Nội vụ chủ trì, hướng dẫn các cơ quan …… thực hiện.\n"
                     "Sở Y tế chủ trì, hướng dẫn các cơ quan .... thực hiện.\n"
                     "Sở Xây dựng chủ trì, hướng dẫn các cơ quan ..… thực hiện.\n"
                     "Sở Công Thương chủ trì, hướng dẫn các cơ quan ... thực hiện.\n");
    assert_non_null(doc);
    assert_int_equal(doc->ntasks, 2);
    assert_string_equal(lead_name(doc, task_on(doc, 1)), "Sở Tài chính");
    assert_string_equal(lead_name(doc, task_on(doc, 5)),
                        "Sở Công Thương"); /* three dots: no blank */
    nqx_doc_free(doc);
}

/* A plan's table of tasks (a Word, HTML, ODT or markdown table: cells
 * joined by " | "), its headings under a title row: each row whose lead
 * column names a body is a task. */
static void table_of_tasks(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "DANH MỤC NHIỆM VỤ | | | |\n"
        "TT | Nội dung nhiệm vụ | Sở, ngành chủ trì tham mưu | Đơn vị phối hợp thực hiện | "
        "Thời gian hoàn thành\n"
        "1 | Xây dựng kho dữ liệu dùng chung của tỉnh | Sở Khoa học và Công nghệ | Sở Tài chính; "
        "Công an tỉnh | Quý IV/2026\n"
        "2 | Số hóa hồ sơ hộ tịch | Sở Tư pháp | | 6/2026\n"
        "3 | Rà soát thủ tục hành chính | | | Hằng năm\n");
    assert_non_null(doc);
    assert_int_equal(doc->ntasks, 2); /* row 3 names no lead */
    const nqx_task *t = task_on(doc, 4);
    assert_string_equal(lead_name(doc, t), "Sở Khoa học và Công nghệ");
    assert_string_equal(t->text, "Xây dựng kho dữ liệu dùng chung của tỉnh");
    assert_int_equal(t->nsupport, 2);
    assert_string_equal(doc->bodies[t->support[1] - 1].name, "Công an tỉnh");
    assert_int_equal(t->ndeadlines, 1);
    assert_string_equal(t->deadlines[0], "2026-10-01/2026-12-31");
    t = task_on(doc, 5);
    assert_string_equal(lead_name(doc, t), "Sở Tư pháp");
    assert_string_equal(t->deadlines[0], "2026-06");
    /* The column's dates are deadlines, whatever words they are in. */
    for (size_t i = 0; i < doc->ndates; i++)
        if (doc->dates[i].line == 4 || doc->dates[i].line == 5)
            assert_int_equal(doc->dates[i].role, NQX_ROLE_DEADLINE);
    nqx_doc_free(doc);
    /* A table without a lead column is no table of tasks. */
    doc = convert_text("TT | Chỉ tiêu | Đơn vị | Kế hoạch\n1 | Sở Y tế khám bệnh | lượt | 5.000\n");
    assert_non_null(doc);
    assert_int_equal(doc->ntasks, 0);
    nqx_doc_free(doc);
}

static void tasks(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text(
        "1. Giao UBND huyện chủ trì, phối hợp với Phòng Tài chính - Kế hoạch và Công an huyện "
        "rà soát các dự án, hoàn thành trước ngày 30/9/2026.\n"
        "2. Ban Thường vụ Huyện ủy lãnh đạo, chỉ đạo; hằng quý báo cáo kết quả.\n"
        "3. Phòng Nông nghiệp và Môi trường tiếp tục chỉ đạo:\n"
        "- Trồng mới 120 ha rừng;\n"
        "- Hoàn thành kiểm kê rừng trong quý IV năm 2026.\n"
        "4. Tình hình kinh tế tiếp tục phục hồi.\n");
    assert_non_null(doc);
    const nqx_task *t = task_on(doc, 1);
    assert_string_equal(lead_name(doc, t), "Ủy ban nhân dân huyện");
    assert_int_equal(t->nsupport, 2);
    assert_string_equal(doc->bodies[t->support[0] - 1].name, "Phòng Tài chính - Kế hoạch");
    assert_string_equal(doc->bodies[t->support[1] - 1].name, "Công an huyện");
    assert_int_equal(t->ndeadlines, 1);
    assert_string_equal(t->deadlines[0], "2026-09-30");
    t = task_on(doc, 2);
    assert_string_equal(lead_name(doc, t), "Ban Thường vụ Huyện ủy");
    assert_string_equal(t->recurrence, "P3M");
    /* The items of a list under a task sentence are tasks of its body. */
    t = task_on(doc, 4);
    assert_string_equal(lead_name(doc, t), "Phòng Nông nghiệp và Môi trường");
    t = task_on(doc, 5);
    assert_string_equal(lead_name(doc, t), "Phòng Nông nghiệp và Môi trường");
    assert_int_equal(t->ndeadlines, 1);
    assert_string_equal(t->deadlines[0], "2026-10-01/2026-12-31");
    /* A sentence with no body is no task. */
    for (size_t i = 0; i < doc->ntasks; i++)
        assert_int_not_equal(doc->tasks[i].line, 6);
    /* The target inside a task belongs to it. */
    assert_int_equal(doc->ntargets, 1);
    assert_true(doc->targets[0].task > 0);
    assert_int_equal(doc->tasks[doc->targets[0].task - 1].line, 4);
    nqx_doc_free(doc);
}

/* The items under a heading that names a body are its tasks. */
static void heading_names_the_lead(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("1. Phòng Văn hóa và Thông tin (cơ quan thường trực)\n"
                                "- Chủ trì triển khai Kế hoạch;\n"
                                "- Tổng hợp, báo cáo trước ngày 10/10/2024.\n"
                                "2. Công an huyện\n"
                                "- Bảo đảm an ninh mạng.\n"
                                "3. Phòng Tài chính - Kế hoạch\n\n"
                                "Tham mưu bố trí kinh phí thực hiện Kế hoạch.\n");
    assert_non_null(doc);
    assert_int_equal(doc->ntasks, 4);
    assert_string_equal(lead_name(doc, task_on(doc, 8)), "Phòng Tài chính - Kế hoạch");
    assert_string_equal(lead_name(doc, task_on(doc, 2)), "Phòng Văn hóa và Thông tin");
    assert_int_equal(task_on(doc, 3)->ndeadlines, 1);
    assert_string_equal(task_on(doc, 3)->deadlines[0], "2024-10-10");
    assert_string_equal(lead_name(doc, task_on(doc, 5)), "Công an huyện");
    nqx_doc_free(doc);
}

/* What a section of results tells was done, and a document a body has
 * issued, are no tasks; an explicit "Giao" still is. Clauses after ";" with
 * a body of their own are tasks of their own. */
static void reports_are_not_tasks(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text(
        "I. KẾT QUẢ THỰC HIỆN 6 THÁNG ĐẦU NĂM\n"
        "1. Ủy ban nhân dân huyện chỉ đạo các xã khắc phục hậu quả bão.\n"
        "2. Giao Phòng Tài chính - Kế hoạch rà soát nguồn vốn.\n"
        "II. NHIỆM VỤ 6 THÁNG CUỐI NĂM\n"
        "1. Ủy ban nhân dân huyện chỉ đạo các xã rà soát hộ nghèo.\n"
        "2. Đảng đoàn HĐND huyện lãnh đạo cụ thể hóa chính sách; Ban cán sự đảng UBND huyện "
        "chỉ đạo xây dựng kế hoạch, hoàn thành trước ngày 30/9/2026.\n"
        "3. Tỉnh ủy ban hành Nghị quyết số 05-NQ/TU ngày 10/01/2026 về chuyển đổi số.\n");
    assert_non_null(doc);
    for (size_t i = 0; i < doc->ntasks; i++) {
        assert_int_not_equal(doc->tasks[i].line, 2);
        assert_int_not_equal(doc->tasks[i].line, 7);
    }
    assert_string_equal(lead_name(doc, task_on(doc, 3)), "Phòng Tài chính - Kế hoạch");
    assert_string_equal(lead_name(doc, task_on(doc, 5)), "Ủy ban nhân dân huyện");
    size_t on6 = 0;
    for (size_t i = 0; i < doc->ntasks; i++)
        if (doc->tasks[i].line == 6) {
            on6++;
            const char *lead = lead_name(doc, &doc->tasks[i]);
            if (!strcmp(lead, "Ban cán sự đảng Ủy ban nhân dân huyện")) {
                assert_int_equal(doc->tasks[i].ndeadlines, 1);
                assert_string_equal(doc->tasks[i].deadlines[0], "2026-09-30");
            } else {
                assert_string_equal(lead, "Đảng đoàn Hội đồng nhân dân huyện");
                assert_int_equal(doc->tasks[i].ndeadlines, 0);
            }
        }
    assert_int_equal(on6, 2);
    nqx_doc_free(doc);
}

/* A numbered item cut by a hard wrap after "phối hợp với" goes on on the
 * next line, though that line starts with a capital like a sentence. */
static void wrapped_item_is_one_task(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text(
        "1. Phòng Nông nghiệp và Môi trường huyện tổng hợp tình hình thiệt hại, báo cáo kịp thời.\n"
        "2. Ban Tuyên giáo Huyện ủy chủ trì, phối hợp với\n"
        "Trung tâm Văn hóa huyện hướng dẫn tuyên truyền, hoàn thành trong tháng 3/2027.\n");
    assert_non_null(doc);
    assert_int_equal(doc->ntasks, 2);
    const nqx_task *t = task_on(doc, 2);
    assert_string_equal(lead_name(doc, t), "Ban Tuyên giáo Huyện ủy");
    assert_int_equal(t->nsupport, 1);
    assert_string_equal(doc->bodies[t->support[0] - 1].name, "Trung tâm Văn hóa huyện");
    assert_int_equal(t->ndeadlines, 1);
    assert_string_equal(t->deadlines[0], "2027-03");
    nqx_doc_free(doc);
}

/* A body's record is valid: ids unique, references resolve. */
static void record_validates(void **state)
{
    (void)state;
    nqx_schema *schema = NULL;
    assert_int_equal(load_test_schema(&schema), 0);
    nqx_doc *doc = convert_text("Các ban, phòng, ngành và các ban, phòng, ngành phối hợp. "
                                "Phòng Văn hóa - Thông tin và Phòng Văn hóa, Thông tin chủ trì. "
                                "Giao UBND huyện chủ trì, phối hợp với UBND các xã thực hiện.\n");
    assert_non_null(doc);
    size_t len;
    char *xml = nqx_record_xml(doc, &len);
    nqx_error err = {0};
    if (nqx_schema_validate(schema, xml, len, "bodies", &err))
        fail_msg("%s\n%s", err.message, xml);
    free(xml);
    nqx_doc_free(doc);
    nqx_schema_free(schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(abbreviations_and_levels),
        cmocka_unit_test(fields_and_collectives),
        cmocka_unit_test(not_bodies),
        cmocka_unit_test(header_and_signature_are_not_bodies),
        cmocka_unit_test(tasks),
        cmocka_unit_test(text_after_the_signature),
        cmocka_unit_test(form_blanks_are_not_tasks),
        cmocka_unit_test(table_of_tasks),
        cmocka_unit_test(heading_names_the_lead),
        cmocka_unit_test(reports_are_not_tasks),
        cmocka_unit_test(wrapped_item_is_one_task),
        cmocka_unit_test(record_validates),
    };
    return cmocka_run_group_tests_name("bodies", tests, load_test_rules, free_test_rules);
}
