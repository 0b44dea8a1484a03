/* The period each target applies to: a date in its own clause ("đến năm
 * 2025, …", or right after it: "15.000 tấn/năm vào năm 2020"), else the
 * date of the nearest heading above it ("I. CÁC CHỈ TIÊU CHỦ YẾU NĂM
 * 2021"), else the document's title: its first period for a
 * result (a report names the period it reviews first), its last for a
 * target or an estimate ("… 6 tháng đầu năm; phương hướng 6 tháng cuối năm
 * 2024"). Comparison bases ("so với năm 2020") and the dates of cited
 * documents are never a target's period. A result whose own period
 * starts after the year of issue is a target; so is a forecast for years
 * that end after it, and, when the document has no date of issue, an
 * estimate for years after its title's. */
#include "rules/rules_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* How far from a quantity its clause is searched for a date, each way: a
 * clause is cut around its value at this size anyway, and the bound keeps a
 * line of a million targets linear. */
#define CLAUSE_REACH 400

/* The longest gap of words between a quantity and a date of its own. */
#define TIGHT_GAP 16

/* Section depths that keep a heading's period. */
#define LEVELS 6

static bool usable(const nqx_date *d)
{
    return !d->baseline && (d->role == NQX_ROLE_PERIOD || d->role == NQX_ROLE_DEADLINE);
}

static int level_of(const struct section_match *sm)
{
    switch (sm->kind) {
    case 'p':
        return 0;
    case 'r':
    case 'a':
        return 1;
    case 'n': {
        int dots = 0;
        for (const char *s = sm->label; *s; s++)
            dots += *s == '.';
        return 2 + dots < LEVELS - 1 ? 2 + dots : LEVELS - 2;
    }
    default:
        return LEVELS - 1;
    }
}

/* The first usable date in [s, e), from index *cursor on (dates are in text
 * order; the cursor moves past the dates before s). */
static const nqx_date *first_date_in(const nqx_doc *doc, size_t s, size_t e, size_t *cursor)
{
    while (*cursor < doc->ndates && doc->dates[*cursor].start < s)
        (*cursor)++;
    for (size_t i = *cursor; i < doc->ndates && doc->dates[i].start < e; i++)
        if (usable(&doc->dates[i]) && doc->dates[i].end <= e)
            return &doc->dates[i];
    return NULL;
}

/* The last year of a year or a span of years ("2030", "2021/2030"). */
static int last_year(const char *v)
{
    return atoi(strlen(v) == 9 ? v + 5 : v);
}

/* Is [s, e) a short gap of words, with no punctuation nor digit: a date
 * right after a quantity ("10.000 tấn/năm vào năm 2015") is its own. */
static bool tight_gap(const char *t, size_t s, size_t e)
{
    if (e - s > TIGHT_GAP)
        return false;
    for (size_t i = s; i < e; i++)
        if (t[i] == ',' || t[i] == ';' || t[i] == '.' || t[i] == ':' || t[i] == '(' ||
            (t[i] >= '0' && t[i] <= '9'))
            return false;
    return true;
}

/* The date of the clause of [qs, qe) within the line [ls, le): one right
 * after the quantity, else the last usable date before the quantity in its
 * clause, else the first after it. */
static const nqx_date *clause_date(const nqx_doc *doc, size_t ls, size_t le, size_t qs,
                                   size_t qe)
{
    const char *t = doc->norm;
    size_t cs = qs, ce = qe;
    size_t lo_bound = qs > ls + CLAUSE_REACH ? qs - CLAUSE_REACH : ls;
    size_t hi_bound = qe + CLAUSE_REACH < le ? qe + CLAUSE_REACH : le;
    while (cs > lo_bound && t[cs - 1] != ';')
        cs--;
    while (ce < hi_bound && t[ce] != ';')
        ce++;
    /* The first date at or after cs, by binary search: dates are in text
     * order, and a line may hold many targets. */
    size_t lo = nqx_lower_bound(doc->dates, doc->ndates, sizeof *doc->dates,
                                offsetof(nqx_date, start), cs);
    const nqx_date *before = NULL, *after = NULL;
    for (size_t i = lo; i < doc->ndates && doc->dates[i].start < ce; i++) {
        const nqx_date *d = &doc->dates[i];
        if (d->end > ce || !usable(d))
            continue;
        if (d->end <= qs)
            before = d;
        else if (d->start >= qe && !after) {
            after = d;
            if (tight_gap(t, qe, d->start))
                return d;
        }
    }
    return before ? before : after;
}

