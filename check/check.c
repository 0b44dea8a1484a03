/* The draft checks: the driver, and the checks that read the findings of
 * the rules stage (dates, targets, the parts of the layout). */
#include "check/check_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucasemap.h>

const char *const nqx_severity_names[] = {"note", "warning", "error"};

const char *const nqx_check_ids[] = {
    "date.invalid",          "date.order",           "numbering.gap",
    "numbering.order",       "target.conflict",      "target.rate-over-100",
    "part.missing-number",   "part.missing-date",    "part.missing-title",
    "part.missing-recipients", "part.missing-signer", "tone.mixed",
    "text.nfd",              "text.invalid-char",    "abbr.unknown",
    NULL,
};

bool nqx_check_known(const char *id)
{
    for (size_t i = 0; nqx_check_ids[i]; i++)
        if (!strcmp(nqx_check_ids[i], id))
            return true;
    return false;
}

bool check_enabled(const struct checker *c, const char *id)
{
    for (size_t i = 0; i < c->ndisabled; i++)
        if (!strcmp(c->disabled[i], id))
            return false;
    return true;
}

/* The whole message, however long the text it quotes: cut to a fixed
 * buffer, it could end inside a UTF-8 character (invalid JSON and SARIF). */
static char *vformat(const char *fmt, va_list ap)
{
    nqx_buf b = {0};
    nqx_buf_vprintf(&b, fmt, ap);
    nqx_buf_reserve(&b, 0);
    return nqx_buf_steal(&b);
}

bool check_has_room(const struct checker *c, const char *id)
{
    return check_reported(c, id) < MAX_PER_CHECK;
}

nqx_finding *check_report(struct checker *c, const char *id, nqx_severity sev, size_t line,
                          size_t column, const char *fmt, ...)
{
    if (!check_has_room(c, id))
        return NULL;
    nqx_findings *o = c->out;
    void *p = o->items;
    nqx_grow(&p, &o->cap, o->n + 1, sizeof *o->items);
    o->items = p;
    nqx_finding *f = &o->items[o->n++];
    memset(f, 0, sizeof *f);
    f->id = id;
    f->severity = sev;
    f->line = line;
    f->column = column;
    va_list ap;
    va_start(ap, fmt);
    f->message = vformat(fmt, ap);
    va_end(ap);
    return f;
}

void check_note(nqx_finding *f, size_t line, size_t column, const char *fmt, ...)
{
    if (!f)
        return;
    f->note_line = line;
    f->note_column = column;
    va_list ap;
    va_start(ap, fmt);
    free(f->note);
    f->note = vformat(fmt, ap);
    va_end(ap);
}

size_t check_reported(const struct checker *c, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < c->out->n; i++)
        n += !strcmp(c->out->items[i].id, id);
    return n;
}

void nqx_findings_free(nqx_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->items[i].message), free(f->items[i].note);
    free(f->items);
    memset(f, 0, sizeof *f);
}

size_t nqx_findings_count(const nqx_findings *f, nqx_severity severity)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->items[i].severity == severity;
    return n;
}

/* ---- Dates ---------------------------------------------------------------- */

/* The rules stage leaves out a date that does not exist and warns; the
 * warning names this check. */
static void check_invalid_dates(struct checker *c)
{
    const nqx_doc *doc = c->doc;
    for (size_t i = 0; i < doc->ndiags; i++) {
        const nqx_diag *d = &doc->diags[i];
        if (d->check && !strcmp(d->check, "date.invalid"))
            check_report(c, "date.invalid", NQX_ERROR, d->line, d->column,
                         _("'%s' is not a date that exists"), d->subject ? d->subject : "");
    }
}

/* The first and the last day an ISO 8601 value (day, month, year, or
 * start/end) covers, as comparable "YYYY-MM-DD" strings. */
static void iso_bounds(const char *value, char first[11], char last[11])
{
    const char *slash = strchr(value, '/');
    size_t n1 = slash ? (size_t)(slash - value) : strlen(value);
    const char *v2 = slash ? slash + 1 : value;
    size_t n2 = strlen(v2);
    snprintf(first, 11, "%.*s%s", (int)(n1 > 10 ? 10 : n1), value,
             n1 == 4 ? "-01-01" : n1 == 7 ? "-01" : "");
    snprintf(last, 11, "%.*s%s", (int)(n2 > 10 ? 10 : n2), v2,
             n2 == 4 ? "-12-31" : n2 == 7 ? "-31" : "");
}

