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
    for (size_t i = 0; i < doc->nbodies; i++)
        free(doc->bodies[i].mentions);
    free(doc->bodies);
    for (size_t i = 0; i < doc->ntasks; i++) {
        free(doc->tasks[i].support);
        free(doc->tasks[i].leads);
        free(doc->tasks[i].deadlines);
    }
    free(doc->tasks);
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

nqx_task *nqx_doc_add_task(nqx_doc *doc)
{
    void *p = doc->tasks;
    nqx_grow(&p, &doc->tasks_cap, doc->ntasks + 1, sizeof *doc->tasks);
    doc->tasks = p;
    nqx_task *t = &doc->tasks[doc->ntasks++];
    memset(t, 0, sizeof *t);
    return t;
}

size_t nqx_doc_body(nqx_doc *doc, const char *id, const char *name, const char *abbr,
                    const char *kind, bool collective)
{
    /* A document names tens of bodies: a linear search is the simplest. */
    for (size_t i = 0; i < doc->nbodies; i++)
        if (!strcmp(doc->bodies[i].name, name)) {
            if (!doc->bodies[i].abbr && abbr)
                doc->bodies[i].abbr = nqx_arena_strdup(&doc->arena, abbr);
            return i + 1;
        }
    void *p = doc->bodies;
    nqx_grow(&p, &doc->bodies_cap, doc->nbodies + 1, sizeof *doc->bodies);
    doc->bodies = p;
    nqx_body *b = &doc->bodies[doc->nbodies++];
    memset(b, 0, sizeof *b);
    /* Two names may give one id ("Phòng Văn hóa - Thông tin", "Phòng Văn
     * hóa, Thông tin"): ids stay unique, as the record's schema requires. */
    size_t same = 0;
    for (size_t i = 0; i + 1 < doc->nbodies; i++) {
        const char *other = doc->bodies[i].id;
        size_t n = strlen(id);
        same += !strncmp(other, id, n) && (!other[n] || other[n] == '-');
    }
    if (same) {
        char unique[200];
        snprintf(unique, sizeof unique, "%s-%zu", id, same + 1);
        b->id = nqx_arena_strdup(&doc->arena, unique);
    } else {
        b->id = nqx_arena_strdup(&doc->arena, id);
    }
    b->name = nqx_arena_strdup(&doc->arena, name);
    b->abbr = abbr ? nqx_arena_strdup(&doc->arena, abbr) : NULL;
    b->kind = kind;
    b->collective = collective;
    return doc->nbodies;
}

void nqx_doc_add_mention(nqx_doc *doc, size_t body, size_t line, const char *text,
                         size_t start, size_t end)
{
    nqx_body *b = &doc->bodies[body - 1];
    void *p = b->mentions;
    nqx_grow(&p, &b->mentions_cap, b->nmentions + 1, sizeof *b->mentions);
    b->mentions = p;
    b->mentions[b->nmentions++] = (nqx_mention){line, nqx_arena_strdup(&doc->arena, text), start, end};
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
