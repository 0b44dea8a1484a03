/* Layout: section markers (I., 1., 3.2.1., a), Điều 4) and other lines that
 * start a block of their own, recognised by the rules of roles `section`
 * and `block`. */
#include "rules/rules_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Can any section or block rule match at the start of this line? */
static bool layout_possible(struct matcher *m, const char *line, size_t limit)
{
    const struct pattern *any = &m->rules->layout_any;
    return !any->code || pattern_match(m, any, line, limit, 0, 0);
}

/* The section marker the last match of p (a section rule's, or the
 * combined pattern's with the mark of rule idx) found at the start of
 * line, into *out; false when it set none of the marker groups. */
static bool read_marker(struct matcher *m, const struct pattern *p, size_t idx,
                        const char *line, struct section_match *out)
{
    static const struct {
        const char *group;
        char kind;
    } groups[] = {{"part", 'p'}, {"roman", 'r'}, {"article", 'a'}, {"number", 'n'},
                  {"letter", 'l'}};
    size_t s, e;
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        if (!group_span(m, p, groups[g].group, &s, &e))
            continue;
        out->rule = idx;
        out->kind = groups[g].kind;
        out->end = pcre2_get_ovector_pointer(m->md)[1];
        size_t n = e - s < sizeof out->label - 1 ? e - s : sizeof out->label - 1;
        n = nqx_utf8_floor(line + s, n);
        memcpy(out->label, line + s, n);
        out->label[n] = '\0';
        if (m->trace)
            m->trace(m->trace_ctx, idx, 0);
        return true;
    }
    return false;
}

bool layout_section(struct matcher *m, const char *line, size_t len, struct section_match *out)
{
    const nqx_rules *r = m->rules;
    size_t limit = len < WINDOW_AFTER ? len : nqx_utf8_floor(line, WINDOW_AFTER);
    if (!layout_possible(m, line, limit))
        return false;
    /* The combined pattern tries the rules in file order: when the first
     * that matches is a section rule, it is the one the loop below would
     * find. */
    size_t first = marked_rule_of(m);
    if (first < r->nrules && r->rules[first].role == ROLE_SECTION &&
        read_marker(m, &r->layout_any, first, line, out))
        return true;
    for (size_t i = 0; i < r->nby_role[ROLE_SECTION]; i++) {
        size_t idx = r->by_role[ROLE_SECTION][i];
        const struct rule *ru = &r->rules[idx];
        if (pattern_match(m, &ru->pattern, line, limit, 0, 0) &&
            read_marker(m, &ru->pattern, idx, line, out))
            return true;
    }
    return false;
}

/* A line of the text and its section marker, if it has one. */
struct line_layout {
    size_t ls, le;
    bool found;
    struct section_match sm;
};

bool layout_section_at(struct matcher *m, const char *t, size_t ls, size_t le,
                       struct section_match *out)
{
    if (t != m->layouts_text) {
        m->layouts_text = t;
        m->nlayouts = 0;
    }
    struct line_layout *v = m->layouts;
    size_t n = m->nlayouts;
    /* Each walk goes down the text: the next line is mostly the last. */
    size_t k =
        !n || v[n - 1].ls < ls
            ? n
            : nqx_lower_bound(v, n, sizeof *v, offsetof(struct line_layout, ls), ls);
    if (k < n && v[k].ls == ls && v[k].le == le) {
        if (v[k].found)
            *out = v[k].sm;
        return v[k].found;
    }
    struct line_layout l = {.ls = ls, .le = le};
    l.found = layout_section(m, t + ls, le - ls, &l.sm);
    /* A line asked for again with another end is worked out, not kept. */
    if (k == n || v[k].ls != ls) {
        void *p = m->layouts;
        nqx_grow(&p, &m->layouts_cap, n + 1, sizeof *v);
        v = m->layouts = p;
        memmove(v + k + 1, v + k, (n - k) * sizeof *v);
        v[k] = l;
        m->nlayouts++;
    }
    if (l.found)
        *out = l.sm;
    return l.found;
}

nqx_matcher *nqx_matcher_new(const nqx_rules *rules)
{
    struct matcher *m = nqx_xmalloc(sizeof *m);
    matcher_init(m, rules, NULL);
    return (nqx_matcher *)m;
}

void nqx_matcher_free(nqx_matcher *matcher)
{
    if (!matcher)
        return;
    matcher_fini((struct matcher *)matcher);
    free(matcher);
}

nqx_furniture nqx_rules_furniture(const char *line, size_t len, void *ctx)
{
    struct matcher *m = ctx;
    const nqx_rules *r = m->rules;
    if (!pattern_match(m, &r->furniture_any, line, len, 0, 0))
        return NQX_FURNITURE_NONE;
    size_t rule = marked_rule_of(m);
    return rule < r->nrules ? (nqx_furniture)(r->rules[rule].furniture + 1)
                            : NQX_FURNITURE_NONE;
}

bool nqx_rules_starts_block(const char *line, size_t len, void *ctx)
{
    struct matcher *m = ctx;
    size_t limit = len < WINDOW_AFTER ? len : nqx_utf8_floor(line, WINDOW_AFTER);
    /* Any section or block rule: exactly what the combined pattern says. */
    return layout_possible(m, line, limit);
}

/* Longest word of the list "open-end", in bytes. */
#define OPEN_WORD_MAX 32

bool nqx_rules_ends_open(const char *line, size_t len, void *ctx)
{
    struct matcher *m = ctx;
    const struct list *l = m->rules->open_end;
    size_t s = len;
    while (s > 0 && line[s - 1] != ' ')
        s--;
    if (!l || s == len || len - s > OPEN_WORD_MAX)
        return false;
    /* As written, not folded: a line's last word in capitals ends a
     * heading, and headings are not joined anyway. */
    return list_find(l, line + s, len - s) != NULL;
}

nqx_normalize_opts nqx_rules_normalize_opts(nqx_matcher *matcher)
{
    return (nqx_normalize_opts){.starts_block = nqx_rules_starts_block,
                                .ends_open = nqx_rules_ends_open,
                                .furniture = nqx_rules_furniture,
                                .ctx = matcher};
}
