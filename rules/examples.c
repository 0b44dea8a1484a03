/* Checking the examples embedded in rule files.
 *
 * An example of a layout rule (section, block) must match its pattern, and
 * the named groups must hold the values given after "=>". An example of any
 * other rule runs the whole engine on the example's text: the rule must take
 * part in the result, and the targets found must be exactly those given
 * after "=>" ("none" for no target), in order, on every attribute named.
 * A counter-example must not make the rule take part. */
#include "rules/rules_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fired {
    size_t rule;
    bool hit;
};

static void on_trace(void *ctx, size_t rule, size_t offset)
{
    (void)offset;
    struct fired *f = ctx;
    if (rule == f->rule)
        f->hit = true;
}

static const char *target_attr(const nqx_doc *doc, const nqx_target *t, const char *key,
                               char *buf, size_t size)
{
    if (!strcmp(key, "value"))
        return t->value;
    if (!strcmp(key, "min"))
        return t->min;
    if (!strcmp(key, "max"))
        return t->max;
    if (!strcmp(key, "unit"))
        return t->unit;
    if (!strcmp(key, "base-value"))
        return t->base_value;
    if (!strcmp(key, "base-unit"))
        return t->base_unit;
    if (!strcmp(key, "comparator"))
        return nqx_cmp_names[t->comparator];
    if (!strcmp(key, "change"))
        return t->change ? nqx_change_names[t->change] : "none";
    if (!strcmp(key, "kind"))
        return nqx_kind_names[t->kind];
    if (!strcmp(key, "indicator"))
        return t->indicator;
    if (!strcmp(key, "section"))
        return t->section;
    if (!strcmp(key, "rule"))
        return t->rule;
    if (!strcmp(key, "parent")) {
        if (!t->parent)
            return "none";
        snprintf(buf, size, "%zu", t->parent);
        return buf;
    }
    if (!strcmp(key, "line")) {
        snprintf(buf, size, "%zu", t->line);
        return buf;
    }
    (void)doc;
    return NULL;
}

static bool known_key(const char *key)
{
    static const char *const keys[] = {"value", "min", "max", "unit", "base-value",
                                       "base-unit", "comparator", "change", "kind",
                                       "indicator", "section", "rule", "parent", "line"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(key, keys[i]))
            return true;
    return false;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && **s == ' ')
        (*s)++;
    while (*e > *s && (*e)[-1] == ' ')
        (*e)--;
}

/* Calls check(key, value) for each "key=value" of s[0..n) separated by ';'. */
static bool each_pair(const char *s, size_t n,
                      bool (*check)(void *ctx, const char *key, const char *value), void *ctx)
{
    const char *end = s + n;
    while (s < end) {
        const char *semi = memchr(s, ';', (size_t)(end - s));
        const char *pe = semi ? semi : end;
        const char *eq = memchr(s, '=', (size_t)(pe - s));
        const char *ks = s, *ke = eq ? eq : pe;
        trim(&ks, &ke);
        if (ks < ke) {
            char key[64], value[512];
            snprintf(key, sizeof key, "%.*s", (int)(ke - ks), ks);
            const char *vs = eq ? eq + 1 : pe, *ve = pe;
            trim(&vs, &ve);
            snprintf(value, sizeof value, "%.*s", (int)(ve - vs), vs);
            if (!check(ctx, key, value))
                return false;
        }
        s = semi ? semi + 1 : end;
    }
    return true;
}

struct target_check {
    const nqx_doc *doc;
    const nqx_target *t;
    size_t index;
    char *why;
    size_t why_size;
};

static bool check_target_pair(void *ctx, const char *key, const char *value)
{
    struct target_check *c = ctx;
    if (!known_key(key)) {
        snprintf(c->why, c->why_size, "unknown attribute '%s' in the expectation", key);
        return false;
    }
    char buf[64];
    const char *got = target_attr(c->doc, c->t, key, buf, sizeof buf);
    if (!got)
        got = "none";
    if (strcmp(got, value)) {
        snprintf(c->why, c->why_size, "target %zu: %s is '%s', expected '%s'", c->index + 1,
                 key, got, value);
        return false;
    }
    return true;
}

static size_t count_targets(const char *expect)
{
    size_t n = 1;
    for (const char *p = expect; *p; p++)
        n += *p == '|';
    return n;
}

