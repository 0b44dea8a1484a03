/* Dates and periods (SPEC §3.5): one scan of the normalized text with every
 * date rule in one pattern finds each date expression; its named groups give
 * the parts, and this file turns them into an ISO 8601 value:
 *
 *   d m y         a day                         2023-07-07
 *   d d2 m y      two days (08-09/12/2020)      2020-12-08/2020-12-09
 *   m y, m m2 y   a month, a span of months     2023-07, 2024-01/2024-03
 *   q y, q q2 y   a quarter, a span of quarters 2023-04-01/2023-06-30
 *   n y (part)    first or last n months        2023-01-01/2023-06-30
 *   y, y y2       a year, a span of years       2021, 2021/2025
 *
 * A part the expression leaves out (the year of "quý IV", the month of the
 * first day of "08-09/12/2020") comes from the other end of the interval, or
 * from the next year written in the same line, or from the year the document
 * is about. A date that does not exist is never
 * emitted: it becomes a warning naming its line. Then the date-role rules
 * say what each date is to the document. */
#include "rules/rules_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Four-digit years: "19/5/1890" is a date these documents cite. */
#define YEAR_MIN 1000
#define YEAR_MAX 2999

int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

bool iso_day(int y, int m, int d, char *out, size_t size)
{
    if (y < YEAR_MIN || y > YEAR_MAX || d < 1 || d > days_in_month(y, m))
        return false;
    /* In range now: four digits, two and two. */
    char v[] = "0000-00-00";
    v[0] = (char)('0' + y / 1000);
    v[1] = (char)('0' + y / 100 % 10);
    v[2] = (char)('0' + y / 10 % 10);
    v[3] = (char)('0' + y % 10);
    v[5] = (char)('0' + m / 10);
    v[6] = (char)('0' + m % 10);
    v[8] = (char)('0' + d / 10);
    v[9] = (char)('0' + d % 10);
    size_t n = size < sizeof v ? size : sizeof v;
    if (n) {
        memcpy(out, v, n - 1);
        out[n - 1] = '\0';
    }
    return true;
}

bool iso_years_only(const char *v)
{
    size_t n = strlen(v);
    return n == 4 || (n == 9 && v[4] == '/');
}

int roman_value(const char *s, size_t n)
{
    int total = 0, prev = 0;
    for (size_t i = n; i-- > 0;) {
        int v;
        switch (s[i] | 0x20) {
        case 'i': v = 1; break;
        case 'v': v = 5; break;
        case 'x': v = 10; break;
        default: return 0;
        }
        total += v < prev ? -v : v;
        if (v > prev)
            prev = v;
    }
    return total > 0 && total < 40 ? total : 0;
}

struct parts {
    int d, m, y, d2, m2, y2, q, q2, n;
    int part;
};

enum verdict { DATE_OK, DATE_NO_YEAR, DATE_INVALID };

/* The value of a group's text: digits, or a Roman numeral; -1 when neither. */
static int span_int(const char *t, size_t s, size_t e)
{
    if (s == e)
        return -1;
    if (t[s] >= '0' && t[s] <= '9') {
        int v = 0;
        for (size_t i = s; i < e && t[i] >= '0' && t[i] <= '9' && v < 100000; i++)
            v = v * 10 + (t[i] - '0');
        return v;
    }
    int r = roman_value(t + s, e - s);
    return r ? r : -1;
}

/* The parts of the last match: one pass over the pattern's named groups,
 * reading those that are set (a combined pattern has many, few set). */
static struct parts read_parts(struct matcher *m, const struct pattern *p, const char *t)
{
    static const char *const names[] = {"d", "m", "y", "d2", "m2", "y2", "q", "q2", "n"};
    struct parts pt = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
    int *slot[] = {&pt.d, &pt.m, &pt.y, &pt.d2, &pt.m2, &pt.y2, &pt.q, &pt.q2, &pt.n};
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    uint32_t pairs = pcre2_get_ovector_count(m->md);
    for (size_t i = 0; i < p->ngroups; i++) {
        uint32_t g = p->groups[i].number;
        if (g >= pairs || ov[2 * g] == PCRE2_UNSET)
            continue;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (!strcmp(p->groups[i].name, names[k]) && *slot[k] < 0)
                *slot[k] = span_int(t, ov[2 * g], ov[2 * g + 1]);
    }
    return pt;
}

