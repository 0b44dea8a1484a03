/* Inside the check stage: what its files share. Not for other stages. */
#ifndef NQX_CHECK_INT_H
#define NQX_CHECK_INT_H

#include <libintl.h>

#include "check/check.h"

/* Messages are English msgids translated through the "nqx" domain. */
#define _(s) dgettext("nqx", s)

/* How many findings of one check a document gets at most, for checks that
 * can fire on every line (a file in NFD): enough to see the pattern, short
 * enough to read. */
#define MAX_PER_CHECK 50

struct checker {
    const nqx_rules *rules;
    const nqx_doc *doc;
    const char *const *disabled;
    size_t ndisabled;
    nqx_findings *out;
};

bool check_enabled(const struct checker *c, const char *id);
/* Appends a finding and returns it so that a note can be attached; NULL
 * (and nothing appended) once id has MAX_PER_CHECK findings. */
nqx_finding *check_report(struct checker *c, const char *id, nqx_severity sev, size_t line,
                          size_t column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Attaches the related place to f (which may be NULL). */
void check_note(nqx_finding *f, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* How many findings of id so far. */
size_t check_reported(const struct checker *c, const char *id);
/* Has id room for another finding? A check asks before it computes a
 * column (a scan of the line): on a long line with thousands of findings
 * past the limit, that scan made the check quadratic. */
bool check_has_room(const struct checker *c, const char *id);

/* check/text.c: checks of the characters and words of the original text. */
void check_text(struct checker *c);

/* check/numbering.c: numbered headings and items in order, without gaps. */
void check_numbering(struct checker *c);

#endif
