/* Every corpus document, rewritten in the old tone-mark style, decomposed
 * (NFD) and with CRLF line ends, gives the same record as the original:
 * same targets, same text (NFC, new style), same original line numbers.
 * Only the source name and the hash of the bytes differ. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <cmocka.h>

#include "tests/helpers.h"

static bool is_ascii_letter(unsigned char b)
{
    return (unsigned char)((b | 0x20) - 'a') < 26;
}

static bool is_word_start(unsigned char b)
{
    return is_ascii_letter(b) || b >= 0xC0;
}

static bool is_word_byte(unsigned char b)
{
    return is_ascii_letter(b) || b >= 0x80;
}

/* Old style: in an open syllable ending in oa, oe or uy, the tone mark goes
 * on the second vowel (hòa -> hoà, thủy -> thuỷ). Works on NFC UTF-8. */
static char *old_tone_style(const char *s, size_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    nqx_buf out = {0};
    size_t i = 0;
    while (i < n) {
        /* Copy up to the next word and take the word. */
        size_t ws = i;
        while (ws < n && !is_word_start((unsigned char)s[ws]))
            ws++;
        nqx_buf_add(&out, s + i, ws - i);
        size_t we = ws;
        while (we < n && is_word_byte((unsigned char)s[we]))
            we++;
        /* Decode the word's code points. */
        UChar32 cp[40];
        int32_t k = 0, nc = 0;
        while (k < (int32_t)(we - ws) && nc < 40) {
            UChar32 c;
            U8_NEXT(s + ws, k, (int32_t)(we - ws), c);
            cp[nc++] = c;
        }
        bool changed = false;
        if (nc >= 2 && nc < 40) {
            UChar32 v1 = cp[nc - 2], v2 = cp[nc - 1];
            UChar d[4];
            int32_t dl = unorm2_getDecomposition(nfd, v1, d, 4, &st);
            UChar32 b2 = v2 | 0x20;
            if (dl == 2 && ((d[0] | 0x20) == 'o' || (d[0] | 0x20) == 'u') &&
                ((((d[0] | 0x20) == 'o') && (b2 == 'a' || b2 == 'e')) ||
                 ((d[0] | 0x20) == 'u' && b2 == 'y')) &&
                !(nc >= 3 && (cp[nc - 3] | 0x20) == 'q')) {
                UChar32 nv2 = unorm2_composePair(nfc, v2, d[1]);
                if (nv2 > 0) {
                    char buf[160];
                    int32_t o = 0;
                    for (int32_t j = 0; j < nc - 2; j++)
                        U8_APPEND_UNSAFE(buf, o, cp[j]);
                    U8_APPEND_UNSAFE(buf, o, (UChar32)d[0]);
                    U8_APPEND_UNSAFE(buf, o, nv2);
                    nqx_buf_add(&out, buf, (size_t)o);
                    changed = true;
                }
            }
        }
        if (!changed)
            nqx_buf_add(&out, s + ws, we - ws);
        i = we;
    }
    return nqx_buf_steal(&out);
}

static char *to_nfd(const char *s, size_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, s, (int32_t)n, &st);
    st = U_ZERO_ERROR;
    UChar *src = nqx_xmalloc(((size_t)n16 + 1) * sizeof *src);
    u_strFromUTF8(src, n16 + 1, NULL, s, (int32_t)n, &st);
    int32_t cap = 3 * n16 + 16;
    UChar *dst = nqx_xmalloc((size_t)cap * sizeof *dst);
    int32_t nd = unorm2_normalize(nfd, src, n16, dst, cap, &st);
    char *out = nqx_xmalloc((size_t)nd * 3 + 1);
    int32_t n8 = 0;
    u_strToUTF8(out, nd * 3 + 1, &n8, dst, nd, &st);
    assert_true(U_SUCCESS(st));
    free(src);
    free(dst);
    return out;
}

static char *to_crlf(const char *s)
{
    nqx_buf b = {0};
    for (; *s; s++) {
        if (*s == '\n')
            nqx_buf_addc(&b, '\r');
        nqx_buf_addc(&b, *s);
    }
    return nqx_buf_steal(&b);
}

/* The record without its source and sha256 attributes. */
static char *record_body(const char *text, size_t len)
{
    nqx_doc *doc = normalize_text(text, len, true);
    assert_non_null(doc);
    nqx_error err = {0};
    assert_int_equal(nqx_rules_apply(test_rules, doc, &err), NQX_OK);
    char *xml = nqx_record_xml(doc, NULL);
    nqx_doc_free(doc);
    char *end = strstr(xml, "encoding=\"UTF-8\">\n");
    assert_non_null(end);
    char *body = nqx_xstrdup(end);
    free(xml);
    return body;
}

static void variants_give_the_same_record(void **state)
{
    (void)state;
    DIR *d = opendir(NQX_SRCDIR "/corpus");
    assert_non_null(d);
    struct dirent *de;
    size_t checked = 0, old_style_words = 0;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt"))
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/corpus/%s", NQX_SRCDIR, de->d_name);
        size_t len;
        char *orig = read_file(path, &len);
        assert_non_null(orig);
        char *old = old_tone_style(orig, len);
        old_style_words += strcmp(old, orig) != 0;
        char *nfd = to_nfd(old, strlen(old));
        char *variant = to_crlf(nfd);
        char *a = record_body(orig, len);
        char *b = record_body(variant, strlen(variant));
        if (strcmp(a, b)) {
            size_t k = 0;
            while (a[k] && a[k] == b[k])
                k++;
            fail_msg("%s: the variant's record differs at byte %zu:\n  %.120s\n  %.120s",
                     de->d_name, k, a + k, b + k);
        }
        free(a);
        free(b);
        free(variant);
        free(nfd);
        free(old);
        free(orig);
        checked++;
    }
    closedir(d);
    assert_true(checked >= 8);
    /* The rewrite really produced old-style text somewhere. */
    assert_true(old_style_words >= 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(variants_give_the_same_record),
    };
    return cmocka_run_group_tests_name("variants", tests, load_test_rules, free_test_rules);
}
