/* The XML record: escaping, characters XML forbids, names that are not
 * UTF-8, and validation against the record schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/helpers.h"

static void assert_valid(const char *xml)
{
    nqx_error err = {0};
    if (nqx_schema_validate(test_schema, xml, strlen(xml), "record", &err))
        fail_msg("record invalid: line %zu: %s\n%s", err.line, err.message, xml);
}

static void special_characters_are_escaped(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("Chỉ số <R&D> \"đổi mới\" đạt 5% & hơn.");
    assert_int_equal(doc->ntargets, 1);
    char *xml = nqx_record_xml(doc, NULL);
    assert_non_null(strstr(xml, "&lt;R&amp;D&gt;"));
    assert_null(strstr(xml, "<R&D>"));
    assert_valid(xml);
    free(xml);
    nqx_doc_free(doc);
}

static void forbidden_characters_never_reach_the_record(void **state)
{
    (void)state;
    /* Put characters XML 1.0 forbids straight into the findings (extract
     * already drops them from input; the writer must not rely on it). */
    nqx_doc *doc = convert_text("Tỷ lệ che phủ rừng đạt 42%.");
    assert_int_equal(doc->ntargets, 1);
    doc->targets[0].indicator = "bad\x01" "char\x1B here\xEF\xBF\xBE";
    doc->targets[0].text = "tab\tand newline\nstay";
    char *xml = nqx_record_xml(doc, NULL);
    assert_non_null(strstr(xml, "badchar here<"));
    assert_null(strchr(xml, '\x01'));
    assert_null(strstr(xml, "\xEF\xBF\xBE"));
    assert_valid(xml);
    free(xml);
    nqx_doc_free(doc);
}

static void names_that_are_not_utf8(void **state)
{
    (void)state;
    nqx_doc *doc = nqx_doc_new("ngh\xEA quy\xEAt.txt"); /* Latin-1 bytes */
    nqx_error err = {0};
    assert_int_equal(nqx_extract_bytes(doc, "", 0, &err), NQX_OK);
    assert_int_equal(nqx_normalize(doc, NULL, &err), NQX_OK);
    char *xml = nqx_record_xml(doc, NULL);
    assert_non_null(strstr(xml, "source=\"ngh\xEF\xBF\xBD quy\xEF\xBF\xBDt.txt\""));
    assert_non_null(strstr(xml, "<targets/>"));
    assert_valid(xml);
    free(xml);
    nqx_doc_free(doc);
}

static void every_attribute_validates(void **state)
{
    (void)state;
    nqx_doc *doc = convert_text("I. CHỈ TIÊU\n1. Kinh tế\n- Vốn từ 1,2 đến 1,5 nghìn tỷ đồng; "
                                "trong đó, vốn ngân sách tăng 5%.\n- Thu nhập 52 triệu đồng trở "
                                "lên.\n- Hộ nghèo giảm 0,5%.");
    assert_int_equal(doc->ntargets, 4);
    char *xml = nqx_record_xml(doc, NULL);
    assert_non_null(strstr(xml, "base-min=\"1200000000000\""));
    assert_non_null(strstr(xml, "parent=\"t1\""));
    assert_non_null(strstr(xml, "section=\"I.1\""));
    assert_non_null(strstr(xml, "xmlns=\"urn:nqx:1\""));
    assert_valid(xml);
    free(xml);
    nqx_doc_free(doc);
}

static void the_schema_rejects_what_breaks_the_contract(void **state)
{
    (void)state;
    nqx_error err = {0};
    const char *bad_decimal =
        "<document xmlns=\"urn:nqx:1\" source=\"x\" sha256=\""
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\" encoding=\"UTF-8\">"
        "<targets><target id=\"t1\" line=\"1\" kind=\"target\" comparator=\"eq\" value=\"05\" "
        "unit=\"xã\"><text>05 xã</text></target></targets></document>";
    assert_int_equal(nqx_schema_validate(test_schema, bad_decimal, strlen(bad_decimal), "r", &err),
                     NQX_E_INPUT);
    assert_non_null(strstr(err.message, "schema"));
    const char *not_xml = "<document><targets></document>";
    assert_int_equal(nqx_schema_validate(test_schema, not_xml, strlen(not_xml), "r", &err),
                     NQX_E_INPUT);
    assert_non_null(strstr(err.message, "well-formed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(special_characters_are_escaped),
        cmocka_unit_test(forbidden_characters_never_reach_the_record),
        cmocka_unit_test(names_that_are_not_utf8),
        cmocka_unit_test(every_attribute_validates),
        cmocka_unit_test(the_schema_rejects_what_breaks_the_contract),
    };
    return cmocka_run_group_tests_name("output", tests, load_test_rules_and_schema,
                                       free_test_rules_and_schema);
}
