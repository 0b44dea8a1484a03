/* Numbers as Vietnamese documents write them (SPEC §3.1), and the decimal
 * arithmetic behind base values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules_int.h"

static void expect_number(const char *in, const char *want)
{
    char out[64];
    bool ok = parse_vn_number(in, strlen(in), out, sizeof out);
    if (!want) {
        if (ok)
            fail_msg("'%s' should not be a number, got '%s'", in, out);
        return;
    }
    if (!ok)
        fail_msg("'%s' should read as %s", in, want);
    assert_string_equal(out, want);
}

static void vietnamese_grouping(void **state)
{
    (void)state;
    expect_number("115.500", "115500");
    expect_number("1.000.000", "1000000");
    expect_number("16,5", "16.5");
    expect_number("1.393,757", "1393.757");
    expect_number("5.900", "5900");
    expect_number("0,62", "0.62");
    expect_number("1.234,50", "1234.5");
}

static void leading_and_trailing_zeros(void **state)
{
    (void)state;
    expect_number("05", "5");
    expect_number("01", "1");
    expect_number("00", "0");
    expect_number("0", "0");
    expect_number("100,0", "100");
    expect_number("5,50", "5.5");
    expect_number("007,250", "7.25");
}

static void english_habits_where_unambiguous(void **state)
{
    (void)state;
    expect_number("1,234,567", "1234567");
    expect_number("1,234.5", "1234.5");
    expect_number("2.5", "2.5");
    /* A lone comma is a decimal comma, a lone point before three digits a
     * thousands point: the Vietnamese reading wins. */
    expect_number("1,500", "1.5");
    expect_number("1.500", "1500");
}

static void not_numbers(void **state)
{
    (void)state;
    expect_number("", NULL);
    expect_number("3.2.1", NULL);   /* a section number */
    expect_number("1.23.456", NULL);
    expect_number("12,", NULL);
    expect_number("1,2,3", NULL);
    expect_number("1.234,5.6", NULL);
    expect_number("12a", NULL);
    expect_number("12345678901234567890123456789012345678901", NULL); /* 41 digits */
}

static void expect_shift(const char *v, int exp, const char *want)
{
    char out[128];
    assert_true(decimal_shift(v, exp, out, sizeof out));
    assert_string_equal(out, want);
}

static void scale_words(void **state)
{
    (void)state;
    expect_shift("1393.757", 9, "1393757000000");
    expect_shift("5900", 9, "5900000000000");
    expect_shift("52", 6, "52000000");
    expect_shift("28.86", 6, "28860000");
    expect_shift("0.62", 3, "620");
    expect_shift("1.2345", 2, "123.45");
    expect_shift("0.001", 3, "1");
    expect_shift("7", 0, "7");
    char small[4];
    assert_false(decimal_shift("5900", 9, small, sizeof small));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vietnamese_grouping),
        cmocka_unit_test(leading_and_trailing_zeros),
        cmocka_unit_test(english_habits_where_unambiguous),
        cmocka_unit_test(not_numbers),
        cmocka_unit_test(scale_words),
    };
    return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}