static bool check_targets(const nqx_doc *doc, const char *expect, char *why, size_t size)
{
    if (!*expect)
        return true;
    if (!strcmp(expect, "none")) {
        if (doc->ntargets) {
            snprintf(why, size, "expected no target, found %zu (first: %s %s)", doc->ntargets,
                     doc->targets[0].value ? doc->targets[0].value : doc->targets[0].min,
                     doc->targets[0].unit);
            return false;
        }
        return true;
    }
    size_t want = count_targets(expect);
    if (doc->ntargets != want) {
        snprintf(why, size, "expected %zu target%s, found %zu", want, want == 1 ? "" : "s",
                 doc->ntargets);
        for (size_t i = 0; i < doc->ntargets && strlen(why) + 80 < size; i++) {
            size_t o = strlen(why);
            const nqx_target *t = &doc->targets[i];
            snprintf(why + o, size - o, "%s %s %s %s", i ? ";" : ":",
                     t->value ? t->value : t->min, t->unit, nqx_cmp_names[t->comparator]);
        }
        return false;
    }
    const char *s = expect;
    for (size_t i = 0; i < want; i++) {
        const char *bar = strchr(s, '|');
        size_t n = bar ? (size_t)(bar - s) : strlen(s);
        struct target_check c = {doc, &doc->targets[i], i, why, size};
        if (!each_pair(s, n, check_target_pair, &c))
            return false;
        s = bar ? bar + 1 : s + n;
    }
    return true;
}

/* ---- Dates, references, metadata ----------------------------------- */

static const char *date_attr(const nqx_date *d, const char *key, char *buf, size_t size)
{
    if (!strcmp(key, "date"))
        return d->value;
    if (!strcmp(key, "role"))
        return nqx_date_role_names[d->role];
    if (!strcmp(key, "text"))
        return d->text;
    if (!strcmp(key, "rule"))
        return d->rule;
    if (!strcmp(key, "baseline"))
        return d->baseline ? "yes" : "no";
    if (!strcmp(key, "line")) {
        snprintf(buf, size, "%zu", d->line);
        return buf;
    }
    return NULL;
}

static const char *ref_attr(const nqx_ref *r, const char *key, char *buf, size_t size)
{
    (void)buf, (void)size;
    if (!strcmp(key, "ref"))
        return r->number ? r->number : "none";
    if (!strcmp(key, "type"))
        return r->type ? r->type : "none";
    if (!strcmp(key, "issuer"))
        return r->issuer ? r->issuer : "none";
    if (!strcmp(key, "date"))
        return r->date ? r->date : "none";
    if (!strcmp(key, "text"))
        return r->text;
    if (!strcmp(key, "rule"))
        return r->rule;
    return NULL;
}

static const char *meta_attr(const nqx_meta *m, const char *key, char *buf, size_t size)
{
    const char *v = NULL;
    if (!strcmp(key, "type"))
        v = m->type;
    else if (!strcmp(key, "type-name"))
        v = m->type_name;
    else if (!strcmp(key, "number"))
        v = m->number;
    else if (!strcmp(key, "issuer"))
        v = m->issuer;
    else if (!strcmp(key, "superior"))
        v = m->superior;
    else if (!strcmp(key, "place"))
        v = m->place;
    else if (!strcmp(key, "date"))
        v = m->date;
    else if (!strcmp(key, "title"))
        v = m->title;
    else if (!strcmp(key, "authority"))
        v = m->signer_authority;
    else if (!strcmp(key, "position"))
        v = m->signer_position;
    else if (!strcmp(key, "name"))
        v = m->signer_name;
    else if (!strcmp(key, "recipient"))
        v = m->nrecipients ? m->recipients[0] : NULL;
    else if (!strcmp(key, "recipients")) {
        snprintf(buf, size, "%zu", m->nrecipients);
        return buf;
    } else if (!strcmp(key, "number-blank"))
        return m->number_blank ? "yes" : "no";
    else if (!strcmp(key, "date-blank"))
        return m->date_blank ? "yes" : "no";
    else
        return NULL;
    return v ? v : "none";
}

static const char *body_attr(const nqx_body *b, const char *key, char *buf, size_t size)
{
    if (!strcmp(key, "body"))
        return b->name;
    if (!strcmp(key, "abbr"))
        return b->abbr ? b->abbr : "none";
    if (!strcmp(key, "kind"))
        return b->kind ? b->kind : "none";
    if (!strcmp(key, "id"))
        return b->id;
    if (!strcmp(key, "collective"))
        return b->collective ? "yes" : "no";
    if (!strcmp(key, "mentions")) {
        snprintf(buf, size, "%zu", b->nmentions);
        return buf;
    }
    return NULL;
}

