/* The document model: lifetime, warnings, and mapping positions back to the
 * original lines. */
#include "model/document.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const nqx_kind_names[] = {"target", "result", "estimate"};
const char *const nqx_cmp_names[] = {"eq", "ge", "gt", "le", "lt", "approx", "range"};
const char *const nqx_change_names[] = {NULL, "increase", "decrease", "exceed"};
const char *const nqx_date_role_names[] = {"period",    "issued",    "meeting",
                                           "deadline", "effective", "reference"};

nqx_status nqx_error_set(nqx_error *err, nqx_status st, const char *file, size_t line,
                         size_t column, long long offset, const char *fmt, ...)
{
    if (!err)
        return st;
    err->status = st;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

void nqx_error_format(const nqx_error *err, char *out, size_t size)
{
    nqx_buf b = {0};
    if (err->file[0])
        nqx_buf_printf(&b, "%s:", err->file);
    if (err->line) {
        nqx_buf_printf(&b, "%zu:", err->line);
        if (err->column)
            nqx_buf_printf(&b, "%zu:", err->column);
    }
    if (err->offset >= 0)
        nqx_buf_printf(&b, " offset %lld:", err->offset);
    if (b.len)
        nqx_buf_addc(&b, ' ');
    nqx_buf_adds(&b, err->message);
    snprintf(out, size, "%s", b.data);
    nqx_buf_free(&b);
}

nqx_doc *nqx_doc_new(const char *source)
{
    nqx_doc *doc = nqx_xcalloc(1, sizeof *doc);
    doc->source = nqx_xstrdup(source);
    snprintf(doc->encoding, sizeof doc->encoding, "UTF-8");
    return doc;
}

void nqx_doc_free(nqx_doc *doc)
{
    if (!doc)
        return;
    free(doc->source);
    free(doc->text);
    free(doc->line_starts);
    free(doc->norm);
    free(doc->anchors);
    free(doc->targets);
    free(doc->dates);
    free(doc->refs);
    free(doc->meta.recipients);
    for (size_t i = 0; i < doc->ndiags; i++)
        free(doc->diags[i].message);
    free(doc->diags);
    nqx_arena_free(&doc->arena);
    free(doc);
}

void nqx_doc_warn(nqx_doc *doc, size_t line, const char *fmt, ...)
{
    void *p = doc->diags;
    nqx_grow(&p, &doc->diags_cap, doc->ndiags + 1, sizeof *doc->diags);
    doc->diags = p;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    doc->diags[doc->ndiags].line = line;
    doc->diags[doc->ndiags].message = nqx_xstrdup(msg);
    doc->ndiags++;
}

nqx_target *nqx_doc_add_target(nqx_doc *doc)
{
    void *p = doc->targets;
    nqx_grow(&p, &doc->targets_cap, doc->ntargets + 1, sizeof *doc->targets);
    doc->targets = p;
    nqx_target *t = &doc->targets[doc->ntargets++];
    memset(t, 0, sizeof *t);
    return t;
}

nqx_date *nqx_doc_add_date(nqx_doc *doc)
{
    void *p = doc->dates;
    nqx_grow(&p, &doc->dates_cap, doc->ndates + 1, sizeof *doc->dates);
    doc->dates = p;
    nqx_date *d = &doc->dates[doc->ndates++];
    memset(d, 0, sizeof *d);
    return d;
}

nqx_ref *nqx_doc_add_ref(nqx_doc *doc)
{
    void *p = doc->refs;
    nqx_grow(&p, &doc->refs_cap, doc->nrefs + 1, sizeof *doc->refs);
    doc->refs = p;
    nqx_ref *r = &doc->refs[doc->nrefs++];
    memset(r, 0, sizeof *r);
    return r;
}

size_t nqx_doc_text_offset(const nqx_doc *doc, size_t norm_off)
{
    if (!doc->nanchors)
        return norm_off < doc->text_len ? norm_off : doc->text_len;
    /* Last anchor at or before norm_off. */
    size_t lo = 0, hi = doc->nanchors;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->anchors[mid].norm <= norm_off)
            lo = mid;
        else
            hi = mid;
    }
    const nqx_anchor *a = &doc->anchors[lo];
    size_t off = norm_off >= a->norm ? a->text + (norm_off - a->norm) : a->text;
    /* Never run past the next anchor's source position. */
    if (lo + 1 < doc->nanchors && off > doc->anchors[lo + 1].text)
        off = doc->anchors[lo + 1].text;
    return off < doc->text_len ? off : doc->text_len;
}

size_t nqx_doc_text_line(const nqx_doc *doc, size_t text_off)
{
    if (!doc->nlines)
        return 1;
    size_t lo = 0, hi = doc->nlines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->line_starts[mid] <= text_off)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

size_t nqx_doc_line(const nqx_doc *doc, size_t norm_off, size_t *column)
{
    size_t off = nqx_doc_text_offset(doc, norm_off);
    size_t line = nqx_doc_text_line(doc, off);
    if (column) {
        size_t start = doc->nlines ? doc->line_starts[line - 1] : 0;
        size_t col = 1;
        for (size_t i = start; i < off; i++)
            if (((unsigned char)doc->text[i] & 0xC0) != 0x80)
                col++;
        *column = col;
    }
    return line;
}
