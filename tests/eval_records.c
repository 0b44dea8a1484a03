/* Measures the dates, cited documents and metadata nqx finds against hand
 * annotations (corpus/NAME.dates, NAME.refs, NAME.meta; format in
 * corpus/ANNOTATION.md).
 *
 *   eval_records [-v] [--rules DIR] FILE.txt...
 *
 * Dates: a found date matches an annotated one with the same line and ISO
 * value; precision, recall, and among the matched how often the role agrees.
 * Every value found must be valid ISO 8601 (checked here with a pattern of
 * its own, not the program's). References: a found reference matches an
 * annotated one on the same line with the same number (or, for one without
 * a number, the same type); recall, and of the matched how often type, date
 * and issuer agree. Metadata: every annotated field compared as text;
 * fields reported that the annotation does not have count as wrong. -v
 * lists every difference. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"
#include "normalize/normalize.h"
#include "rules/rules.h"

#define FIELDS 5

/* One annotation row: up to FIELDS tab-separated fields. */
struct row {
    char f[FIELDS][1024];
    bool used;
};

/* The annotations are written as the document writes (old tone style
 * included); the record is NFC and new style by contract (SPEC §2), so
 * annotated text is normalized the same way before it is compared. */
static void normalize_field(char *f, size_t size)
{
    size_t n;
    char *norm = nqx_normalize_string(f, strlen(f), &n);
    if (!norm)
        return;
    if (n >= size)
        n = nqx_utf8_floor(norm, size - 1);
    memcpy(f, norm, n);
    f[n] = '\0';
    free(norm);
}

static size_t read_rows(const char *path, struct row **out)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return (size_t)-1;
    size_t n = 0, cap = 0;
    struct row *v = NULL;
    char line[2048];
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            v = realloc(v, cap * sizeof *v);
            if (!v)
                abort();
        }
        struct row *r = &v[n++];
        memset(r, 0, sizeof *r);
        char *s = line;
        for (int i = 0; i < FIELDS && s; i++) {
            char *tab = strchr(s, '\t');
            if (tab)
                *tab = '\0';
            size_t len = strlen(s);
            if (len >= sizeof r->f[i])
                len = sizeof r->f[i] - 1;
            memcpy(r->f[i], s, len);
            r->f[i][len] = '\0';
            normalize_field(r->f[i], sizeof r->f[i]);
            s = tab ? tab + 1 : NULL;
        }
    }
    fclose(fp);
    *out = v;
    return n;
}

/* The rows of the annotation NAME.ext beside NAME.txt; (size_t)-1 when
 * there is none. */
static size_t read_annotation(const char *txt, const char *ext, struct row **rows)
{
    char path[1024];
    snprintf(path, sizeof path, "%.*s.%s", (int)(strlen(txt) - 4), txt, ext);
    return read_rows(path, rows);
}

struct totals {
    size_t dates_found, dates_expected, dates_matched, dates_role, dates_bad_iso;
    size_t refs_found, refs_expected, refs_matched, refs_type, refs_date, refs_issuer;
    size_t meta_fields, meta_right, meta_extra;
    size_t bodies_found, bodies_expected, bodies_matched; /* named bodies */
    size_t coll_found, coll_expected, coll_matched;       /* collective references */
    size_t tasks_found, tasks_expected, tasks_matched, tasks_lead, tasks_support, tasks_deadline;
};

static regex_t iso;

