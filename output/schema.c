/* Validating records against the record's XML schema with libxml2. */
#include "output/output.h"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <string.h>

struct nqx_schema {
    xmlSchemaPtr schema;
};

/* The first error libxml2 reports, kept for the caller's message. */
struct first_error {
    bool set;
    int line;
    char message[400];
};

static void keep_first(void *ctx, xmlErrorPtr e)
{
    struct first_error *f = ctx;
    if (f->set || !e)
        return;
    f->set = true;
    f->line = e->line;
    snprintf(f->message, sizeof f->message, "%s", e->message ? e->message : "error");
    size_t n = strlen(f->message);
    while (n && (f->message[n - 1] == '\n' || f->message[n - 1] == ' '))
        f->message[--n] = '\0';
}

nqx_status nqx_schema_load(const char *path, nqx_schema **out, nqx_error *err)
{
    *out = NULL;
    struct first_error fe = {0};
    xmlSetStructuredErrorFunc(&fe, keep_first);
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(path);
    xmlSchemaPtr schema = pctx ? xmlSchemaParse(pctx) : NULL;
    xmlSchemaFreeParserCtxt(pctx);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!schema)
        return nqx_error_set(err, NQX_E_ENV, path, (size_t)(fe.line > 0 ? fe.line : 0), 0,
                             -1, "cannot load the record schema: %s",
                             fe.set ? fe.message : "unreadable");
    *out = nqx_xmalloc(sizeof **out);
    (*out)->schema = schema;
    return NQX_OK;
}

void nqx_schema_free(nqx_schema *schema)
{
    if (!schema)
        return;
    xmlSchemaFree(schema->schema);
    free(schema);
}

nqx_status nqx_schema_validate(const nqx_schema *schema, const char *xml, size_t len,
                               const char *name, nqx_error *err)
{
    /* Streaming: the reader validates as it reads, so memory stays bounded
     * by the depth of the record, not its size. */
    struct first_error fe = {0};
    xmlSetStructuredErrorFunc(&fe, keep_first);
    nqx_status st = NQX_OK;
    xmlTextReaderPtr r = len > INT32_MAX ? NULL
                                         : xmlReaderForMemory(xml, (int)len, name, NULL,
                                                              XML_PARSE_NONET);
    if (!r) {
        st = nqx_error_set(err, NQX_E_INPUT, name, 0, 0, -1, "record cannot be read");
    } else {
        xmlTextReaderSchemaValidateCtxt(r, NULL, 0);
        if (xmlTextReaderSetSchema(r, schema->schema) != 0) {
            st = nqx_error_set(err, NQX_E_ENV, name, 0, 0, -1, "cannot use the schema");
        } else {
            int rc;
            while ((rc = xmlTextReaderRead(r)) == 1)
                ;
            if (rc < 0 || !xmlTextReaderIsValid(r)) {
                bool parse = fe.set && fe.message[0] && rc < 0 && xmlTextReaderIsValid(r) != 0;
                st = nqx_error_set(err, NQX_E_INPUT, name,
                                   (size_t)(fe.line > 0 ? fe.line : 0), 0, -1, "%s: %s",
                                   parse ? "record is not well-formed XML"
                                         : "record does not match the schema",
                                   fe.set ? fe.message : "invalid");
            }
        }
        xmlFreeTextReader(r);
    }
    xmlSetStructuredErrorFunc(NULL, NULL);
    return st;
}
