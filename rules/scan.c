/* Scanning the whole text for dates and citations. Searching every position
 * with one big alternation costs tens of milliseconds per megabyte; almost
 * every position can be ruled out by one byte. So the combined patterns are
 * anchored, and tried only where a finding can start: a date contains a
 * digit and starts at most DIGIT_LEAD bytes before its first one ("từ ngày
 * 10 …", "giai đoạn 2021 …"), or is a quarter ("quý IV"); a citation starts with a capital letter
 * (Nghị quyết, Luật) or with "số". Candidates are tried left to right and
 * the first match wins, as an unanchored search would find it. */
#include "rules/rules_int.h"

#include <stdint.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* The longest words before the first digit of a date ("từ ngày ",
 * "giai đoạn ", "nhiệm kỳ "), in bytes. */
#define DIGIT_LEAD 20

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Does a token (a word or a number) start at i? The byte before is not part
 * of a word: ASCII other than letters and digits (UTF-8 continuation and
 * lead bytes belong to letters). */
static bool token_start(const char *t, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c == ' ' || c == '\n' || (c < 0x80 && !is_digit((char)c) && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
        return false;
    if (c >= 0x80 && c < 0xC0)
        return false; /* inside a character */
    if (i == 0)
        return true;
    unsigned char b = (unsigned char)t[i - 1];
    return b < 0x80 && !is_digit((char)b) && !((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
}

/* A citation starts with a capital letter (Nghị quyết, Luật, Đề án) or
 * with "s" of "số" (a number cited without its type word). */
static bool citation_start(const char *t, size_t len, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c < 0x80)
        return (c >= 'A' && c <= 'Z') || c == 's';
    UChar32 cp;
    int32_t k = (int32_t)i;
    U8_NEXT(t, k, (int32_t)(len < INT32_MAX ? len : INT32_MAX), cp);
    return cp > 0 && u_isupper(cp);
}

static bool try_at(struct matcher *m, const struct marked *mk, const char *t, size_t len,
                   size_t c, size_t *s, size_t *e, const struct pattern **used)
{
    const struct pattern *p = &mk->by_start[mk->index[(unsigned char)t[c]] - 1];
    if (!pattern_match(m, p, t, len, c, 0))
        return false;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    *s = ov[0];
    *e = ov[1];
    *used = p;
    return true;
}

bool scan_marked(struct matcher *m, const struct marked *mk, const char *t, size_t len,
                 size_t from, scan_gate gate, size_t *s, size_t *e, const struct pattern **used)
{
    if (!mk->n)
        return false;
    if (gate == GATE_CITATION) {
        for (size_t i = from; i < len; i++)
            if (mk->index[(unsigned char)t[i]] && token_start(t, i) && citation_start(t, len, i) &&
                try_at(m, mk, t, len, i, s, e, used))
                return true;
        return false;
    }
    size_t digit = from; /* the first digit at or after i */
    for (size_t i = from; i < len; i++) {
        if (!mk->index[(unsigned char)t[i]])
            continue;
        if (digit < i)
            digit = i;
        while (digit < len && !is_digit(t[digit]))
            digit++;
        bool quarter = (t[i] | 0x20) == 'q'; /* "quý IV" has no digit */
        if ((quarter || (digit < len && digit - i <= DIGIT_LEAD)) && token_start(t, i) &&
            try_at(m, mk, t, len, i, s, e, used))
            return true;
        if (digit >= len && !quarter) {
            /* No digit left: only quarters can start; jump between q's. */
            const char *q = NULL;
            for (size_t k = i + 1; k < len && !q; k++)
                if ((t[k] | 0x20) == 'q')
                    q = t + k;
            if (!q)
                return false;
            i = (size_t)(q - t) - 1;
        }
    }
    return false;
}
