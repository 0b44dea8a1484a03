/* Numbers as Vietnamese documents write them, turned into canonical
 * decimals: ASCII digits, at most one '.' as decimal point, no thousands
 * separator, no leading zeros, no trailing fractional zeros.
 *
 * Vietnamese writes '.' for thousands and ',' for decimals (115.500 = 115500,
 * 16,5 = 16.5, 1.393,757 = 1393.757). Documents that follow the English
 * habit are read too, where the grouping leaves no doubt: 1,234,567 (several
 * 3-digit groups after commas) and 2.5 (one '.' not followed by exactly three
 * digits). A lone ',' is always a decimal comma; a lone '.' followed by three
 * digits is a thousands point. The arithmetic is on strings, so a value is
 * never rounded and any length up to NUMBER_MAX_DIGITS is exact. */
#include "rules/rules_int.h"

#include <string.h>

/* Splits s into digit groups separated by '.' or ','; false when the token
 * is not digits and single separators. */
struct groups {
    size_t n;
    size_t start[NUMBER_MAX_DIGITS + 1];
    size_t len[NUMBER_MAX_DIGITS + 1];
    char sep[NUMBER_MAX_DIGITS + 1]; /* separator after group i, or 0 */
};

static bool split_groups(const char *s, size_t len, struct groups *g)
{
    g->n = 0;
    size_t i = 0;
    while (i < len) {
        if (g->n > NUMBER_MAX_DIGITS)
            return false;
        size_t st = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == st)
            return false;
        g->start[g->n] = st;
        g->len[g->n] = i - st;
        g->sep[g->n] = 0;
        if (i < len) {
            if (s[i] != '.' && s[i] != ',')
                return false;
            g->sep[g->n] = s[i];
            i++;
            if (i == len)
                return false;
        }
        g->n++;
    }
    return g->n > 0;
}

/* Writes the digits of groups [from, to) of s. */
static void append_groups(const char *s, const struct groups *g, size_t from, size_t to,
                          char *out, size_t *o)
{
    for (size_t k = from; k < to; k++) {
        memcpy(out + *o, s + g->start[k], g->len[k]);
        *o += g->len[k];
    }
}

/* Strips leading zeros of the integer part and trailing zeros of the
 * fraction, in place. */
static void canonicalize(char *out)
{
    char *dot = strchr(out, '.');
    if (dot) {
        size_t n = strlen(out);
        while (n > (size_t)(dot - out) + 1 && out[n - 1] == '0')
            out[--n] = '\0';
        if (out[n - 1] == '.')
            out[--n] = '\0';
    }
    size_t z = 0;
    size_t intlen = strcspn(out, ".");
    while (z + 1 < intlen && out[z] == '0')
        z++;
    if (z)
        memmove(out, out + z, strlen(out + z) + 1);
}

static bool all_three(const struct groups *g, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (g->len[k] != 3)
            return false;
    return true;
}

bool parse_vn_number(const char *s, size_t len, char *out, size_t out_size)
{
    if (!len || len > NUMBER_MAX_DIGITS || out_size < len + 2)
        return false;
    struct groups g;
    if (!split_groups(s, len, &g))
        return false;
    size_t o = 0;
    size_t dots = 0, commas = 0;
    for (size_t k = 0; k + 1 < g.n; k++)
        g.sep[k] == '.' ? dots++ : commas++;

    if (g.n == 1) {
        append_groups(s, &g, 0, 1, out, &o);
    } else if (dots && commas) {
        /* Both: the last separator is the decimal mark, the other kind groups
         * thousands in threes. */
        char dec = g.sep[g.n - 2];
        for (size_t k = 0; k + 2 < g.n; k++)
            if (g.sep[k] == dec)
                return false;
        if (g.len[0] > 3 || !all_three(&g, 1, g.n - 1))
            return false;
        append_groups(s, &g, 0, g.n - 1, out, &o);
        out[o++] = '.';
        append_groups(s, &g, g.n - 1, g.n, out, &o);
    } else if (commas == 1) {
        append_groups(s, &g, 0, 1, out, &o); /* 16,5: decimal comma */
        out[o++] = '.';
        append_groups(s, &g, 1, 2, out, &o);
    } else if (dots == 1 && g.len[1] != 3) {
        append_groups(s, &g, 0, 1, out, &o); /* 2.5: decimal point */
        out[o++] = '.';
        append_groups(s, &g, 1, 2, out, &o);
    } else {
        /* 115.500, 1.000.000, 1,234,567: thousands groups. */
        if (g.len[0] > 3 || !all_three(&g, 1, g.n))
            return false;
        append_groups(s, &g, 0, g.n, out, &o);
    }
    out[o] = '\0';
    canonicalize(out);
    return true;
}

bool decimal_shift(const char *value, int exp, char *out, size_t out_size)
{
    const char *dot = strchr(value, '.');
    size_t intlen = dot ? (size_t)(dot - value) : strlen(value);
    const char *frac = dot ? dot + 1 : "";
    size_t fraclen = strlen(frac);
    if (exp < 0 || intlen + fraclen + (size_t)exp + 2 > out_size)
        return false;
    size_t o = 0;
    memcpy(out, value, intlen);
    o = intlen;
    size_t moved = fraclen < (size_t)exp ? fraclen : (size_t)exp;
    memcpy(out + o, frac, moved);
    o += moved;
    for (size_t k = moved; k < (size_t)exp; k++)
        out[o++] = '0';
    if (moved < fraclen) {
        out[o++] = '.';
        memcpy(out + o, frac + moved, fraclen - moved);
        o += fraclen - moved;
    }
    out[o] = '\0';
    canonicalize(out);
    return true;
}
