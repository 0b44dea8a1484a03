/* The XML record writer: one exported entry point, one static writer per
 * element of the record. */
#include "output/output.h"

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/utf8.h>


#define NS "urn:nqx:1"

/* XML 1.0 §2.2: the characters a document may contain. */
static bool xml_char(UChar32 c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* s as a string XML can carry: invalid UTF-8 becomes U+FFFD, characters
 * XML forbids are dropped. The caller frees the result. */
static char *xml_clean(const char *s)
{
    nqx_buf b = {0};
    size_t n = strlen(s);
    nqx_buf_reserve(&b, n);
    for (int32_t i = 0, len = (int32_t)n; i < len;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c < 0)
            nqx_buf_adds(&b, "\xEF\xBF\xBD");
        else if (xml_char(c))
            nqx_buf_add(&b, s + at, (size_t)(i - at));
    }
    return nqx_buf_steal(&b);
}

/* The run look_at reads at once: no character the writer escapes. */
static nqx_run_rows plain_rows;
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;

static void plain_rows_init(void)
{
    nqx_run_rows_init(&plain_rows, "&<>\"");
}

/* What s asks of the writer, read in one pass without copying: *safe, XML
 * can carry it as it is (almost every string can); *plain, it holds no
 * character XML escapes in an attribute or content (& < > " and the white
 * space an attribute keeps by reference), as ids, numbers and names do.
 * Returns its length. */
static size_t look_at(const char *s, bool *safe, bool *plain)
{
    *safe = *plain = true;
    pthread_once(&plain_once, plain_rows_init);
    for (size_t i = 0;;) {
        /* Letters and punctuation go by in runs; the character that stops
         * one (the NUL at the end among them) is read on its own. */
        i = nqx_utf8_run(&plain_rows, (const uint8_t *)s, i, SIZE_MAX);
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80) {
            if (c == '&' || c == '<' || c == '>' || c == '"')
                *plain = false;
            i++;
        } else if (c >= 0x80) {
            UChar32 cp;
            int32_t k = (int32_t)i;
            U8_NEXT(s, k, -1, cp); /* -1: up to the terminating NUL */
            if (cp < 0 || !xml_char(cp))
                *safe = false;
            i = (size_t)k;
        } else if (!c) {
            return i;
        } else {
            if (c == '\t' || c == '\n' || c == '\r')
                *plain = false;
            else
                *safe = false;
            i++;
        }
    }
}

/* Writes s into what is open (an element or an attribute): the characters
 * XML 1.0 forbids dropped, and the writer's escaping only where something
 * needs it (the writer's own escaping reads every character). */
static void text(xmlTextWriterPtr w, const char *s)
{
    bool safe, plain;
    size_t n = look_at(s, &safe, &plain);
    char *v = NULL;
    if (!safe) {
        v = xml_clean(s);
        n = look_at(v, &safe, &plain);
    }
    const char *t = v ? v : s;
    if (plain && n <= INT_MAX)
        xmlTextWriterWriteRawLen(w, BAD_CAST t, (int)n);
    else
        xmlTextWriterWriteString(w, BAD_CAST t);
    free(v);
}

static void attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    if (!value)
        return;
    xmlTextWriterStartAttribute(w, BAD_CAST name);
    text(w, value);
    xmlTextWriterEndAttribute(w);
}

/* An attribute whose value is a number after an optional letter ("12",
 * "t3"); written without printf, which costs more than the rest of it. */
static void attr_number(xmlTextWriterPtr w, const char *name, char prefix, size_t value)
{
    char buf[32], *p = buf + sizeof buf;
    *--p = '\0';
    do
        *--p = (char)('0' + value % 10);
    while (value /= 10);
    if (prefix)
        *--p = prefix;
    attr(w, name, p);
}

static void attr_size(xmlTextWriterPtr w, const char *name, size_t value)
{
    attr_number(w, name, 0, value);
}

static void element(xmlTextWriterPtr w, const char *name, const char *content)
{
    if (!content)
        return;
    xmlTextWriterStartElement(w, BAD_CAST name);
    text(w, content);
    xmlTextWriterEndElement(w);
}

