/* The CPU time of each stage of the pipeline over a list of documents, the
 * best of a few runs: make bench prints it for each of its inputs, so that
 * where the time goes, and how much the rules may cost for nqx to be
 * faster than uconv, are measured rather than guessed. A benchmark: it
 * prints figures and asserts nothing.
 *
 *   bench_stages [-r RUNS] LIST     LIST: one document's path a line
 *
 * The last line gives, in seconds, the rules' time and the time of the
 * stages around them, for the script to read. Writing records to files is
 * not timed here: make bench's run of nqx itself includes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract/extract.h"
#include "normalize/normalize.h"
#include "output/output.h"
#include "rules/rules_int.h"

/* The stages, by index into the times: extract, normalize, each rules
 * engine (rules_engines, in its order) and the XML record last. */
enum { EXTRACT, NORMALIZE, RULES, STAGES_MAX = 16 };

static size_t xml_stage(void)
{
    return RULES + nrules_engines;
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One document through every stage, each stage's CPU time added to t. */
static void run_one(const char *path, const nqx_extract_opts *xo,
                    const nqx_normalize_opts *no, struct matcher *m, double *t)
{
    nqx_error err = {0};
    nqx_doc *doc = nqx_doc_new(path);
    double a = cpu_now();
    if (nqx_extract_file_opts(doc, path, xo, &err)) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        nqx_doc_free(doc);
        return;
    }
    double b = cpu_now();
    t[EXTRACT] += b - a;
    nqx_normalize(doc, no, &err);
    a = cpu_now();
    t[NORMALIZE] += a - b;
    matcher_reset(m, doc);
    for (size_t s = 0; s < nrules_engines; s++) {
        rules_engines[s].run(m, doc);
        b = cpu_now();
        t[RULES + s] += b - a;
        a = b;
    }
    matcher_reset(m, NULL);
    size_t len;
    free(nqx_record_xml(doc, &len));
    t[xml_stage()] += cpu_now() - a;
    nqx_doc_free(doc);
}

int main(int argc, char **argv)
{
    int runs = 3, arg = 1;
    if (argc > 2 && !strcmp(argv[1], "-r")) {
        runs = atoi(argv[2]);
        arg = 3;
    }
    FILE *list = arg < argc ? fopen(argv[arg], "r") : NULL;
    if (!list || runs < 1) {
        fprintf(stderr, "usage: bench_stages [-r RUNS] LIST\n");
        return 2;
    }
    nqx_error err = {0};
    nqx_rules *rules = NULL;
    nqx_charmaps *maps = NULL;
    char *dir = nqx_rules_locate(NULL), *maps_dir = nqx_charmaps_locate(NULL);
    if (!dir || nqx_rules_load(dir, &rules, &err) ||
        (maps_dir && nqx_charmaps_load(maps_dir, &maps, &err))) {
        fprintf(stderr, "bench_stages: %s\n", dir ? err.message : "no rules found");
        return 2;
    }
    free(dir);
    free(maps_dir);
    nqx_matcher *matcher = nqx_matcher_new(rules);
    struct matcher *m = (struct matcher *)matcher;
    nqx_extract_opts xo = {NULL, maps};
    nqx_normalize_opts no = nqx_rules_normalize_opts(matcher);

    size_t nstages = xml_stage() + 1;
    if (nstages > STAGES_MAX) {
        fprintf(stderr, "bench_stages: more than %d stages\n", STAGES_MAX);
        return 2;
    }
    double best[STAGES_MAX];
    char path[4096];
    for (int r = 0; r < runs; r++) {
        double t[STAGES_MAX] = {0};
        rewind(list);
        while (fgets(path, sizeof path, list)) {
            path[strcspn(path, "\n")] = '\0';
            if (*path)
                run_one(path, &xo, &no, m, t);
        }
        for (size_t s = 0; s < nstages; s++)
            best[s] = r == 0 || t[s] < best[s] ? t[s] : best[s];
    }
    fclose(list);
    double in_rules = 0, around = 0;
    printf("%-30s %8s\n", "stage (best of each)", "CPU s");
    for (size_t s = 0; s < nstages; s++) {
        bool rule = s >= RULES && s < xml_stage();
        const char *name = s == EXTRACT     ? "extract"
                           : s == NORMALIZE ? "normalize"
                           : rule           ? rules_engines[s - RULES].name
                                            : "XML record";
        printf("%s%-*s %8.3f\n", rule ? "rules: " : "", rule ? 23 : 30, name, best[s]);
        if (rule)
            in_rules += best[s];
        else
            around += best[s];
    }
    printf("%-30s %8.3f\n%-30s %8.3f\n", "the rules", in_rules, "the stages around them",
           around);
    printf("stages-total %.3f %.3f\n", in_rules, around);
    nqx_matcher_free(matcher);
    nqx_rules_free(rules);
    nqx_charmaps_free(maps);
    return 0;
}
