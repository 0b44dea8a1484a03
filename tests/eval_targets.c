/* Measures the targets nqx finds against hand annotations (corpus/NAME.ann,
 * format in corpus/ANNOTATION.md).
 *
 *   eval_targets [-v] [--exact] [--rules DIR] FILE.txt...
 *
 * A found target matches an annotated one when line and value (or min..max)
 * are equal. Reports precision and recall of finding targets, and among the
 * matched ones how often comparator, kind, unit and change agree. -v lists
 * every difference. --exact exits 1 unless every document agrees on every
 * field (used by make check on the corpus, so that the expected records can
 * never drift from the human reading). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"
#include "normalize/normalize.h"
#include "rules/rules.h"

struct ann {
    size_t line;
    char cmp[16], value[64], unit[96], kind[16], change[16];
    char period[48]; /* "" when the annotation has no period column */
    bool used;
};

struct totals {
    size_t found, expected, matched, cmp, kind, unit, change;
    size_t periods, period_ok; /* matched targets whose annotation gives a period */
};

static size_t read_ann(const char *path, struct ann **out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return (size_t)-1;
    size_t n = 0, cap = 0;
    struct ann *v = NULL;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *fields[7] = {0};
        char *s = line;
        for (int i = 0; i < 7 && s; i++) {
            fields[i] = s;
            s = strchr(s, '\t');
            if (s)
                *s++ = '\0';
        }
        if (!fields[5])
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            v = realloc(v, cap * sizeof *v);
            if (!v)
                abort();
        }
        struct ann *a = &v[n++];
        memset(a, 0, sizeof *a);
        a->line = (size_t)strtoul(fields[0], NULL, 10);
        snprintf(a->cmp, sizeof a->cmp, "%s", fields[1]);
        snprintf(a->value, sizeof a->value, "%s", fields[2]);
        snprintf(a->unit, sizeof a->unit, "%s", fields[3]);
        snprintf(a->kind, sizeof a->kind, "%s", fields[4]);
        snprintf(a->change, sizeof a->change, "%s", fields[5]);
        snprintf(a->period, sizeof a->period, "%s", fields[6] ? fields[6] : "");
    }
    fclose(f);
    *out = v;
    return n;
}

static void value_of(const nqx_target *t, char *buf, size_t size)
{
    if (t->comparator == NQX_CMP_RANGE)
        snprintf(buf, size, "%s..%s", t->min, t->max);
    else
        snprintf(buf, size, "%s", t->value);
}