static void write_target(xmlTextWriterPtr w, const nqx_target *t, size_t index)
{
    xmlTextWriterStartElement(w, BAD_CAST "target");
    attr_number(w, "id", 't', index + 1);
    attr_size(w, "line", t->line);
    attr(w, "section", t->section);
    attr(w, "kind", nqx_kind_names[t->kind]);
    attr(w, "comparator", nqx_cmp_names[t->comparator]);
    attr(w, "value", t->value);
    attr(w, "min", t->min);
    attr(w, "max", t->max);
    attr(w, "unit", t->unit);
    attr(w, "base-value", t->base_value);
    attr(w, "base-min", t->base_min);
    attr(w, "base-max", t->base_max);
    attr(w, "base-unit", t->base_unit);
    attr(w, "change", nqx_change_names[t->change]);
    attr(w, "period", t->period);
    if (t->task)
        attr_number(w, "task", 'k', t->task);
    if (t->parent)
        attr_number(w, "parent", 't', t->parent);
    attr(w, "rule", t->rule);
    element(w, "indicator", t->indicator);
    element(w, "text", t->text ? t->text : "");
    xmlTextWriterEndElement(w);
}

static void write_targets(xmlTextWriterPtr w, const nqx_doc *doc)
{
    xmlTextWriterStartElement(w, BAD_CAST "targets");
    for (size_t i = 0; i < doc->ntargets; i++)
        write_target(w, &doc->targets[i], i);
    xmlTextWriterEndElement(w);
}

static void write_meta(xmlTextWriterPtr w, const nqx_meta *m)
{
    if (!m->type_name && !m->number && !m->issuer && !m->date && !m->title &&
        !m->signer_name && !m->signer_position && !m->nrecipients)
        return;
    xmlTextWriterStartElement(w, BAD_CAST "meta");
    if (m->type_name) {
        xmlTextWriterStartElement(w, BAD_CAST "type");
        attr(w, "code", m->type);
        text(w, m->type_name);
        xmlTextWriterEndElement(w);
    }
    element(w, "number", m->number);
    if (m->issuer) {
        xmlTextWriterStartElement(w, BAD_CAST "issuer");
        attr(w, "superior", m->superior);
        text(w, m->issuer);
        xmlTextWriterEndElement(w);
    }
    element(w, "place", m->place);
    if (m->date) {
        xmlTextWriterStartElement(w, BAD_CAST "date");
        attr(w, "value", m->date);
        text(w, m->date_text ? m->date_text : m->date);
        xmlTextWriterEndElement(w);
    }
    element(w, "title", m->title);
    if (m->signer_name || m->signer_position || m->signer_authority) {
        xmlTextWriterStartElement(w, BAD_CAST "signer");
        attr(w, "authority", m->signer_authority);
        attr(w, "position", m->signer_position);
        text(w, m->signer_name ? m->signer_name : "");
        xmlTextWriterEndElement(w);
    }
    for (size_t i = 0; i < m->nrecipients; i++)
        element(w, "recipient", m->recipients[i]);
    xmlTextWriterEndElement(w);
}

