/* libFuzzer target: arbitrary bytes through the whole pipeline. Every input
 * must end in a valid, well-formed record or a clean error, never a crash,
 * a hang or undefined behaviour (the build adds ASan and UBSan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "extract/extract.h"
#include "normalize/normalize.h"
#include "output/output.h"
#include "rules/rules.h"

static nqx_rules *rules;
static nqx_matcher *matcher;
static nqx_schema *schema;
static nqx_charmaps *charmaps;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char *dir = nqx_rules_locate(NULL), *xsd = nqx_schema_locate();
    nqx_error err = {0};
    if (!dir || nqx_rules_load(dir, &rules, &err) || !xsd ||
        nqx_schema_load(xsd, &schema, &err)) {
        fprintf(stderr, "fuzz: cannot load rules or schema: %s\n", err.message);
        abort();
    }
    free(dir);
    free(xsd);
    dir = nqx_charmaps_locate(NULL);
    if (!dir || nqx_charmaps_load(dir, &charmaps, &err)) {
        fprintf(stderr, "fuzz: cannot load the character maps: %s\n", err.message);
        abort();
    }
    free(dir);
    matcher = nqx_matcher_new(rules);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nqx_doc *doc = nqx_doc_new("fuzz");
    nqx_error err = {0};
    nqx_normalize_opts opts = nqx_rules_normalize_opts(matcher);
    nqx_extract_opts xopts = {NULL, charmaps}; /* detection, as the CLI does */
    if (!nqx_extract_bytes_opts(doc, (const char *)data, size, &xopts, &err) &&
        !nqx_normalize(doc, &opts, &err) && !nqx_rules_apply(rules, doc, &err)) {
        size_t len;
        char *xml = nqx_record_xml(doc, &len);
        if (nqx_schema_validate(schema, xml, len, "fuzz", &err)) {
            fprintf(stderr, "fuzz: invalid record: %s\n", err.message);
            abort();
        }
        free(xml);
    }
    nqx_doc_free(doc);
    return 0;
}