static void eval_dates(const char *txt, const nqx_doc *doc, bool verbose, struct totals *t)
{
    struct row *rows = NULL;
    size_t n = read_annotation(txt, "dates", &rows);
    if (n == (size_t)-1)
        return;
    t->dates_found += doc->ndates;
    t->dates_expected += n;
    for (size_t i = 0; i < doc->ndates; i++) {
        const nqx_date *d = &doc->dates[i];
        if (regexec(&iso, d->value, 0, NULL, 0)) {
            t->dates_bad_iso++;
            printf("%s:%zu: not ISO 8601: %s\n", txt, d->line, d->value);
        }
        struct row *r = NULL;
        for (size_t k = 0; k < n && !r; k++)
            if (!rows[k].used && (size_t)atol(rows[k].f[0]) == d->line &&
                !strcmp(rows[k].f[1], d->value))
                r = &rows[k];
        if (!r) {
            if (verbose)
                printf("%s:%zu: extra date %s (%s) '%s'\n", txt, d->line, d->value,
                       nqx_date_role_names[d->role], d->text);
            continue;
        }
        r->used = true;
        t->dates_matched++;
        if (!strcmp(r->f[2], nqx_date_role_names[d->role]))
            t->dates_role++;
        else if (verbose)
            printf("%s:%zu: date %s: role %s, annotated %s\n", txt, d->line, d->value,
                   nqx_date_role_names[d->role], r->f[2]);
    }
    for (size_t k = 0; k < n; k++)
        if (!rows[k].used && verbose)
            printf("%s:%s: missed date %s (%s) '%s'\n", txt, rows[k].f[0], rows[k].f[1],
                   rows[k].f[2], rows[k].f[3]);
    free(rows);
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static void eval_refs(const char *txt, const nqx_doc *doc, bool verbose, struct totals *t)
{
    struct row *rows = NULL;
    size_t n = read_annotation(txt, "refs", &rows);
    if (n == (size_t)-1)
        return;
    t->refs_found += doc->nrefs;
    t->refs_expected += n;
    for (size_t i = 0; i < doc->nrefs; i++) {
        const nqx_ref *f = &doc->refs[i];
        struct row *r = NULL;
        for (size_t k = 0; k < n && !r; k++) {
            if (rows[k].used || (size_t)atol(rows[k].f[0]) != f->line)
                continue;
            /* Without a number, the type tells two citations on a line apart;
             * an annotated "-" (the annotator could not name it) matches any. */
            if (strcmp(rows[k].f[1], "-") ? !strcmp(rows[k].f[1], or_dash(f->number))
                                           : !f->number && (!strcmp(rows[k].f[2], "-") ||
                                                            !strcmp(rows[k].f[2], or_dash(f->type))))
                r = &rows[k];
        }
        if (!r) {
            if (verbose)
                printf("%s:%zu: extra ref %s %s '%s'\n", txt, f->line, or_dash(f->number),
                       or_dash(f->type), f->text);
            continue;
        }
        r->used = true;
        t->refs_matched++;
        bool ok_type = !strcmp(r->f[2], or_dash(f->type)) || !strcmp(r->f[2], "-");
        bool ok_issuer = !strcmp(r->f[3], or_dash(f->issuer));
        bool ok_date = !strcmp(r->f[4], or_dash(f->date));
        t->refs_type += ok_type;
        t->refs_issuer += ok_issuer;
        t->refs_date += ok_date;
        if (verbose && !(ok_type && ok_issuer && ok_date))
            printf("%s:%zu: ref %s: got %s | %s | %s, annotated %s | %s | %s\n", txt, f->line,
                   or_dash(f->number), or_dash(f->type), or_dash(f->issuer), or_dash(f->date),
                   r->f[2], r->f[3], r->f[4]);
    }
    for (size_t k = 0; k < n; k++)
        if (!rows[k].used && verbose)
            printf("%s:%s: missed ref %s %s %s %s\n", txt, rows[k].f[0], rows[k].f[1],
                   rows[k].f[2], rows[k].f[3], rows[k].f[4]);
    free(rows);
}

static const char *meta_field(const nqx_meta *m, const char *key)
{
    static const struct {
        const char *key;
        size_t offset;
    } fields[] = {
        {"type", offsetof(nqx_meta, type)},
        {"type-name", offsetof(nqx_meta, type_name)},
        {"number", offsetof(nqx_meta, number)},
        {"issuer", offsetof(nqx_meta, issuer)},
        {"superior", offsetof(nqx_meta, superior)},
        {"place", offsetof(nqx_meta, place)},
        {"date", offsetof(nqx_meta, date)},
        {"title", offsetof(nqx_meta, title)},
        {"signer-authority", offsetof(nqx_meta, signer_authority)},
        {"signer-position", offsetof(nqx_meta, signer_position)},
        {"signer-name", offsetof(nqx_meta, signer_name)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (!strcmp(fields[i].key, key))
            return *(const char *const *)((const char *)m + fields[i].offset);
    return NULL;
}

static const char *const meta_keys[] = {
    "type",  "type-name", "number", "issuer",           "superior",        "place",
    "date",  "title",     "signer-authority", "signer-position", "signer-name",
};

static void eval_meta(const char *txt, const nqx_doc *doc, bool verbose, struct totals *t)
{
    struct row *rows = NULL;
    size_t n = read_annotation(txt, "meta", &rows);
    if (n == (size_t)-1)
        return;
    const nqx_meta *m = &doc->meta;
    size_t nkeys = sizeof meta_keys / sizeof *meta_keys;
    for (size_t k = 0; k < nkeys; k++) {
        const char *key = meta_keys[k], *want = NULL, *got = meta_field(m, key);
        for (size_t i = 0; i < n && !want; i++)
            if (!strcmp(rows[i].f[0], key))
                want = rows[i].f[1];
        if (!want && !got)
            continue;
        if (!want) {
            t->meta_extra++;
            if (verbose)
                printf("%s: meta %s: reported '%s', not annotated\n", txt, key, got);
            continue;
        }
        t->meta_fields++;
        if (got && !strcmp(got, want))
            t->meta_right++;
        else if (verbose)
            printf("%s: meta %s: got '%s', annotated '%s'\n", txt, key, or_dash(got), want);
    }
    /* Recipients: each annotated one is a field. */
    bool *seen = calloc(m->nrecipients + 1, sizeof *seen);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].f[0], "recipient"))
            continue;
        t->meta_fields++;
        bool found = false;
        for (size_t r = 0; r < m->nrecipients && !found; r++)
            if (!seen[r] && !strcmp(m->recipients[r], rows[i].f[1]))
                found = seen[r] = true;
        if (found)
            t->meta_right++;
        else if (verbose)
            printf("%s: meta recipient '%s' not found\n", txt, rows[i].f[1]);
    }
    for (size_t r = 0; r < m->nrecipients; r++)
        if (!seen[r]) {
            t->meta_extra++;
            if (verbose)
                printf("%s: meta recipient '%s' reported, not annotated\n", txt,
                       m->recipients[r]);
        }
    free(seen);
    free(rows);
}