/* Appends item to buf, after " + " when buf holds something: several
 * leads, supports or deadlines are written so in expectations. */
static void join(char *buf, size_t size, const char *item)
{
    size_t o = strlen(buf);
    snprintf(buf + o, size - o, "%s%s", o ? " + " : "", item);
}

/* The names of bodies (1-based indexes), joined; "none" for none. */
static const char *body_names(const nqx_doc *doc, const size_t *v, size_t n, char *buf,
                              size_t size)
{
    if (!n)
        return "none";
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        join(buf, size, doc->bodies[v[i] - 1].name);
    return buf;
}

static const char *task_attr(const nqx_doc *doc, const nqx_task *t, const char *key, char *buf,
                             size_t size)
{
    if (!strcmp(key, "lead"))
        return body_names(doc, t->leads, t->nleads, buf, size);
    if (!strcmp(key, "support"))
        return body_names(doc, t->support, t->nsupport, buf, size);
    if (!strcmp(key, "deadline")) {
        if (!t->ndeadlines && !t->recurrence)
            return "none";
        buf[0] = '\0';
        for (size_t i = 0; i < t->ndeadlines; i++)
            join(buf, size, t->deadlines[i]);
        if (t->recurrence)
            join(buf, size, t->recurrence);
        return buf;
    }
    if (!strcmp(key, "section"))
        return t->section ? t->section : "none";
    if (!strcmp(key, "text"))
        return t->text;
    if (!strcmp(key, "line")) {
        snprintf(buf, size, "%zu", t->line);
        return buf;
    }
    return NULL;
}

enum finding { FIND_TARGETS, FIND_DATES, FIND_REFS, FIND_META, FIND_BODIES, FIND_TASKS };

struct finding_check {
    const nqx_doc *doc;
    enum finding what;
    size_t index;
    char *why;
    size_t why_size;
};

static bool check_finding_pair(void *ctx, const char *key, const char *value)
{
    struct finding_check *c = ctx;
    char buf[512];
    const char *got = NULL;
    if (c->what == FIND_BODIES)
        got = body_attr(&c->doc->bodies[c->index], key, buf, sizeof buf);
    else if (c->what == FIND_TASKS)
        got = task_attr(c->doc, &c->doc->tasks[c->index], key, buf, sizeof buf);
    else if (c->what == FIND_DATES)
        got = date_attr(&c->doc->dates[c->index], key, buf, sizeof buf);
    else if (c->what == FIND_REFS)
        got = ref_attr(&c->doc->refs[c->index], key, buf, sizeof buf);
    else
        got = meta_attr(&c->doc->meta, key, buf, sizeof buf);
    if (!got) {
        snprintf(c->why, c->why_size, "unknown key '%s' in the expectation", key);
        return false;
    }
    if (strcmp(got, value)) {
        snprintf(c->why, c->why_size, "finding %zu: %s is '%s', expected '%s'", c->index + 1,
                 key, got, value);
        return false;
    }
    return true;
}

/* Dates and references: like targets, a list separated by '|', or "none". */
static bool check_findings(const nqx_doc *doc, enum finding what, const char *expect, char *why,
                           size_t size)
{
    if (!*expect)
        return true;
    size_t have = what == FIND_DATES    ? doc->ndates
                  : what == FIND_REFS   ? doc->nrefs
                  : what == FIND_BODIES ? doc->nbodies
                  : what == FIND_TASKS  ? doc->ntasks
                                        : 1;
    size_t want = strcmp(expect, "none") ? count_targets(expect) : 0;
    if (have != want) {
        snprintf(why, size, "expected %zu finding%s, found %zu", want, want == 1 ? "" : "s",
                 have);
        for (size_t i = 0; i < have && what != FIND_META && strlen(why) + 80 < size; i++) {
            size_t o = strlen(why);
            const char *what_text =
                what == FIND_DATES    ? doc->dates[i].value
                : what == FIND_BODIES ? doc->bodies[i].name
                : what == FIND_TASKS  ? (doc->tasks[i].nleads ? doc->bodies[doc->tasks[i].leads[0] - 1].name : "-")
                : doc->refs[i].number ? doc->refs[i].number
                                      : doc->refs[i].text;
            snprintf(why + o, size - o, "%s %s", i ? ";" : ":", what_text);
        }
        return false;
    }
    const char *s = expect;
    for (size_t i = 0; i < want; i++) {
        const char *bar = strchr(s, '|');
        size_t n = bar ? (size_t)(bar - s) : strlen(s);
        struct finding_check c = {doc, what, i, why, size};
        if (!each_pair(s, n, check_finding_pair, &c))
            return false;
        s = bar ? bar + 1 : s + n;
    }
    return true;
}

