/* Extraction: bytes in, UTF-8 text with the original line structure out;
 * bad bytes get errors naming offset, line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>
#include <unicode/utf8.h>

#include "tests/helpers.h"

static nqx_doc *extract(const char *bytes, size_t len, nqx_status want, nqx_error *err)
{
    nqx_doc *doc = nqx_doc_new("in.txt");
    memset(err, 0, sizeof *err);
    nqx_status st = nqx_extract_bytes(doc, bytes, len, err);
    if (st != want)
        fail_msg("status %d, want %d (%s)", st, want, err->message);
    return doc;
}

static void byte_order_mark_is_dropped(void **state)
{
    (void)state;
    nqx_error err;
    const char *in = "\xEF\xBB\xBFNghị quyết\n";
    nqx_doc *doc = extract(in, strlen(in), NQX_OK, &err);
    assert_string_equal(doc->text, "Nghị quyết\n");
    assert_string_equal(doc->encoding, "UTF-8");
    assert_int_equal(strlen(doc->sha256), 64);
    nqx_doc_free(doc);
}

static void line_ends_are_unified(void **state)
{
    (void)state;
    nqx_error err;
    const char *in = "một\r\nhai\rba\nbốn";
    nqx_doc *doc = extract(in, strlen(in), NQX_OK, &err);
    assert_string_equal(doc->text, "một\nhai\nba\nbốn");
    assert_int_equal(doc->nlines, 4);
    assert_int_equal(nqx_doc_text_line(doc, (size_t)(strstr(doc->text, "ba") - doc->text)), 3);
    nqx_doc_free(doc);
}

static void invalid_utf8_names_offset_line_and_column(void **state)
{
    (void)state;
    nqx_error err;
    /* Line 2, after "ab" (column 3), byte offset 6: a Latin-1 é. */
    const char *in = "xyz\nab\xE9" "cd\n";
    nqx_doc *doc = extract(in, strlen(in), NQX_E_INPUT, &err);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_int_equal(err.offset, 6);
    assert_string_equal(err.file, "in.txt");
    assert_non_null(strstr(err.message, "UTF-8"));
    nqx_doc_free(doc);
    /* Overlong encodings and surrogates are invalid too. */
    doc = extract("\xC0\xAF", 2, NQX_E_INPUT, &err);
    nqx_doc_free(doc);
    doc = extract("\xED\xA0\x80", 3, NQX_E_INPUT, &err);
    nqx_doc_free(doc);
    /* A truncated sequence at the very end. */
    doc = extract("ab\xE1\xBA", 4, NQX_E_INPUT, &err);
    assert_int_equal(err.offset, 2);
    nqx_doc_free(doc);
}

static void stray_control_characters_are_dropped_with_a_warning(void **state)
{
    (void)state;
    nqx_error err;
    const char in[] = "dòng một\ndòng\0 hai\x01\nba";
    nqx_doc *doc = extract(in, sizeof in - 1, NQX_OK, &err);
    assert_string_equal(doc->text, "dòng một\ndòng hai\nba");
    assert_int_equal(doc->ndiags, 1);
    assert_int_equal(doc->diags[0].line, 2);
    assert_non_null(strstr(doc->diags[0].message, "2 control characters"));
    nqx_doc_free(doc);
    /* The two noncharacters XML forbids go too. */
    doc = extract("a\xEF\xBF\xBE" "b\xEF\xBF\xBF", 8, NQX_OK, &err);
    assert_string_equal(doc->text, "ab");
    nqx_doc_free(doc);
}

static void binary_data_is_refused(void **state)
{
    (void)state;
    nqx_error err;
    char bin[256];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(i % 2 ? 'a' : 0); /* UTF-16-like */
    nqx_doc *doc = extract(bin, sizeof bin, NQX_E_INPUT, &err);
    assert_non_null(strstr(err.message, "binary"));
    nqx_doc_free(doc);
}

static void empty_input_is_a_record_with_a_warning(void **state)
{
    (void)state;
    nqx_error err;
    nqx_doc *doc = extract("", 0, NQX_OK, &err);
    assert_int_equal(doc->text_len, 0);
    assert_int_equal(doc->ndiags, 1);
    assert_non_null(strstr(doc->diags[0].message, "empty"));
    nqx_doc_free(doc);
}

static void files_that_cannot_be_read(void **state)
{
    (void)state;
    nqx_error err = {0};
    nqx_doc *doc = nqx_doc_new("tests");
    assert_int_equal(nqx_extract_file(doc, "tests", &err), NQX_E_ENV);
    assert_non_null(strstr(err.message, "directory"));
    assert_string_equal(err.file, "tests");
    nqx_doc_free(doc);
    doc = nqx_doc_new("no/such/file.txt");
    assert_int_equal(nqx_extract_file(doc, "no/such/file.txt", &err), NQX_E_ENV);
    assert_non_null(strstr(err.message, "cannot open"));
    nqx_doc_free(doc);
}

