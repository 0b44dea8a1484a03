/* Helpers the test suites share: the whole pipeline on a string, with the
 * rule files of the source tree. Header-only; each suite is one program. */
#ifndef NQX_TEST_HELPERS_H
#define NQX_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "extract/extract.h"
#include "normalize/normalize.h"
#include "output/output.h"
#include "rules/rules.h"

static nqx_rules *test_rules;
static nqx_matcher *test_matcher;

static inline int load_test_rules(void **state)
{
    (void)state;
    char *dir = nqx_rules_locate(NULL);
    nqx_error err = {0};
    if (!dir || nqx_rules_load(dir, &test_rules, &err)) {
        fprintf(stderr, "cannot load rules from %s: %s\n", dir ? dir : "(none)", err.message);
        free(dir);
        return -1;
    }
    free(dir);
    test_matcher = nqx_matcher_new(test_rules);
    return 0;
}

static inline int free_test_rules(void **state)
{
    (void)state;
    nqx_matcher_free(test_matcher);
    nqx_rules_free(test_rules);
    return 0;
}

/* Loads the record schema of the source tree into *out. */
static inline int load_test_schema(nqx_schema **out)
{
    char *path = nqx_schema_locate();
    nqx_error err = {0};
    int rc = path && !nqx_schema_load(path, out, &err) ? 0 : -1;
    if (rc)
        fprintf(stderr, "cannot load schema: %s\n", path ? err.message : "not found");
    free(path);
    return rc;
}

/* The rules and the record schema, for suites that check records. */
static nqx_schema *test_schema;

static inline int load_test_rules_and_schema(void **state)
{
    return load_test_rules(state) || load_test_schema(&test_schema) ? -1 : 0;
}

static inline int free_test_rules_and_schema(void **state)
{
    nqx_schema_free(test_schema);
    return free_test_rules(state);
}

/* Extracts and normalizes text (with the rules' layout), without rules
 * when with_rules is false. The caller frees the document. */
static inline nqx_doc *normalize_text(const char *text, size_t len, bool with_rules)
{
    nqx_doc *doc = nqx_doc_new("test.txt");
    nqx_error err = {0};
    nqx_normalize_opts opts = nqx_rules_normalize_opts(test_matcher);
    if (nqx_extract_bytes(doc, text, len, &err) ||
        nqx_normalize(doc, with_rules ? &opts : NULL, &err)) {
        fprintf(stderr, "pipeline failed: %s\n", err.message);
        nqx_doc_free(doc);
        return NULL;
    }
    return doc;
}

/* The whole pipeline: text in, document with targets out. */
static inline nqx_doc *convert_text(const char *text)
{
    nqx_doc *doc = normalize_text(text, strlen(text), true);
    nqx_error err = {0};
    if (doc && nqx_rules_apply(test_rules, doc, &err)) {
        nqx_doc_free(doc);
        return NULL;
    }
    return doc;
}

/* Reads a whole file; the caller frees. */
static inline char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    nqx_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nqx_buf_add(&b, chunk, n);
    fclose(f);
    if (!b.data)
        nqx_buf_reserve(&b, 0);
    *len = b.len;
    return nqx_buf_steal(&b);
}

/* What a run of the nqx binary gave: its exit status and what it wrote. */
struct nqx_run {
    int status;
    char *out;
    char *err;
};

static inline void free_nqx_run(struct nqx_run *r)
{
    free(r->out);
    free(r->err);
}

/* Runs $NQX_BIN (default build/nqx) with args (NULL-terminated), standard
 * input from stdin_path (NULL: /dev/null), its output kept in files of dir.
 * When lang is not NULL it is the only locale setting the program sees
 * (LANG), else the environment is left as it is. */
static inline struct nqx_run run_nqx_in(const char *dir, const char *stdin_path,
                                        const char *const *args, const char *lang)
{
    const char *bin = getenv("NQX_BIN") ? getenv("NQX_BIN") : "build/nqx";
    char out_path[256], err_path[256];
    snprintf(out_path, sizeof out_path, "%s/stdout", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);
    pid_t pid = fork();
    if (pid < 0)
        return (struct nqx_run){-1, NULL, NULL};
    if (pid == 0) {
        const char *argv[32] = {bin};
        size_t n = 1;
        for (; args[n - 1] && n < 31; n++)
            argv[n] = args[n - 1];
        argv[n] = NULL;
        if (lang) {
            unsetenv("LANGUAGE"), unsetenv("LC_ALL"), unsetenv("LC_MESSAGES");
            setenv("LANG", lang, 1);
        }
        if (!freopen(stdin_path ? stdin_path : "/dev/null", "r", stdin) ||
            !freopen(out_path, "w", stdout) || !freopen(err_path, "w", stderr))
            _exit(99);
        execv(bin, (char *const *)argv);
        _exit(98);
    }
    int status;
    waitpid(pid, &status, 0);
    struct nqx_run r = {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), NULL,
                        NULL};
    size_t len;
    r.out = read_file(out_path, &len);
    r.err = read_file(err_path, &len);
    return r;
}

#endif
