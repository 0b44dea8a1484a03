/* Helpers the test suites share: the whole pipeline on a string, with the
 * rule files of the source tree. Header-only; each suite is one program. */
#ifndef NQX_TEST_HELPERS_H
#define NQX_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Extracts and normalizes text (with the rules' layout), without rules
 * when with_rules is false. The caller frees the document. */
static inline nqx_doc *normalize_text(const char *text, size_t len, bool with_rules)
{
    nqx_doc *doc = nqx_doc_new("test.txt");
    nqx_error err = {0};
    nqx_normalize_opts opts = {nqx_rules_starts_block, test_matcher, nqx_rules_furniture};
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

#endif
