/* numbering.gap and numbering.order: the numbers and letters that open
 * headings and items (I, II, III; 1, 2, 3; 1.1, 1.2; a, b, c, d, đ, e; Điều
 * 1, Điều 2) follow each other without a gap and in order.
 *
 * Each kind of marker is a sequence; a marker of a higher level starts its
 * lower levels afresh (the items under II count from 1 again), and a
 * marker that is the first of its kind ("1", "a") may start a new list
 * anywhere. The letter order and the words that head articles and parts
 * are in rules/97-check.rules. */
#include "check/check_int.h"

#include <stdio.h>
#include <string.h>

/* Deep enough for 1.2.3.4.5; deeper paths are not numbering but data. */
#define MAX_DEPTH 6
/* Letters of the order list; 'a' .. 'y' and đ fit. */
#define MAX_LETTERS 40

enum seq { SEQ_UPPER, SEQ_ROMAN, SEQ_LETTER, SEQ_ARTICLE0 };

struct numbering {
    struct checker *c;
    const char *letters[MAX_LETTERS]; /* the order, from the rule file */
    size_t nletters;
    long upper, roman, letter; /* last value seen, 0: none */
    long arabic[MAX_DEPTH];    /* last value at each depth of a dotted path */
    long parent[MAX_DEPTH];    /* the path above depth d when arabic[d] was seen */
    long article[8];           /* per word of check-article-word */
};