static void write_dates(xmlTextWriterPtr w, const nqx_doc *doc)
{
    if (!doc->ndates)
        return;
    xmlTextWriterStartElement(w, BAD_CAST "dates");
    for (size_t i = 0; i < doc->ndates; i++) {
        const nqx_date *d = &doc->dates[i];
        xmlTextWriterStartElement(w, BAD_CAST "date");
        attr_size(w, "line", d->line);
        attr(w, "value", d->value);
        attr(w, "role", nqx_date_role_names[d->role]);
        if (d->baseline)
            attr(w, "baseline", "true");
        attr(w, "rule", d->rule);
        text(w, d->text);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
}

static void write_refs(xmlTextWriterPtr w, const nqx_doc *doc)
{
    if (!doc->nrefs)
        return;
    xmlTextWriterStartElement(w, BAD_CAST "references");
    for (size_t i = 0; i < doc->nrefs; i++) {
        const nqx_ref *r = &doc->refs[i];
        xmlTextWriterStartElement(w, BAD_CAST "ref");
        attr_size(w, "line", r->line);
        attr(w, "number", r->number);
        attr(w, "type", r->type);
        attr(w, "date", r->date);
        attr(w, "issuer", r->issuer);
        attr(w, "rule", r->rule);
        text(w, r->text);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
}

static void write_bodies(xmlTextWriterPtr w, const nqx_doc *doc)
{
    if (!doc->nbodies)
        return;
    xmlTextWriterStartElement(w, BAD_CAST "bodies");
    for (size_t i = 0; i < doc->nbodies; i++) {
        const nqx_body *b = &doc->bodies[i];
        xmlTextWriterStartElement(w, BAD_CAST "body");
        attr(w, "id", b->id);
        attr(w, "name", b->name);
        attr(w, "abbr", b->abbr);
        attr(w, "kind", b->kind);
        if (b->collective)
            attr(w, "collective", "true");
        for (size_t k = 0; k < b->nmentions; k++) {
            xmlTextWriterStartElement(w, BAD_CAST "mention");
            attr_size(w, "line", b->mentions[k].line);
            text(w, b->mentions[k].text);
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
}

static void body_ref(xmlTextWriterPtr w, const nqx_doc *doc, const char *element, size_t body)
{
    xmlTextWriterStartElement(w, BAD_CAST element);
    attr(w, "ref", doc->bodies[body - 1].id);
    xmlTextWriterEndElement(w);
}

static void write_tasks(xmlTextWriterPtr w, const nqx_doc *doc)
{
    if (!doc->ntasks)
        return;
    xmlTextWriterStartElement(w, BAD_CAST "tasks");
    for (size_t i = 0; i < doc->ntasks; i++) {
        const nqx_task *t = &doc->tasks[i];
        xmlTextWriterStartElement(w, BAD_CAST "task");
        attr_number(w, "id", 'k', i + 1);
        attr_size(w, "line", t->line);
        attr(w, "section", t->section);
        for (size_t k = 0; k < t->nleads; k++)
            body_ref(w, doc, "lead", t->leads[k]);
        for (size_t k = 0; k < t->nsupport; k++)
            body_ref(w, doc, "support", t->support[k]);
        element(w, "text", t->text ? t->text : "");
        for (size_t k = 0; k < t->ndeadlines; k++) {
            xmlTextWriterStartElement(w, BAD_CAST "deadline");
            attr(w, "value", t->deadlines[k]);
            xmlTextWriterEndElement(w);
        }
        if (t->recurrence) {
            xmlTextWriterStartElement(w, BAD_CAST "deadline");
            attr(w, "recurrence", t->recurrence);
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
}

/* The writer appends to an nqx_buf, which grows by doubling: a record of
 * any size is written in linear time. */
static int write_to_buf(void *ctx, const char *data, int len)
{
    nqx_buf_add(ctx, data, (size_t)len);
    return len;
}

static int close_buf(void *ctx)
{
    (void)ctx;
    return 0;
}

/* libxml2 sets up its global state once, before any thread writes. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

char *nqx_record_xml(const nqx_doc *doc, size_t *len)
{
    pthread_once(&xml_once, xmlInitParser);
    nqx_buf out = {0};
    nqx_buf_reserve(&out, 4096 + doc->ntargets * 512);
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(write_to_buf, close_buf, &out, NULL);
    xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;
    if (!w) {
        fprintf(stderr, "nqx: out of memory (XML writer)\n");
        abort();
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "document");
    attr(w, "xmlns", NS);
    attr(w, "source", doc->source);
    attr(w, "sha256", doc->sha256);
    attr(w, "encoding", doc->encoding);
    write_meta(w, &doc->meta);
    write_targets(w, doc);
    write_dates(w, doc);
    write_bodies(w, doc);
    write_tasks(w, doc);
    write_refs(w, doc);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w); /* flushes and closes the output buffer */
    if (len)
        *len = out.len;
    return nqx_buf_steal(&out);
}

char *nqx_schema_locate(void)
{
    return nqx_data_file("nqx-record-1.xsd", "output/nqx-record-1.xsd");
}
