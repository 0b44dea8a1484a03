/* output/: the XML record of a document (SPEC §2, namespace urn:nqx:1),
 * written with libxml2's xmlTextWriter, and its validation against the
 * record's schema (output/nqx-record-1.xsd). */
#ifndef NQX_OUTPUT_H
#define NQX_OUTPUT_H

#include "model/document.h"

/* The record of doc as a NUL-terminated UTF-8 string (the caller frees it).
 * Characters XML 1.0 forbids and invalid UTF-8 in names never reach it. */
char *nqx_record_xml(const nqx_doc *doc, size_t *len);

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