/* Named bodies (the measure: found with the right canonical name)
 * and collective references ("các ban, phòng, ngành", free phrases) are
 * counted apart. */
static void eval_bodies(const char *txt, const nqx_doc *doc, bool verbose, struct totals *t)
{
    struct row *rows = NULL;
    size_t n = read_annotation(txt, "bodies", &rows);
    if (n == (size_t)-1)
        return;
    for (size_t k = 0; k < n; k++) {
        if (strcmp(rows[k].f[1], "collective"))
            t->bodies_expected++;
        else
            t->coll_expected++;
    }
    for (size_t i = 0; i < doc->nbodies; i++) {
        const nqx_body *b = &doc->bodies[i];
        if (b->collective)
            t->coll_found++;
        else
            t->bodies_found++;
        struct row *r = NULL;
        for (size_t k = 0; k < n && !r; k++)
            if (!rows[k].used && !strcmp(rows[k].f[0], b->name))
                r = &rows[k];
        if (r) {
            r->used = true;
            if (strcmp(r->f[1], "collective"))
                t->bodies_matched++;
            else
                t->coll_matched++;
        } else if (verbose) {
            printf("%s:%zu: extra %s '%s'\n", txt, b->nmentions ? b->mentions[0].line : 0,
                   b->collective ? "collective" : "body", b->name);
        }
    }
    for (size_t k = 0; k < n; k++)
        if (!rows[k].used && verbose)
            printf("%s:%s: missed %s '%s'\n", txt, rows[k].f[2],
                   strcmp(rows[k].f[1], "collective") ? "body" : "collective", rows[k].f[0]);
    free(rows);
}

