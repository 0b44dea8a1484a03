/* check/: draft validation (`nqx check`, SPEC §1 and §5). Reads the
 * document model the other stages filled, and the original text, and says
 * what a careful reviewer would: a date that does not exist, a list
 * numbered I, II, IV, a target given two values, a missing part.
 *
 * Check ids are a contract (README lists them with an example each).
 * Messages are translated through gettext (text domain "nqx"); the caller
 * binds the domain. The Vietnamese vocabulary the checks need is in the
 * rule files (rules/97-check.rules and the gazetteer). */
#ifndef NQX_CHECK_H
#define NQX_CHECK_H

#include "model/document.h"
#include "rules/rules.h"

typedef enum nqx_severity { NQX_NOTE, NQX_WARNING, NQX_ERROR } nqx_severity;

/* "note", "warning", "error" (not translated: GCC's form). */
extern const char *const nqx_severity_names[];

/* One finding. A problem with a second place (the other value of a
 * conflicting target) carries it as a related note. */
typedef struct nqx_finding {
    const char *id; /* the check's id: "date.invalid" (static) */
    nqx_severity severity;
    size_t line, column; /* 1-based, in the original input; column 0: unknown */
    char *message;       /* translated */
    size_t note_line, note_column;
    char *note; /* the related place's message, or NULL */
} nqx_finding;

typedef struct nqx_findings {
    nqx_finding *items; /* sorted by line, then column */
    size_t n, cap;
} nqx_findings;

/* The ids of every check, NULL-terminated. */
extern const char *const nqx_check_ids[];
/* Is id one of them? */
bool nqx_check_known(const char *id);

/* Runs every check not in disabled (ndisabled ids) over doc, which went
 * through extract, normalize and rules with the same rules. Appends to out
 * (which starts zeroed); the caller frees it with nqx_findings_free. Cannot
 * fail: any input gives a list, maybe empty. */
void nqx_check(const nqx_rules *rules, const nqx_doc *doc, const char *const *disabled,
               size_t ndisabled, nqx_findings *out);
void nqx_findings_free(nqx_findings *f);

/* How many findings of this severity. */
size_t nqx_findings_count(const nqx_findings *f, nqx_severity severity);

#endif