struct group_check {
    struct matcher *m;
    const struct pattern *p;
    const char *subject;
    char *why;
    size_t why_size;
};

static bool check_group_pair(void *ctx, const char *key, const char *value)
{
    struct group_check *c = ctx;
    size_t s, e;
    if (!group_span(c->m, c->p, key, &s, &e)) {
        snprintf(c->why, c->why_size, "group '%s' is not set, expected '%s'", key, value);
        return false;
    }
    if (strlen(value) != e - s || strncmp(c->subject + s, value, e - s)) {
        snprintf(c->why, c->why_size, "group '%s' is '%.*s', expected '%s'", key,
                 (int)(e - s), c->subject + s, value);
        return false;
    }
    return true;
}

static bool check_layout(struct matcher *m, const struct rule *ru, const nqx_example *ex,
                         const nqx_doc *doc, char *why, size_t size)
{
    const char *line = doc->norm ? doc->norm : "";
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    bool hit = pattern_match(m, &ru->pattern, line, len, 0, 0);
    /* Furniture is a whole line, never the start of one. */
    if (hit && ru->role == ROLE_FURNITURE)
        hit = pcre2_get_ovector_pointer(m->md)[1] == len;
    if (ex->counter) {
        if (hit)
            snprintf(why, size, "the pattern matches a counter-example");
        return !hit;
    }
    if (!hit) {
        snprintf(why, size, "the pattern does not match");
        return false;
    }
    struct group_check c = {m, &ru->pattern, line, why, size};
    return each_pair(ex->expect, strlen(ex->expect), check_group_pair, &c);
}

bool nqx_rules_check_example(const nqx_rules *rules, const nqx_example *ex, nqx_doc *doc,
                             char *why, size_t why_size)
{
    why[0] = '\0';
    size_t idx = SIZE_MAX;
    for (size_t i = 0; i < rules->nrules; i++)
        if (!strcmp(rules->rules[i].id, ex->rule))
            idx = i;
    if (idx == SIZE_MAX) {
        snprintf(why, why_size, "no rule %s", ex->rule);
        return false;
    }
    const struct rule *ru = &rules->rules[idx];
    struct matcher m;
    matcher_init(&m, rules, doc);
    bool ok;
    if (ru->role == ROLE_SECTION || ru->role == ROLE_BLOCK || ru->role == ROLE_FURNITURE) {
        ok = check_layout(&m, ru, ex, doc, why, why_size);
    } else {
        struct fired f = {idx, false};
        m.trace = on_trace;
        m.trace_ctx = &f;
        rules_run(&m, doc);
        if (ex->counter && f.hit) {
            snprintf(why, why_size, "the rule takes part on a counter-example");
            ok = false;
        } else if (!ex->counter && !f.hit) {
            snprintf(why, why_size, "the rule does not take part");
            ok = false;
        } else if (ru->role == ROLE_DATE || ru->role == ROLE_DATE_ROLE) {
            ok = check_findings(doc, FIND_DATES, ex->expect, why, why_size);
        } else if (ru->role == ROLE_REFERENCE || ru->role == ROLE_REF_ISSUER) {
            ok = check_findings(doc, FIND_REFS, ex->expect, why, why_size);
        } else if (ru->role == ROLE_BODY) {
            ok = check_findings(doc, FIND_BODIES, ex->expect, why, why_size);
        } else if (ru->role == ROLE_TASK) {
            ok = check_findings(doc, FIND_TASKS, ex->expect, why, why_size);
        } else if (ru->role == ROLE_META) {
            ok = !*ex->expect || check_findings(doc, FIND_META, ex->expect, why, why_size);
        } else {
            ok = check_targets(doc, ex->expect, why, why_size);
        }
    }
    matcher_fini(&m);
    return ok;
}
