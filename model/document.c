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
    free(doc->unlisted_cites);
    free(doc->meta.recipients);
    for (size_t i = 0; i < doc->ndiags; i++)
        free(doc->diags[i].message), free(doc->diags[i].subject);
    free(doc->diags);
    nqx_arena_free(&doc->arena);
    free(doc);
}

static nqx_diag *add_diag(nqx_doc *doc, size_t line, const char *fmt, va_list ap)
{
    void *p = doc->diags;
    nqx_grow(&p, &doc->diags_cap, doc->ndiags + 1, sizeof *doc->diags);
    doc->diags = p;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    nqx_diag *d = &doc->diags[doc->ndiags++];
    memset(d, 0, sizeof *d);
    d->line = line;
    d->message = nqx_xstrdup(msg);
    return d;
}

void nqx_doc_forget_warnings(nqx_doc *doc, size_t n)
{
    for (; doc->ndiags > n; doc->ndiags--)
        free(doc->diags[doc->ndiags - 1].message), free(doc->diags[doc->ndiags - 1].subject);
}

void nqx_doc_warn(nqx_doc *doc, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_diag(doc, line, fmt, ap);
    va_end(ap);
}

void nqx_doc_warn_line_check(nqx_doc *doc, size_t line, const char *check, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nqx_diag *d = add_diag(doc, line, fmt, ap);
    va_end(ap);
    d->check = check;
}

void nqx_doc_warn_check(nqx_doc *doc, const char *check, size_t start, size_t end,
                        const char *fmt, ...)
{
    size_t column;
    size_t line = nqx_doc_line(doc, start, &column);
    va_list ap;
    va_start(ap, fmt);
    nqx_diag *d = add_diag(doc, line, fmt, ap);
    va_end(ap);
    d->check = check;
    d->column = column;
    d->subject = nqx_xstrndup(doc->norm + start, end > start ? end - start : 0);
}

/* The array (n elements of size bytes, capacity *cap) with one more,
 * zeroed element at its end; *n counts it. The one way findings are added;
 * the caller stores the array back (it may have moved). */
static void *append_zeroed(void *array, size_t *n, size_t *cap, size_t size)
{
    nqx_grow(&array, cap, *n + 1, size);
    memset((char *)array + (*n)++ * size, 0, size);
    return array;
}

nqx_target *nqx_doc_add_target(nqx_doc *doc)
{
    doc->targets = append_zeroed(doc->targets, &doc->ntargets, &doc->targets_cap,
                                 sizeof *doc->targets);
    return &doc->targets[doc->ntargets - 1];
}

nqx_date *nqx_doc_add_date(nqx_doc *doc)
{
    doc->dates = append_zeroed(doc->dates, &doc->ndates, &doc->dates_cap, sizeof *doc->dates);
    return &doc->dates[doc->ndates - 1];
}

nqx_ref *nqx_doc_add_ref(nqx_doc *doc)
{
    doc->refs = append_zeroed(doc->refs, &doc->nrefs, &doc->refs_cap, sizeof *doc->refs);
    return &doc->refs[doc->nrefs - 1];
}

nqx_span *nqx_doc_add_unlisted_cite(nqx_doc *doc)
{
    doc->unlisted_cites =
        append_zeroed(doc->unlisted_cites, &doc->nunlisted_cites,
                      &doc->unlisted_cites_cap, sizeof *doc->unlisted_cites);
    return &doc->unlisted_cites[doc->nunlisted_cites - 1];
}

nqx_task *nqx_doc_add_task(nqx_doc *doc)
{
    doc->tasks = append_zeroed(doc->tasks, &doc->ntasks, &doc->tasks_cap, sizeof *doc->tasks);
    return &doc->tasks[doc->ntasks - 1];
}

size_t nqx_doc_find_body(const nqx_doc *doc, const char *name)
{
    /* A document names tens of bodies: a linear search is the simplest. */
    for (size_t i = 0; i < doc->nbodies; i++)
        if (!strcmp(doc->bodies[i].name, name))
            return i + 1;
    return 0;
}

size_t nqx_doc_body(nqx_doc *doc, const char *id, const char *name, const char *abbr,
                    const char *kind, bool collective)
{
    size_t known = nqx_doc_find_body(doc, name);
    if (known) {
        nqx_body *b = &doc->bodies[known - 1];
        if (!b->abbr && abbr)
            b->abbr = nqx_arena_strdup(&doc->arena, abbr);
        return known;
    }
    doc->bodies = append_zeroed(doc->bodies, &doc->nbodies, &doc->bodies_cap, sizeof *doc->bodies);
    nqx_body *b = &doc->bodies[doc->nbodies - 1];
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
    b->kind = kind && *kind ? nqx_arena_strdup(&doc->arena, kind) : NULL;
    b->collective = collective;
    return doc->nbodies;
}

void nqx_doc_add_mention(nqx_doc *doc, size_t body, size_t line, const char *text,
                         size_t start, size_t end)
{
    nqx_body *b = &doc->bodies[body - 1];
    b->mentions = append_zeroed(b->mentions, &b->nmentions, &b->mentions_cap, sizeof *b->mentions);
    b->mentions[b->nmentions - 1] =
        (nqx_mention){line, nqx_arena_strdup(&doc->arena, text), start, end};
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
    return nqx_last_at_most(doc->line_starts, doc->nlines, text_off) + 1;
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