/* Does a date's text write its year? One left out ("trước ngày 15 tháng
 * 12 hằng năm") is a recurring date, its year guessed. */
static bool writes_year(const char *text)
{
    size_t run = 0;
    for (const char *p = text; *p; p++) {
        run = *p >= '0' && *p <= '9' ? run + 1 : 0;
        if (run == 4)
            return true;
    }
    return false;
}

/* Is the date the deadline of a task? */
static bool task_deadline(const nqx_doc *doc, const nqx_date *d)
{
    for (size_t i = 0; i < doc->ntasks; i++) {
        const nqx_task *t = &doc->tasks[i];
        if (d->start < t->start || d->end > t->end)
            continue;
        for (size_t k = 0; k < t->ndeadlines; k++)
            if (!strcmp(t->deadlines[k], d->value))
                return true;
    }
    return false;
}

/* A meeting after the date of issue, a deadline before it. A deadline is
 * a task's, or a day or a month: "trước năm 2010" in a review of the past
 * says when something was built, not when it is due. */
static void check_date_order(struct checker *c)
{
    const nqx_doc *doc = c->doc;
    if (!doc->meta.date)
        return;
    char issued[11], unused[11];
    iso_bounds(doc->meta.date, issued, unused);
    for (size_t i = 0; i < doc->ndates; i++) {
        const nqx_date *d = &doc->dates[i];
        if (d->baseline || (d->role != NQX_ROLE_MEETING && d->role != NQX_ROLE_DEADLINE))
            continue;
        if (d->role == NQX_ROLE_DEADLINE &&
            (!writes_year(d->text) || (strcspn(d->value, "/") < 7 && !task_deadline(doc, d))))
            continue;
        if (!check_has_room(c, "date.order"))
            return;
        char first[11], last[11];
        iso_bounds(d->value, first, last);
        size_t col;
        size_t line = nqx_doc_line(doc, d->start, &col);
        if (d->role == NQX_ROLE_MEETING && strcmp(first, issued) > 0)
            check_report(c, "date.order", NQX_ERROR, line, col,
                         _("the meeting on '%s' comes after the date of issue (%s)"), d->text,
                         doc->meta.date_text ? doc->meta.date_text : doc->meta.date);
        else if (d->role == NQX_ROLE_DEADLINE && strcmp(last, issued) < 0)
            check_report(c, "date.order", NQX_ERROR, line, col,
                         _("the deadline '%s' is before the date of issue (%s)"), d->text,
                         doc->meta.date_text ? doc->meta.date_text : doc->meta.date);
    }
}

/* ---- Targets ----------------------------------------------------------------- */

/* s in lower case with punctuation at its ends dropped and white space
 * collapsed: the indicator as a key. The caller frees it. */