/* The value of a Roman numeral written in canonical form, else 0. */
static long roman_value(const char *s, size_t n)
{
    static const char *const units[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
    static const char *const tens[] = {"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"};
    if (n == 0 || n > 8)
        return 0;
    for (long v = 1; v < 100; v++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%s%s", tens[v / 10], units[v % 10]);
        if (strlen(buf) == n && !memcmp(buf, s, n))
            return v;
    }
    return 0;
}

static void roman_text(long v, char *out, size_t size)
{
    static const char *const units[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
    static const char *const tens[] = {"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"};
    if (v > 0 && v < 100)
        snprintf(out, size, "%s%s", tens[v / 10], units[v % 10]);
    else
        snprintf(out, size, "%ld", v);
}

/* The 1-based place of the letter at s (of length *n, set) in the order,
 * else 0 (a letter Vietnamese does not number with: f, j, w, z). */
static long letter_value(const struct numbering *N, const char *s, size_t *n)
{
    *n = ((unsigned char)*s & 0x80) ? 2 : 1;
    for (size_t i = 0; i < N->nletters; i++) {
        size_t k = strlen(N->letters[i]);
        if (k == *n && !memcmp(N->letters[i], s, k))
            return (long)i + 1;
    }
    return 0;
}

/* How a marker of a sequence is written, for messages. */
static void marker_text(const struct numbering *N, enum seq kind, const char *prefix, long v,
                        char *out, size_t size)
{
    char r[16];
    if (kind == SEQ_ROMAN) {
        roman_text(v, out, size);
    } else if (kind == SEQ_LETTER || kind == SEQ_UPPER) {
        const char *l = v >= 1 && (size_t)v <= N->nletters ? N->letters[v - 1] : "?";
        if (kind == SEQ_UPPER && l[0] >= 'a' && l[0] <= 'z' && !l[1])
            snprintf(out, size, "%c", l[0] - 'a' + 'A');
        else if (kind == SEQ_UPPER && !strcmp(l, "đ"))
            snprintf(out, size, "Đ");
        else
            snprintf(out, size, "%s", l);
    } else {
        snprintf(r, sizeof r, "%ld", v);
        snprintf(out, size, "%s%s", prefix, r);
    }
}

/* Checks v after *last in one sequence and records it. */
static void step(struct numbering *N, enum seq kind, const char *prefix, long *last, long v,
                 size_t line)
{
    char got[48], prev[48], want[48], upto[48];
    long was = *last;
    *last = v;
    if (v == was + 1 || (v == 1 && was))
        return;
    marker_text(N, kind, prefix, v, got, sizeof got);
    if (!was) {
        /* A list that starts past its first item: an excerpt's headings
         * (the text starts at III) are not lists we can judge. */
        if (kind == SEQ_LETTER || kind == SEQ_ROMAN) {
            marker_text(N, kind, prefix, 1, want, sizeof want);
            if (check_enabled(N->c, "numbering.gap"))
                check_report(N->c, "numbering.gap", NQX_ERROR, line, 1,
                             _("the list starts at '%s': '%s' is missing"), got, want);
        }
        return;
    }
    marker_text(N, kind, prefix, was, prev, sizeof prev);
    if (v > was + 1) {
        if (!check_enabled(N->c, "numbering.gap"))
            return;
        marker_text(N, kind, prefix, was + 1, want, sizeof want);
        if (v == was + 2) {
            check_report(N->c, "numbering.gap", NQX_ERROR, line, 1,
                         _("'%s' follows '%s': '%s' is missing"), got, prev, want);
        } else {
            marker_text(N, kind, prefix, v - 1, upto, sizeof upto);
            check_report(N->c, "numbering.gap", NQX_ERROR, line, 1,
                         _("'%s' follows '%s': '%s' to '%s' are missing"), got, prev, want,
                         upto);
        }
    } else if (check_enabled(N->c, "numbering.order")) {
        if (v == was)
            check_report(N->c, "numbering.order", NQX_ERROR, line, 1,
                         _("'%s' is numbered twice"), got);
        else
            check_report(N->c, "numbering.order", NQX_ERROR, line, 1,
                         _("'%s' comes after '%s': out of order"), got, prev);
    }
}

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* A separator after a marker: ". ", ") ", " - ", "/ ", or ". " after the
 * last number of a dotted path. Returns its length, else 0. */
static size_t separator(const char *s, const char *end)
{
    if (s < end && (*s == '.' || *s == ')' || *s == '/') && (s + 1 == end || s[1] == ' '))
        return 1;
    if (s + 2 < end && s[0] == ' ' && s[1] == '-' && s[2] == ' ')
        return 2;
    return 0;
}

static void reset_arabic(struct numbering *N)
{
    memset(N->arabic, 0, sizeof N->arabic);
    memset(N->parent, 0, sizeof N->parent);
}

/* Reads the marker at the start of line s..end, if any. */
static void read_line(struct numbering *N, const char *s, const char *end, size_t line)
{
    const char *w;
    for (size_t k = 0; k < 8 && (w = nqx_rules_list_entry(N->c->rules, "check-article-word", k,
                                                          NULL));
         k++) {
        size_t n = strlen(w);
        if ((size_t)(end - s) > n + 1 && !memcmp(s, w, n) && s[n] == ' ') {
            const char *p = s + n + 1, *q = p;
            long v = 0;
            while (q < end && is_digit(*q) && q - p < 4)
                v = v * 10 + (*q++ - '0');
            if (q == p) {
                while (q < end && strchr("IVXLC", *q))
                    q++;
                v = roman_value(p, (size_t)(q - p));
            }
            if (v && (q == end || !((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))) {
                char prefix[64];
                snprintf(prefix, sizeof prefix, "%s ", w);
                step(N, (enum seq)(SEQ_ARTICLE0 + k), prefix, &N->article[k], v, line);
                reset_arabic(N);
                N->letter = 0;
            }
            return;
        }
    }
    /* Arabic, maybe dotted: 2. / 2) / 2.3. / 2.3 */
    if (is_digit(*s)) {
        long path[MAX_DEPTH];
        size_t depth = 0;
        const char *p = s;
        while (p < end && depth < MAX_DEPTH) {
            const char *q = p;
            long v = 0;
            while (q < end && is_digit(*q) && q - p < 3)
                v = v * 10 + (*q++ - '0');
            if (q == p || q - p > 2 || (q < end && is_digit(*q)))
                return; /* not a marker: a year, an amount */
            path[depth++] = v;
            p = q;
            if (p + 1 < end && *p == '.' && is_digit(p[1])) {
                p++;
                continue;
            }
            break;
        }
        size_t sep = separator(p, end);
        if (!sep && !(depth > 1 && p < end && *p == ' '))
            return;
        if (depth > 1 && p + 1 < end && *p == '.' && !sep)
            return;
        size_t d = depth - 1;
        /* The item's parent path: a change of parent starts it afresh. */
        long parent_key = 0;
        for (size_t i = 0; i < d; i++)
            parent_key = parent_key * 100 + path[i];
        if (N->parent[d] != parent_key) {
            N->parent[d] = parent_key;
            N->arabic[d] = 0;
        }
        char prefix[64] = "";
        for (size_t i = 0; i < d; i++) {
            size_t l = strlen(prefix);
            snprintf(prefix + l, sizeof prefix - l, "%ld.", path[i]);
        }
        step(N, SEQ_ARTICLE0 + 8, prefix, &N->arabic[d], path[d], line);
        for (size_t i = d + 1; i < MAX_DEPTH; i++)
            N->arabic[i] = 0;
        N->letter = 0;
        return;
    }
    /* Lower-case letters: a) b. đ) */
    if ((*s >= 'a' && *s <= 'z') || !memcmp(s, "đ", 2)) {
        size_t n;
        long v = letter_value(N, s, &n);
        if (!separator(s + n, end) || s[n] == '/' || s[n] == '-' || s[n] == ' ')
            return;
        if (!v) {
            if (check_enabled(N->c, "numbering.order"))
                check_report(N->c, "numbering.order", NQX_ERROR, line, 1,
                             _("'%.*s' does not number items in Vietnamese (a b c d đ e g h "
                               "i k …)"),
                             (int)n, s);
            return;
        }
        step(N, SEQ_LETTER, "", &N->letter, v, line);
        return;
    }
    /* Upper case: Roman numerals, or letters (A. B. C.) */
    if (*s >= 'A' && *s <= 'Z') {
        const char *q = s;
        while (q < end && strchr("IVXLC", *q))
            q++;
        long rv = roman_value(s, (size_t)(q - s));
        size_t n = 1;
        char low[2] = {(char)(*s - 'A' + 'a'), 0};
        long lv = letter_value(N, low, &n);
        bool one = (q - s == 1) || !rv;
        if (one && lv && separator(s + 1, end) && s[1] != '/' &&
            (lv == 1 || (N->upper && lv == N->upper + 1) || !rv)) {
            step(N, SEQ_UPPER, "", &N->upper, lv, line);
            N->roman = 0;
            reset_arabic(N);
            N->letter = 0;
            return;
        }
        if (rv && separator(q, end)) {
            step(N, SEQ_ROMAN, "", &N->roman, rv, line);
            reset_arabic(N);
            N->letter = 0;
        }
    }
}

void check_numbering(struct checker *c)
{
    if (!check_enabled(c, "numbering.gap") && !check_enabled(c, "numbering.order"))
        return;
    const nqx_doc *doc = c->doc;
    struct numbering N = {.c = c};
    const char *l;
    while (N.nletters < MAX_LETTERS &&
           (l = nqx_rules_list_entry(c->rules, "check-letter-order", N.nletters, NULL)))
        N.letters[N.nletters++] = l;
    if (!doc->norm)
        return;
    size_t from = doc->meta.header_end, to = doc->meta.tail_start;
    if (!to || to > doc->norm_len)
        to = doc->norm_len;
    for (size_t s = from; s < to;) {
        const char *nl = memchr(doc->norm + s, '\n', to - s);
        size_t e = nl ? (size_t)(nl - doc->norm) : to;
        if (e > s)
            read_line(&N, doc->norm + s, doc->norm + e, nqx_doc_line(doc, s, NULL));
        s = e + 1;
    }
}