/* The ISO value of p into out. */
static enum verdict iso_value(struct parts p, int context_year, char *out, size_t size)
{
    if (p.y < 0)
        p.y = p.y2 >= 0 ? p.y2 : -1;
    if (p.y2 < 0)
        p.y2 = p.y;
    if (p.y < 0) {
        if (context_year <= 0)
            return DATE_NO_YEAR;
        p.y = p.y2 = context_year;
    }
    if (p.y < YEAR_MIN || p.y > YEAR_MAX || p.y2 < p.y || p.y2 > YEAR_MAX)
        return DATE_INVALID;
    char a[16], b[16];
    if (p.q > 0) {
        int q2 = p.q2 > 0 ? p.q2 : p.q;
        if (p.q > 4 || q2 > 4 || q2 < p.q)
            return DATE_INVALID;
        iso_day(p.y, 3 * p.q - 2, 1, a, sizeof a);
        iso_day(p.y2, 3 * q2, days_in_month(p.y2, 3 * q2), b, sizeof b);
        snprintf(out, size, "%s/%s", a, b);
        return DATE_OK;
    }
    if (p.n > 0) {
        if (p.n > 12)
            return DATE_INVALID;
        int first = p.part == PART_LAST ? 13 - p.n : 1;
        int last = p.part == PART_LAST ? 12 : p.n;
        iso_day(p.y, first, 1, a, sizeof a);
        iso_day(p.y, last, days_in_month(p.y, last), b, sizeof b);
        snprintf(out, size, "%s/%s", a, b);
        return DATE_OK;
    }
    if (p.m < 0 && p.m2 >= 0)
        p.m = p.m2;
    if (p.m2 < 0)
        p.m2 = p.m;
    if (p.d >= 0) {
        if (p.m < 0 || !iso_day(p.y, p.m, p.d, a, sizeof a))
            return DATE_INVALID;
        if (p.d2 < 0 && p.m2 == p.m && p.y2 == p.y) {
            snprintf(out, size, "%s", a);
            return DATE_OK;
        }
        if (!iso_day(p.y2, p.m2, p.d2 >= 0 ? p.d2 : p.d, b, sizeof b) || strcmp(a, b) >= 0)
            return DATE_INVALID;
        snprintf(out, size, "%s/%s", a, b);
        return DATE_OK;
    }
    if (p.m >= 0) {
        if (p.m < 1 || p.m > 12 || p.m2 < 1 || p.m2 > 12)
            return DATE_INVALID;
        if (p.m2 == p.m && p.y2 == p.y)
            snprintf(out, size, "%04d-%02d", p.y, p.m);
        else if (p.y2 * 12 + p.m2 > p.y * 12 + p.m)
            snprintf(out, size, "%04d-%02d/%04d-%02d", p.y, p.m, p.y2, p.m2);
        else
            return DATE_INVALID;
        return DATE_OK;
    }
    if (p.y2 != p.y)
        snprintf(out, size, "%04d/%04d", p.y, p.y2);
    else
        snprintf(out, size, "%04d", p.y);
    return DATE_OK;
}

/* The first date-role rule whose context matches around [s, e). */
static void assign_role(struct matcher *m, const nqx_doc *doc, nqx_date *d)
{
    const nqx_rules *r = m->rules;
    const char *t = doc->norm;
    for (size_t i = 0; i < r->nby_role[ROLE_DATE_ROLE]; i++) {
        const struct rule *ru = &r->rules[r->by_role[ROLE_DATE_ROLE][i]];
        if (ru->before.code) {
            size_t ws = d->start > ru->window ? d->start - ru->window : 0;
            ws = nqx_utf8_floor(t, ws);
            if (!pattern_match(m, &ru->before, t, d->start, ws, 0))
                continue;
        }
        if (ru->after.code) {
            size_t we = d->end + WINDOW_AFTER < doc->norm_len ? d->end + WINDOW_AFTER
                                                               : doc->norm_len;
            we = nqx_utf8_floor(t, we);
            if (!pattern_match(m, &ru->after, t, we, d->end, 0))
                continue;
        }
        d->role = (nqx_date_role)ru->date_role;
        d->baseline = ru->baseline;
        matcher_trace(m, r->by_role[ROLE_DATE_ROLE][i], d->start);
        return;
    }
}

/* The year of the document: its issue date, else 0. */
static int document_year(const nqx_doc *doc)
{
    return doc->meta.date ? atoi(doc->meta.date) : 0;
}