static char *fold_indicator(UCaseMap *cm, const char *s)
{
    size_t n = strlen(s);
    char *low = nqx_xmalloc(n * 3 + 1);
    UErrorCode ec = U_ZERO_ERROR;
    int32_t m = cm ? ucasemap_utf8ToLower(cm, low, (int32_t)(n * 3 + 1), s, (int32_t)n, &ec)
                   : -1;
    if (!cm || U_FAILURE(ec) || m < 0) {
        memcpy(low, s, n + 1);
        m = (int32_t)n;
    }
    nqx_buf b = {0};
    bool space = false;
    for (int32_t i = 0; i < m; i++) {
        char ch = low[i];
        if (ch == ' ' || ch == '\n' || ch == '\t') {
            space = b.len > 0;
            continue;
        }
        if (strchr(",;:.-()\"", ch) && (b.len == 0 || i + 1 == m))
            continue;
        if (space)
            nqx_buf_addc(&b, ' ');
        space = false;
        nqx_buf_addc(&b, ch);
    }
    free(low);
    nqx_buf_reserve(&b, 0);
    return nqx_buf_steal(&b);
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* The quantity as a reader writes it: "1250 ha", "85-90 %". */
static void quantity_text(const nqx_target *t, char *out, size_t size)
{
    if (t->value)
        snprintf(out, size, "%s %s", t->value, or_empty(t->unit));
    else
        snprintf(out, size, "%s-%s %s", or_empty(t->min), or_empty(t->max), or_empty(t->unit));
}

static bool same_value(const nqx_target *a, const nqx_target *b)
{
    if (a->value || b->value)
        return a->value && b->value && strtod(a->value, NULL) == strtod(b->value, NULL);
    return !strcmp(or_empty(a->min), or_empty(b->min)) &&
           !strcmp(or_empty(a->max), or_empty(b->max));
}

/* An indicator of fewer words ("người dân" in "80% người dân được …") is
 * the counted noun, not what is measured: too vague to compare. */
#define MIN_INDICATOR_WORDS 3

static size_t words(const char *s)
{
    size_t n = 0;
    for (bool in = false; *s; s++) {
        if (*s == ' ')
            in = false;
        else if (!in)
            in = true, n++;
    }
    return n;
}

/* Two statements of one indicator, not the parts of one sentence: a
 * paragraph that runs "industry … growth 6.44%; services … growth 5.49%"
 * names its subjects once, and tasks of two bodies ("Hội Nông dân: admit
 * 500 members"; "Hội Phụ nữ: admit 650 members") count different things. */
static bool apart(const nqx_doc *doc, const nqx_target *a, const nqx_target *b)
{
    if (a->start >= b->start || !memchr(doc->norm + a->start, '\n', b->start - a->start))
        return false;
    if (a->task && b->task) {
        const nqx_task *ta = &doc->tasks[a->task - 1], *tb = &doc->tasks[b->task - 1];
        if (ta->nleads != tb->nleads)
            return false;
        for (size_t i = 0; i < ta->nleads; i++)
            if (ta->leads[i] != tb->leads[i])
                return false;
    }
    return true;
}

/* How many earlier statements of one indicator a target is compared with:
 * keeps the check linear when a text repeats one indicator thousands of
 * times (a table, a generated file). */
#define MAX_COMPARED 64

static char **sort_keys; /* for by_key: qsort has no context argument */

static int by_key(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_keys[x], sort_keys[y]);
    return c ? c : (x > y) - (x < y);
}

/* The same indicator (normalized), unit, kind, period, change and parent
 * indicator, given two different values, in two places. Targets are
 * grouped by indicator first, so that only statements of one indicator
 * are compared. */
static void check_target_conflicts(struct checker *c, char **keys)
{
    const nqx_doc *doc = c->doc;
    size_t *order = nqx_xcalloc(doc->ntargets, sizeof *order);
    for (size_t i = 0; i < doc->ntargets; i++)
        order[i] = i;
    sort_keys = keys;
    qsort(order, doc->ntargets, sizeof *order, by_key);
    sort_keys = NULL;
    for (size_t g = 0; g < doc->ntargets;) {
        size_t ge = g + 1;
        while (ge < doc->ntargets && !strcmp(keys[order[g]], keys[order[ge]]))
            ge++;
        for (size_t jj = g + 1; jj < ge && words(keys[order[g]]) >= MIN_INDICATOR_WORDS; jj++) {
            size_t j = order[jj];
            const nqx_target *b = &doc->targets[j];
            for (size_t ii = jj > g + MAX_COMPARED ? jj - MAX_COMPARED : g; ii < jj; ii++) {
                size_t i = order[ii];
                const nqx_target *a = &doc->targets[i];
                if (a->kind != b->kind || a->change != b->change ||
                    strcmp(or_empty(a->unit), or_empty(b->unit)) ||
                    strcmp(or_empty(a->period), or_empty(b->period)) || same_value(a, b))
                    continue;
                const char *pa = a->parent ? keys[a->parent - 1] : "";
                const char *pb = b->parent ? keys[b->parent - 1] : "";
                if (strcmp(pa, pb) || !apart(doc, a, b))
                    continue;
                if (!check_has_room(c, "target.conflict"))
                    goto done;
                char qa[128], qb[128];
                quantity_text(a, qa, sizeof qa);
                quantity_text(b, qb, sizeof qb);
                size_t ca, cb;
                size_t la = nqx_doc_line(doc, a->start, &ca);
                size_t lb = nqx_doc_line(doc, b->start, &cb);
                nqx_finding *f = check_report(
                    c, "target.conflict", NQX_ERROR, lb, cb,
                    _("'%s' is %s here but %s on line %zu"), b->indicator, qb, qa, la);
                check_note(f, la, ca, _("'%s' is first given as %s here"), a->indicator, qa);
                break;
            }
        }
        g = ge;
    }
done:
    free(order);
}

