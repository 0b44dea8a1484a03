/* output/: the XML record of a document (SPEC §2, namespace urn:nqx:1),
 * written with libxml2's xmlTextWriter, and its validation against the
 * record's schema (output/nqx-record-1.xsd). */
#ifndef NQX_OUTPUT_H
#define NQX_OUTPUT_H

#include "model/document.h"

/* The record of doc as a NUL-terminated UTF-8 string (the caller frees it).
 * Characters XML 1.0 forbids and invalid UTF-8 in names never reach it. */
char *nqx_record_xml(const nqx_doc *doc, size_t *len);

/* A diagnostic the HTML view shows at its line (from check/). */
typedef struct nqx_html_note {
    size_t line;
    const char *severity; /* "error", "warning", "note" */
    const char *id;
    const char *message;
} nqx_html_note;

/* One self-contained HTML page (inline CSS, no script, no network): the
 * original text, line by line (id "L12"), with the targets, dates, bodies
 * and references highlighted (their record fields in a tooltip shown on
 * hover and on focus), the notes under their lines, and a table of the
 * targets linking to their lines. The caller frees the result. */
char *nqx_record_html(const nqx_doc *doc, const nqx_html_note *notes, size_t nnotes,
                      size_t *len);

/* Where the schema is: the installed data directory, else output/ in the
 * source tree. Returns a new string, or NULL when neither exists. */
char *nqx_schema_locate(void);

/* A loaded schema, to validate many records. */
typedef struct nqx_schema nqx_schema;
nqx_status nqx_schema_load(const char *path, nqx_schema **out, nqx_error *err);
void nqx_schema_free(nqx_schema *schema);

/* Checks that xml is well-formed and valid; on failure err names the line
 * of the record and the schema's complaint. name is used in messages. */
nqx_status nqx_schema_validate(const nqx_schema *schema, const char *xml, size_t len,
                               const char *name, nqx_error *err);

#endif