/* The single years the dates of t[from, to) name ("năm 2024", "quý I/2025",
 * not the span of "nhiệm kỳ 2020-2025", not a comparison base such as "so
 * với cùng kỳ năm 2024"): the first, or the last, or 0. */
static int year_named(struct matcher *m, const nqx_doc *doc, size_t from, size_t to, bool last)
{
    const char *t = doc->norm;
    const struct pattern *p;
    int year = 0;
    size_t s, e;
    for (size_t pos = from;
         scan_marked(m, &m->rules->dates_by_start, t, to, pos, GATE_DIGIT, &s, &e, &p);) {
        struct parts pt = read_parts(m, p, t);
        nqx_date probe = {.start = s, .end = e};
        if (pt.y >= YEAR_MIN && pt.y <= YEAR_MAX && (pt.y2 < 0 || pt.y2 == pt.y) &&
            (assign_role(m, doc, &probe), !probe.baseline)) {
            year = pt.y;
            if (!last)
                break;
        }
        pos = e > s ? e : s + 1;
    }
    return year;
}

/* How far after a date without a year its year may still be written ("6
 * tháng đầu năm, nhiệm vụ 6 tháng cuối năm 2023"), in bytes of its line. */
#define YEAR_AHEAD 200

void dates_extract(struct matcher *m, nqx_doc *doc)
{
    const nqx_rules *r = m->rules;
    const struct pattern *p;
    const char *t = doc->norm;
    size_t len = doc->norm_len;
    if (!t)
        return;
    /* A year left out means the year the document is about: its title's,
     * else its issue date's, else the one the text last named. */
    int title_year = doc->meta.title ? year_named(m, doc, doc->meta.title_start,
                                                       doc->meta.title_end, true)
                                         : 0;
    int issue_year = document_year(doc), last_year = 0;
    size_t s, e;
    for (size_t pos = 0; scan_marked(m, &r->dates_by_start, t, len, pos, GATE_DIGIT, &s, &e, &p);) {
        size_t rule = marked_rule_of(m);
        pos = e > s ? e : s + 1;
        if (rule == SIZE_MAX)
            continue;
        const struct rule *ru = &r->rules[rule];
        struct parts pt = read_parts(m, p, t);
        pt.part = ru->part;
        char value[48];
        /* A year left out is the one written next in the same line, else the
         * year the document is about. */
        int context_year = 0;
        if (pt.y < 0 && pt.y2 < 0) {
            const char *nl = memchr(t + e, '\n', len - e);
            size_t le = nl ? (size_t)(nl - t) : len;
            context_year = year_named(m, doc, e, le < e + YEAR_AHEAD ? le : e + YEAR_AHEAD, false);
        }
        if (!context_year)
            context_year = title_year ? title_year : issue_year ? issue_year : last_year;
        enum verdict v = iso_value(pt, context_year, value, sizeof value);
        if (v == DATE_NO_YEAR)
            continue;
        /* The line of its first digit: "ngày" may end the line before. */
        size_t first = s;
        while (first < e && (t[first] < '0' || t[first] > '9'))
            first++;
        size_t line = nqx_doc_line(doc, first < e ? first : s, NULL);
        if (v == DATE_INVALID) {
            matcher_trace(m, rule, s);
            nqx_doc_warn_check(doc, "date.invalid", first < e ? first : s, e,
                               "'%.*s' is not a date that exists; left out of the record",
                               (int)(e - s < 80 ? e - s : 80), t + s);
            continue;
        }
        matcher_trace(m, rule, s);
        nqx_date *d = nqx_doc_add_date(doc);
        d->line = line;
        d->start = s;
        d->end = e;
        d->value = nqx_arena_strdup(&doc->arena, value);
        d->text = nqx_arena_strndup(&doc->arena, t + s, e - s);
        d->rule = ru->id;
        d->role = NQX_ROLE_PERIOD;
        if (s >= doc->meta.date_start && e <= doc->meta.date_end && doc->meta.date)
            d->role = NQX_ROLE_ISSUED;
        else
            assign_role(m, doc, d);
        /* A comparison base ("so với năm 2020") does not move the year. */
        int y = pt.y2 >= 0 ? pt.y2 : pt.y;
        if (!d->baseline && y >= YEAR_MIN && y <= YEAR_MAX)
            last_year = y;
    }
}