static void same_bytes_same_hash(void **state)
{
    (void)state;
    nqx_error err;
    nqx_doc *a = extract("abc", 3, NQX_OK, &err);
    /* SHA-256("abc"), FIPS 180-2 test vector. */
    assert_string_equal(a->sha256,
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    nqx_doc_free(a);
}

/* Calls check on every string of 1 to max bytes drawn from pool (bytes
 * chosen to tell the forms of UTF-8 apart), s[0, n) filled so far;
 * returns how many strings it checked. */
static size_t each_pool_string(const uint8_t *pool, size_t np, uint8_t *s, size_t n,
                               size_t max,
                               void (*check)(const uint8_t *s, size_t n, void *ctx),
                               void *ctx)
{
    size_t count = 0;
    for (size_t i = 0; i < np; i++) {
        s[n] = pool[i];
        check(s, n + 1, ctx);
        count++;
        if (n + 1 < max)
            count += each_pool_string(pool, np, s, n + 1, max, check, ctx);
    }
    return count;
}

/* Does a run of nqx_utf8_run (stopping at '&') rightly take the character
 * c? Printable ASCII but '&', and the characters of Vietnamese text. */
static bool run_takes(UChar32 c)
{
    return (c >= 0x20 && c < 0x7F && c != '&') || (c >= 0xA0 && c <= 0x7FF) ||
           (c >= 0x1000 && c <= 0xCFFF) || (c >= 0xE000 && c <= 0xEFFF);
}

/* The run ends on a character boundary, takes only what run_takes allows,
 * and stops only where the next character is not one of those. */
static void check_run(const uint8_t *s, size_t n, void *rows)
{
    size_t end = nqx_utf8_run(rows, s, 0, n), i = 0;
    while (i < end) {
        int32_t k = (int32_t)i;
        UChar32 ch;
        U8_NEXT(s, k, (int32_t)n, ch);
        assert_true(ch >= 0 && run_takes(ch));
        i = (size_t)k;
    }
    assert_int_equal(i, end);
    if (end < n) {
        int32_t k = (int32_t)end;
        UChar32 ch;
        U8_NEXT(s, k, (int32_t)n, ch);
        assert_false(ch >= 0 && run_takes(ch));
    }
}

static void utf8_runs_take_only_plain_characters(void **state)
{
    (void)state;
    nqx_run_rows rows;
    nqx_run_rows_init(&rows, "&");
    const uint8_t *vi = (const uint8_t *)"Tỷ lệ đạt 85% (ước)";
    assert_int_equal(nqx_utf8_run(&rows, vi, 0, strlen((const char *)vi)),
                     strlen((const char *)vi));
    assert_int_equal(nqx_utf8_run(&rows, (const uint8_t *)"ab&c", 0, 4), 2);
    assert_int_equal(nqx_utf8_run(&rows, (const uint8_t *)"ab\xE1\xBB", 0, 4), 2);
    assert_int_equal(nqx_utf8_run(&rows, (const uint8_t *)"a\xC2\x85", 0, 3), 1);
    static const uint8_t pool[] = {0x00, 0x0A, 0x1F, 0x20, '&',  'a',  0x7F, 0x80,
                                   0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xC3, 0xDF, 0xE0,
                                   0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xFF};
    uint8_t s[3];
    assert_true(each_pool_string(pool, sizeof pool, s, 0, sizeof s, check_run, &rows) >
                10000);
}

/* nqx_utf8_char reads what ICU's U8_NEXT reads, code point and length,
 * malformed sequences included (negative). */
static void check_char(const uint8_t *s, size_t n, void *ctx)
{
    (void)ctx;
    int32_t k = 0;
    UChar32 want;
    U8_NEXT(s, k, (int32_t)n, want);
    size_t len = 0;
    int32_t got = nqx_utf8_char(s, n, &len);
    assert_int_equal(got < 0 ? -1 : got, want < 0 ? -1 : want);
    assert_int_equal(len, (size_t)k);
}

/* On every string of up to four bytes from a pool of telling bytes:
 * nqx_utf8_char's short path for Vietnamese letters is only a faster way
 * to ICU's answer. */
static void utf8_char_reads_as_icu_does(void **state)
{
    (void)state;
    static const uint8_t pool[] = {0x00, 'a',  0x7F, 0x80, 0x9F, 0xA0, 0xBB, 0xBF,
                                   0xC0, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
                                   0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    uint8_t s[4];
    assert_true(each_pool_string(pool, sizeof pool, s, 0, sizeof s, check_char, NULL) >
                200000);
    /* A letter of each form Vietnamese text takes, by the short path. */
    size_t len;
    assert_int_equal(nqx_utf8_char((const uint8_t *)"đ", 2, &len), 0x111);
    assert_int_equal(len, 2);
    assert_int_equal(nqx_utf8_char((const uint8_t *)"ỷ", 3, &len), 0x1EF7);
    assert_int_equal(len, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(byte_order_mark_is_dropped),
        cmocka_unit_test(line_ends_are_unified),
        cmocka_unit_test(invalid_utf8_names_offset_line_and_column),
        cmocka_unit_test(stray_control_characters_are_dropped_with_a_warning),
        cmocka_unit_test(binary_data_is_refused),
        cmocka_unit_test(empty_input_is_a_record_with_a_warning),
        cmocka_unit_test(files_that_cannot_be_read),
        cmocka_unit_test(same_bytes_same_hash),
        cmocka_unit_test(utf8_runs_take_only_plain_characters),
        cmocka_unit_test(utf8_char_reads_as_icu_does),
    };
    return cmocka_run_group_tests_name("extract", tests, NULL, NULL);
}