void periods_assign(struct matcher *m, nqx_doc *doc)
{
    if (!doc->ntargets)
        return;
    const char *t = doc->norm;
    const nqx_meta *meta = &doc->meta;
    const char *title_first = NULL, *title_last = NULL;
    for (size_t i = 0; i < doc->ndates && meta->title; i++) {
        const nqx_date *d = &doc->dates[i];
        /* A vision's year ("TẦM NHÌN ĐẾN NĂM 2050") lies beyond the
         * years the document is about. */
        if (d->start >= meta->title_start && d->end <= meta->title_end && usable(d) &&
            !phrase_before(m->rules, "horizon", t, meta->title_start, d->start)) {
            if (!title_first)
                title_first = d->value;
            title_last = d->value;
        }
    }
    int issued = meta->date ? atoi(meta->date) : 0; /* the year of issue */
    /* The last year the title names (a year, or the end of a span). */
    int title_end = title_last && iso_years_only(title_last) ? last_year(title_last) : 0;
    const char *heading[LEVELS] = {0};
    bool heading_row[LEVELS] = {0}; /* the heading is a table's row */
    int level = 0;
    size_t cursor = 0, ti = 0;
    for (size_t ls = 0; ls < doc->norm_len && ti < doc->ntargets;) {
        const char *nl = memchr(t + ls, '\n', doc->norm_len - ls);
        size_t le = nl ? (size_t)(nl - t) : doc->norm_len;
        struct section_match sm;
        bool marker = layout_section_at(m, t, ls, le, &sm);
        if (marker) {
            level = level_of(&sm);
            for (int k = level; k < LEVELS; k++)
                heading[k] = NULL;
        }
        /* A heading is a short line: a marker's title, or a line alone. */
        bool has_target = ti < doc->ntargets && doc->targets[ti].start < le;
        nqx_span cell;
        bool row = table_row_cells(t, ls, le, &cell, 1) != 0;
        if (!has_target && le - ls < 300) {
            const nqx_date *d = first_date_in(doc, ls, le, &cursor);
            if (d) {
                heading[level] = d->value;
                heading_row[level] = row;
            }
        }
        for (; ti < doc->ntargets && doc->targets[ti].start < le; ti++) {
            nqx_target *tg = &doc->targets[ti];
            const nqx_date *d = clause_date(doc, ls, le, tg->start, tg->end);
            bool own = d != NULL; /* a period the target itself names */
            if (d)
                tg->period = d->value;
            for (int k = LEVELS - 1; k >= 0 && !tg->period; k--)
                if ((tg->period = heading[k]))
                    own = row && heading_row[k];
            /* Nothing is achieved after the document is issued: a result
             * whose own period is later ("Năm 2030, nhập khẩu khoảng 9.360
             * MW"; in a table, "Đến năm 2030" over a column headed "Kết
             * quả") is a target. So is an estimate for a later year ("đến
             * năm 2030 dự kiến đạt 30,2 triệu USD"): a plan's figure, not
             * what the current year will end at. One for a day after it
             * ("dự kiến đến ngày 31/01/2025 giải ngân đạt") still is. */
            bool projection = tg->forecast == NQX_FORECAST_PROJECTION;
            if (own && issued && atoi(tg->period) > issued &&
                (tg->kind == NQX_KIND_RESULT ||
                 (tg->kind == NQX_KIND_ESTIMATE && !projection &&
                  iso_years_only(tg->period))))
                tg->kind = NQX_KIND_TARGET;
            /* Without a date of issue, the title's years bound what can be
             * estimated: an estimate for years after the last of them
             * ("Ước tính … khoảng 15.000 MW vào năm 2035" in a plan for
             * 2021-2030, the vision to 2050 aside) is the plan's figure. */
            if (own && !issued && title_end && tg->kind == NQX_KIND_ESTIMATE &&
                !projection && iso_years_only(tg->period) && atoi(tg->period) > title_end)
                tg->kind = NQX_KIND_TARGET;
            if (!tg->period)
                tg->period = tg->kind == NQX_KIND_RESULT ? title_first : title_last;
            /* A forecast ("dự kiến") for years that end after the year of
             * issue, its own or its heading's or its title's ("Nhu cầu vốn
             * … dự kiến khoảng 121.732 tỷ đồng" in a plan for 2021-2030),
             * is the plan's figure. */
            if (tg->forecast == NQX_FORECAST_PLAN && tg->kind == NQX_KIND_ESTIMATE &&
                issued && tg->period && iso_years_only(tg->period) &&
                last_year(tg->period) > issued)
                tg->kind = NQX_KIND_TARGET;
        }
        ls = le + 1;
    }
}