static bool has_rate_word(const struct checker *c, const char *folded)
{
    const char *w;
    for (size_t i = 0; (w = nqx_rules_list_entry(c->rules, "check-rate-word", i, NULL)); i++)
        if (strstr(folded, w))
            return true;
    return false;
}

/* A share ("tỷ lệ …") above 100%. */
static void check_rates(struct checker *c, char **keys)
{
    const nqx_doc *doc = c->doc;
    for (size_t i = 0; i < doc->ntargets; i++) {
        const nqx_target *t = &doc->targets[i];
        if (!t->unit || strcmp(t->unit, "%") || t->change != NQX_CHANGE_NONE ||
            !has_rate_word(c, keys[i]))
            continue;
        const char *v = t->value ? t->value : t->max;
        if (v && strtod(v, NULL) > 100) {
            if (!check_has_room(c, "target.rate-over-100"))
                return;
            size_t col, line = nqx_doc_line(doc, t->start, &col);
            check_report(c, "target.rate-over-100", NQX_WARNING, line, col,
                         _("the rate '%s' is %s%%, above 100%%"), t->indicator, v);
        }
    }
}

static void check_targets(struct checker *c)
{
    const nqx_doc *doc = c->doc;
    if (!doc->ntargets)
        return;
    UErrorCode ec = U_ZERO_ERROR;
    UCaseMap *cm = ucasemap_open("vi", 0, &ec);
    if (U_FAILURE(ec))
        cm = NULL;
    char **keys = nqx_xcalloc(doc->ntargets, sizeof *keys);
    for (size_t i = 0; i < doc->ntargets; i++)
        keys[i] = fold_indicator(cm, or_empty(doc->targets[i].indicator));
    if (check_enabled(c, "target.conflict"))
        check_target_conflicts(c, keys);
    if (check_enabled(c, "target.rate-over-100"))
        check_rates(c, keys);
    for (size_t i = 0; i < doc->ntargets; i++)
        free(keys[i]);
    free(keys);
    ucasemap_close(cm);
}

/* ---- The parts of the layout (SPEC §5) ------------------------------------------ */

/* An HĐND resolution may carry the signer's position alone ("CHỦ TỊCH"). */
static bool position_alone_allowed(const nqx_meta *m)
{
    return m->type && !strcmp(m->type, "nghi-quyet") && m->issuer &&
           (strstr(m->issuer, "HỘI ĐỒNG NHÂN DÂN") || strstr(m->issuer, "Hội đồng nhân dân"));
}

/* The line under the type heading, when it reads as a subject (the rules
 * stop a title at words that also open a body, such as "Thực hiện"): a
 * short line that neither ends a sentence nor is a numbered heading. */
static bool subject_line(const nqx_doc *doc)
{
    const nqx_meta *m = &doc->meta;
    if (!m->type_name || !doc->norm)
        return false;
    size_t head = doc->norm_len < 8192 ? doc->norm_len : 8192;
    char *in = nqx_xstrndup(doc->norm, head);
    const char *at = strstr(in, m->type_name);
    const char *nl = at ? strchr(at, '\n') : NULL;
    bool yes = false;
    if (nl && nl[1] && nl[1] != '\n') {
        const char *e = strchr(nl + 1, '\n');
        size_t n = e ? (size_t)(e - nl - 1) : strlen(nl + 1);
        const char *l = nl + 1;
        size_t roman = strspn(l, "IVXLC");
        bool marker = (*l >= '0' && *l <= '9') || (roman && strchr(".)/ -", l[roman]));
        yes = n > 0 && n < 300 && !marker && !strchr(".:;", nl[n]);
    }
    free(in);
    return yes;
}