static bool eval_doc(const char *txt, const nqx_rules *rules, nqx_matcher *matcher,
                     bool verbose, struct totals *all)
{
    char annpath[1024];
    snprintf(annpath, sizeof annpath, "%.*s.ann", (int)(strlen(txt) - 4), txt);
    struct ann *anns = NULL;
    size_t nann = read_ann(annpath, &anns);
    if (nann == (size_t)-1) {
        fprintf(stderr, "%s: no annotation %s\n", txt, annpath);
        return false;
    }
    nqx_doc *doc = nqx_doc_new(txt);
    nqx_error err = {0};
    nqx_normalize_opts opts = {nqx_rules_starts_block, matcher, nqx_rules_furniture};
    if (nqx_extract_file(doc, txt, &err) || nqx_normalize(doc, &opts, &err) ||
        nqx_rules_apply(rules, doc, &err)) {
        fprintf(stderr, "%s: %s\n", txt, err.message);
        nqx_doc_free(doc);
        free(anns);
        return false;
    }
    struct totals t = {.found = doc->ntargets, .expected = nann};
    bool exact = true;
    for (size_t i = 0; i < doc->ntargets; i++) {
        const nqx_target *g = &doc->targets[i];
        char value[128];
        value_of(g, value, sizeof value);
        struct ann *a = NULL;
        for (size_t k = 0; k < nann && !a; k++)
            if (!anns[k].used && anns[k].line == g->line && !strcmp(anns[k].value, value))
                a = &anns[k];
        if (!a) {
            exact = false;
            if (verbose)
                printf("%s:%zu: extra: %s %s %s (%s)\n", txt, g->line,
                       nqx_cmp_names[g->comparator], value, g->unit, g->rule);
            continue;
        }
        a->used = true;
        t.matched++;
        const char *change = g->change ? nqx_change_names[g->change] : "-";
        bool ok_cmp = !strcmp(a->cmp, nqx_cmp_names[g->comparator]);
        bool ok_kind = !strcmp(a->kind, nqx_kind_names[g->kind]);
        bool ok_unit = !strcmp(a->unit, g->unit);
        bool ok_change = !strcmp(a->change, change);
        t.cmp += ok_cmp;
        t.kind += ok_kind;
        t.unit += ok_unit;
        t.change += ok_change;
        if (a->period[0]) {
            const char *got = g->period ? g->period : "-";
            t.periods++;
            if (!strcmp(got, a->period))
                t.period_ok++;
            else if (verbose)
                printf("%s:%zu: %s: period %s, annotated %s\n", txt, g->line, value, got,
                       a->period);
        }
        if (!(ok_cmp && ok_kind && ok_unit && ok_change)) {
            exact = false;
            if (verbose)
                printf("%s:%zu: %s: got %s %s %s %s, annotated %s %s %s %s\n", txt, g->line,
                       value, nqx_cmp_names[g->comparator], g->unit, nqx_kind_names[g->kind],
                       change, a->cmp, a->unit, a->kind, a->change);
        }
    }
    for (size_t k = 0; k < nann; k++)
        if (!anns[k].used) {
            exact = false;
            if (verbose)
                printf("%s:%zu: missed: %s %s %s %s\n", txt, anns[k].line, anns[k].cmp,
                       anns[k].value, anns[k].unit, anns[k].kind);
        }
    printf("%-44s found %3zu expected %3zu matched %3zu  cmp %3zu kind %3zu unit %3zu "
           "change %3zu\n",
           txt, t.found, t.expected, t.matched, t.cmp, t.kind, t.unit, t.change);
    all->found += t.found;
    all->expected += t.expected;
    all->matched += t.matched;
    all->cmp += t.cmp;
    all->kind += t.kind;
    all->unit += t.unit;
    all->change += t.change;
    all->periods += t.periods;
    all->period_ok += t.period_ok;
    nqx_doc_free(doc);
    free(anns);
    return exact;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 1.0;
}

int main(int argc, char **argv)
{
    bool verbose = false, require_exact = false;
    const char *rules_dir = NULL;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "-v"))
            verbose = true;
        else if (!strcmp(argv[first], "--exact"))
            require_exact = true;
        else if (!strcmp(argv[first], "--rules") && first + 1 < argc)
            rules_dir = argv[++first];
        else {
            fprintf(stderr, "usage: eval_targets [-v] [--exact] [--rules DIR] FILE.txt...\n");
            return 2;
        }
    }
    char *dir = nqx_rules_locate(rules_dir);
    nqx_rules *rules = NULL;
    nqx_error err = {0};
    if (!dir || nqx_rules_load(dir, &rules, &err)) {
        fprintf(stderr, "eval_targets: cannot load rules: %s\n", dir ? err.message : "none");
        free(dir);
        return 2;
    }
    free(dir);
    nqx_matcher *matcher = nqx_matcher_new(rules);
    struct totals all = {0};
    bool exact = true;
    for (int i = first; i < argc; i++)
        exact &= eval_doc(argv[i], rules, matcher, verbose, &all);
    printf("TOTAL: found %zu, expected %zu, matched %zu: precision %.3f recall %.3f; "
           "of matched: comparator %.3f kind %.3f unit %.3f change %.3f\n",
           all.found, all.expected, all.matched, ratio(all.matched, all.found),
           ratio(all.matched, all.expected), ratio(all.cmp, all.matched),
           ratio(all.kind, all.matched), ratio(all.unit, all.matched),
           ratio(all.change, all.matched));
    if (all.periods)
        printf("PERIODS: %zu of %zu matched targets with the annotated period (%.3f)\n",
               all.period_ok, all.periods, ratio(all.period_ok, all.periods));
    nqx_matcher_free(matcher);
    nqx_rules_free(rules);
    return require_exact && !exact ? 1 : 0;
}
