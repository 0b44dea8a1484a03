/* rules/: rule files loaded at run time, and the engine that turns their
 * matches into findings.
 *
 * The Vietnamese lives in the rule files (rules/NAME.rules: vocabulary lists
 * and PCRE2 patterns, each rule with examples); this stage is the engine.
 * The file format is described in rules/README.md. */
#ifndef NQX_RULES_H
#define NQX_RULES_H

#include "model/document.h"
#include "normalize/normalize.h"

/* A loaded, compiled set of rules. Read-only once loaded. */
typedef struct nqx_rules nqx_rules;

/* Loads and compiles every *.rules file in dir (in name order). A broken
 * file is an NQX_E_ENV error naming file:line and, for a pattern, PCRE2's
 * message and offset. Free the result with nqx_rules_free. */
nqx_status nqx_rules_load(const char *dir, nqx_rules **out, nqx_error *err);
void nqx_rules_free(nqx_rules *rules);

/* Where the rules are: explicit_dir if given, else $NQX_RULES, else the
 * installed data directory, else rules/ in the source tree the executable
 * was built in. Returns a new string (the caller frees it), or NULL when no
 * candidate directory exists. */
char *nqx_rules_locate(const char *explicit_dir);

/* Matching state (match data, limits, JIT stack) for one thread. */
typedef struct nqx_matcher nqx_matcher;
nqx_matcher *nqx_matcher_new(const nqx_rules *rules);
void nqx_matcher_free(nqx_matcher *matcher);

/* Does this cleaned line start a block of its own (a numbered item, an
 * article, a place-date line...)? For nqx_normalize_opts, with an
 * nqx_matcher as ctx. */
bool nqx_rules_starts_block(const char *line, size_t len, void *ctx);

/* Is this line (white space trimmed) page furniture, by the rules of role
 * `furniture`? For nqx_normalize_opts, with an nqx_matcher as ctx. */
nqx_furniture nqx_rules_furniture(const char *line, size_t len, void *ctx);

/* Does this cleaned line end with a word of the list "open-end" ("với",
 * "của"), one that needs the next line? With an nqx_matcher as ctx. */
bool nqx_rules_ends_open(const char *line, size_t len, void *ctx);

/* The options the normalize stage takes from the rules: the tests above,
 * with matcher as their context. */
nqx_normalize_opts nqx_rules_normalize_opts(nqx_matcher *matcher);

/* Fills doc->targets from doc->norm. Problems that do not stop the work
 * (a pattern that hit its match limit) become warnings on the document. */
nqx_status nqx_rules_apply(const nqx_rules *rules, nqx_doc *doc, nqx_error *err);
/* The same with a matcher of these rules, reused from one document to the
 * next (its buffers and JIT stack are kept): for batches. */
nqx_status nqx_matcher_apply(nqx_matcher *matcher, nqx_doc *doc, nqx_error *err);

/* Entry i of vocabulary list `list` of the rule files (NFC, new tone
 * style), or NULL past its end or when there is no such list; *value (when
 * not NULL) gets what follows "=" or NULL. The strings belong to rules. For
 * stages that read vocabulary without patterns (check/). */
const char *nqx_rules_list_entry(const nqx_rules *rules, const char *list, size_t i,
                                 const char **value);

/* The examples embedded in the rule files. */
typedef struct nqx_example {
    const char *rule;   /* id of the rule that carries it */
    const char *file;   /* where it is written */
    size_t line;
    const char *text;   /* the example text */
    const char *expect; /* what it must give ("" when nothing is said) */
    bool counter;       /* a counter-example: the rule must not fire */
} nqx_example;

size_t nqx_rules_example_count(const nqx_rules *rules);
const nqx_example *nqx_rules_example(const nqx_rules *rules, size_t i);

/* Runs the engine on doc (already extracted and normalized from the
 * example's text) and checks the example. Returns true when it holds;
 * otherwise writes why into why. */
bool nqx_rules_check_example(const nqx_rules *rules, const nqx_example *ex, nqx_doc *doc,
                             char *why, size_t why_size);

#endif