static void check_parts(struct checker *c)
{
    const nqx_doc *doc = c->doc;
    const nqx_meta *m = &doc->meta;
    /* A text with no type heading (a news item, a letter) has no layout to
     * check: SPEC §5 lays out typed documents. */
    if (!m->type)
        return;
    size_t type_line = m->title_start || m->title ? nqx_doc_line(doc, m->title_start, NULL) : 1;
    /* The last line with text: the end of the document in an editor. */
    size_t last_line = doc->nlines ? doc->nlines : 1;
    while (last_line > 1 && doc->line_starts[last_line - 1] >= doc->text_len - 1)
        last_line--;
    /* Without any header (issuer, number, place and date), the text is a
     * published excerpt rather than a draft: what the header lacks is a
     * warning then. */
    bool header = m->issuer || m->number || m->place || m->date;
    nqx_severity head_sev = header ? NQX_ERROR : NQX_WARNING;
    /* A number or a day left blank ("Số:    /KH-UBND", "ngày   tháng   năm
     * 2026") is a draft's: the office that issues it fills them in. */
    if (!m->number && !m->number_blank && check_enabled(c, "part.missing-number"))
        check_report(c, "part.missing-number", head_sev, 1, 0,
                     _("no document number ('Số: …') in the header; add the number and "
                       "symbol under the issuing body"));
    if (!m->date && !m->date_blank && !m->place && check_enabled(c, "part.missing-date"))
        check_report(c, "part.missing-date", head_sev, 1, 0,
                     _("no place and date of issue ('…, ngày … tháng … năm …') in the header"));
    if (!m->title && !subject_line(doc) && check_enabled(c, "part.missing-title"))
        check_report(c, "part.missing-title", NQX_ERROR, type_line, 0,
                     _("the type name '%s' has no subject (trích yếu) under it"),
                     or_empty(m->type_name));
    if (!m->nrecipients && check_enabled(c, "part.missing-recipients"))
        check_report(c, "part.missing-recipients", NQX_ERROR, last_line, 0,
                     _("no recipients block ('Nơi nhận:') at the end of the document"));
    if (check_enabled(c, "part.missing-signer")) {
        if (!m->signer_name && !m->signer_position)
            check_report(c, "part.missing-signer", NQX_ERROR, last_line, 0,
                         _("no signature block: give the signer's authority, position and "
                           "name"));
        else if (!m->signer_name)
            check_report(c, "part.missing-signer", NQX_ERROR, last_line, 0,
                         _("the signature block has no signer's name"));
        else if (!m->signer_authority && !m->signer_position)
            check_report(c, "part.missing-signer", NQX_ERROR, last_line, 0,
                         _("the signer has no position or authority above the name"));
        else if (!m->signer_authority && !position_alone_allowed(m))
            check_report(c, "part.missing-signer", NQX_WARNING, last_line, 0,
                         _("the signer's position has no authority before it (TM., KT., "
                           "T/M, K/T …)"));
    }
}

/* ---- Driver ---------------------------------------------------------------------- */

static bool before(const nqx_finding *x, const nqx_finding *y)
{
    return x->line < y->line || (x->line == y->line && x->column < y->column);
}

void nqx_check(const nqx_rules *rules, const nqx_doc *doc, const char *const *disabled,
               size_t ndisabled, nqx_findings *out)
{
    struct checker c = {rules, doc, disabled, ndisabled, out};
    size_t first = out->n;
    if (check_enabled(&c, "date.invalid"))
        check_invalid_dates(&c);
    if (check_enabled(&c, "date.order"))
        check_date_order(&c);
    check_numbering(&c);
    check_targets(&c);
    check_parts(&c);
    check_text(&c);
    /* A stable insertion sort: findings at one place keep the order the
     * checks reported them in; there are at most MAX_PER_CHECK per check. */
    for (size_t i = first + 1; i < out->n; i++) {
        nqx_finding f = out->items[i];
        size_t j = i;
        for (; j > first && before(&f, &out->items[j - 1]); j--)
            out->items[j] = out->items[j - 1];
        out->items[j] = f;
    }
}