/* The supports of a task as "A; B" in the annotation's order-free form:
 * compared as sets. */
static bool same_support(const nqx_doc *doc, const nqx_task *task, const char *want)
{
    if (!strcmp(want, "-"))
        return task->nsupport == 0;
    size_t listed = 0;
    for (const char *s = want; *s;) {
        const char *semi = strstr(s, "; ");
        size_t len = semi ? (size_t)(semi - s) : strlen(s);
        bool found = false;
        for (size_t k = 0; k < task->nsupport && !found; k++) {
            const char *name = doc->bodies[task->support[k] - 1].name;
            found = strlen(name) == len && !strncmp(name, s, len);
        }
        if (!found)
            return false;
        listed++;
        s = semi ? semi + 2 : s + len;
    }
    return listed == task->nsupport;
}

/* A task with several leads (a subject naming several bodies) stands for
 * one annotated row per lead: each (line, lead) pair is matched to a row
 * with the same line and lead, else to a row on the same line. */
static void eval_tasks(const char *txt, const nqx_doc *doc, bool verbose, struct totals *t)
{
    struct row *rows = NULL;
    size_t n = read_annotation(txt, "tasks", &rows);
    if (n == (size_t)-1)
        return;
    t->tasks_expected += n;
    for (size_t i = 0; i < doc->ntasks; i++) {
        const nqx_task *task = &doc->tasks[i];
        /* One row per lead and per deadline (a date or a recurrence). */
        const char *deadlines[16];
        size_t nd = 0;
        for (size_t k = 0; k < task->ndeadlines && nd < 15; k++)
            deadlines[nd++] = task->deadlines[k];
        if (task->recurrence)
            deadlines[nd++] = task->recurrence;
        if (!nd)
            deadlines[nd++] = "-";
        for (size_t l = 0; l < (task->nleads ? task->nleads : 1); l++)
            for (size_t d = 0; d < nd; d++) {
                const char *lead = task->nleads ? doc->bodies[task->leads[l] - 1].name : "-";
                const char *deadline = deadlines[d];
                t->tasks_found++;
                struct row *r = NULL;
                for (size_t k = 0; k < n && !r; k++)
                    if (!rows[k].used && (size_t)atol(rows[k].f[0]) == task->line &&
                        !strcmp(rows[k].f[1], lead) && !strcmp(rows[k].f[3], deadline))
                        r = &rows[k];
                for (size_t k = 0; k < n && !r; k++)
                    if (!rows[k].used && (size_t)atol(rows[k].f[0]) == task->line &&
                        !strcmp(rows[k].f[1], lead))
                        r = &rows[k];
                for (size_t k = 0; k < n && !r; k++)
                    if (!rows[k].used && (size_t)atol(rows[k].f[0]) == task->line)
                        r = &rows[k];
                if (!r) {
                    if (verbose)
                        printf("%s:%zu: extra task led by '%s'\n", txt, task->line, lead);
                    continue;
                }
                r->used = true;
                t->tasks_matched++;
                bool ok_lead = !strcmp(r->f[1], lead);
                bool ok_support = same_support(doc, task, r->f[2]);
                bool ok_deadline = !strcmp(r->f[3], deadline);
                t->tasks_lead += ok_lead;
                t->tasks_support += ok_support;
                t->tasks_deadline += ok_deadline;
                if (verbose && !(ok_lead && ok_support && ok_deadline))
                    printf("%s:%zu: task: lead '%s' deadline %s, annotated '%s' %s (support %s)\n",
                           txt, task->line, lead, deadline, r->f[1], r->f[3], r->f[2]);
            }
    }
    for (size_t k = 0; k < n; k++)
        if (!rows[k].used && verbose)
            printf("%s:%s: missed task led by '%s'\n", txt, rows[k].f[0], rows[k].f[1]);
    free(rows);
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 1.0;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    const char *rules_dir = NULL;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "-v"))
            verbose = true;
        else if (!strcmp(argv[first], "--rules") && first + 1 < argc)
            rules_dir = argv[++first];
        else {
            fprintf(stderr, "usage: eval_records [-v] [--rules DIR] FILE.txt...\n");
            return 2;
        }
    }
    if (regcomp(&iso,
                "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
                "(/[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)?$",
                REG_EXTENDED | REG_NOSUB))
        return 2;
    char *dir = nqx_rules_locate(rules_dir);
    nqx_rules *rules = NULL;
    nqx_error err = {0};
    if (!dir || nqx_rules_load(dir, &rules, &err)) {
        fprintf(stderr, "eval_records: cannot load rules: %s\n", dir ? err.message : "none");
        free(dir);
        return 2;
    }
    free(dir);
    nqx_matcher *matcher = nqx_matcher_new(rules);
    struct totals t = {0};
    for (int i = first; i < argc; i++) {
        nqx_doc *doc = nqx_doc_new(argv[i]);
        nqx_normalize_opts opts = {nqx_rules_starts_block, matcher, nqx_rules_furniture};
        if (nqx_extract_file(doc, argv[i], &err) || nqx_normalize(doc, &opts, &err) ||
            nqx_rules_apply(rules, doc, &err)) {
            fprintf(stderr, "%s: %s\n", argv[i], err.message);
        } else {
            eval_dates(argv[i], doc, verbose, &t);
            eval_refs(argv[i], doc, verbose, &t);
            eval_meta(argv[i], doc, verbose, &t);
            eval_bodies(argv[i], doc, verbose, &t);
            eval_tasks(argv[i], doc, verbose, &t);
        }
        nqx_doc_free(doc);
    }
    printf("DATES: found %zu, expected %zu, matched (line and ISO value) %zu: precision %.3f "
           "recall %.3f; role right %.3f of matched; values not ISO 8601: %zu\n",
           t.dates_found, t.dates_expected, t.dates_matched,
           ratio(t.dates_matched, t.dates_found), ratio(t.dates_matched, t.dates_expected),
           ratio(t.dates_role, t.dates_matched), t.dates_bad_iso);
    printf("REFERENCES: found %zu, expected %zu, matched %zu: precision %.3f recall %.3f; of "
           "matched: type %.3f date %.3f issuer %.3f\n",
           t.refs_found, t.refs_expected, t.refs_matched, ratio(t.refs_matched, t.refs_found),
           ratio(t.refs_matched, t.refs_expected), ratio(t.refs_type, t.refs_matched),
           ratio(t.refs_date, t.refs_matched), ratio(t.refs_issuer, t.refs_matched));
    printf("META: %zu of %zu annotated fields right (%.3f); %zu fields reported that the "
           "annotation does not have\n",
           t.meta_right, t.meta_fields, ratio(t.meta_right, t.meta_fields), t.meta_extra);
    if (t.bodies_expected)
        printf("BODIES: found %zu, expected %zu, with the right canonical name %zu: precision "
               "%.3f recall %.3f; collective references: found %zu, expected %zu, same "
               "phrase %zu\n",
               t.bodies_found, t.bodies_expected, t.bodies_matched,
               ratio(t.bodies_matched, t.bodies_found), ratio(t.bodies_matched, t.bodies_expected),
               t.coll_found, t.coll_expected, t.coll_matched);
    if (t.tasks_expected)
        printf("TASKS: found %zu, expected %zu, matched (line) %zu: precision %.3f recall %.3f; of "
               "matched: lead %.3f support %.3f deadline %.3f\n",
               t.tasks_found, t.tasks_expected, t.tasks_matched,
               ratio(t.tasks_matched, t.tasks_found), ratio(t.tasks_matched, t.tasks_expected),
               ratio(t.tasks_lead, t.tasks_matched), ratio(t.tasks_support, t.tasks_matched),
               ratio(t.tasks_deadline, t.tasks_matched));
    nqx_matcher_free(matcher);
    nqx_rules_free(rules);
    regfree(&iso);
    return 0;
}
