/* The HTML view of a record: the original text with its findings
 * highlighted, written from the document model with libxml2's
 * xmlTextWriter (which escapes every text and attribute). One exported
 * entry point; the page needs no network and no script.
 *
 * Why from the model and not from the XML record through XSLT: the record
 * does not hold the text, and the highlights need the findings' spans,
 * which the record does not hold either; both are in the model. */
#include "output/output.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum span_class { SPAN_TARGET, SPAN_DATE, SPAN_BODY, SPAN_REF };
static const char *const span_classes[] = {"hl target", "hl date", "hl body", "hl ref"};

struct span {
    size_t s, e; /* in doc->text, inside one line */
    enum span_class cls;
    char *tip; /* the record's fields */
    size_t anchor; /* 1-based target index for an id, 0 for none */
};

struct spans {
    struct span *v;
    size_t n, cap;
};

static const char *css =
    "body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72em;padding:1em;"
    "color:#222;background:#fff}"
    "h1{font-size:1.3em}h2{font-size:1.1em;margin-top:2em}"
    ".legend span{margin-right:1em}"
    ".text{border:1px solid #ddd;padding:.5em 0}"
    ".line{display:flex;white-space:pre-wrap;word-break:break-word}"
    ".line:target{background:#fff6c8}"
    ".ln{flex:0 0 3.5em;text-align:right;padding-right:.8em;color:#999;text-decoration:none;"
    "user-select:none}"
    ".tx{flex:1}"
    "mark.hl{position:relative;border-radius:3px;padding:0 1px;color:inherit;cursor:help}"
    "mark.target{background:#ffd7a8}mark.date{background:#c9e8ff}"
    "mark.body{background:#d5f5d0}mark.ref{background:#ead6ff}"
    "mark.hl:focus{outline:2px solid #333}"
    "mark.hl:hover::after,mark.hl:focus::after{content:attr(data-tip);position:absolute;"
    "left:0;top:1.6em;z-index:9;min-width:18em;max-width:36em;white-space:pre-wrap;"
    "background:#333;color:#fff;font-size:13px;padding:.4em .6em;border-radius:4px}"
    ".diag{margin:.1em 0 .3em 4.3em;padding:.1em .5em;border-left:4px solid;font-size:14px}"
    ".diag.error{border-color:#c00;background:#fde8e8}"
    ".diag.warning{border-color:#d80;background:#fff3df}"
    ".diag.note{border-color:#06c;background:#e8f1fd}"
    "table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{border:1px solid #ccc;padding:.2em .4em;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}";

static void add_span(const nqx_doc *doc, struct spans *sp, size_t ns, size_t ne,
                     enum span_class cls, char *tip, size_t anchor)
{
    if (!doc->text || ne <= ns) {
        free(tip);
        return;
    }
    size_t s = nqx_doc_text_offset(doc, ns);
    size_t e = nqx_doc_text_offset(doc, ne - 1) + 1;
    /* Whole characters, inside the line of the first. */
    while (s > 0 && ((unsigned char)doc->text[s] & 0xC0) == 0x80)
        s--;
    while (e < doc->text_len && ((unsigned char)doc->text[e] & 0xC0) == 0x80)
        e++;
    const char *nl = memchr(doc->text + s, '\n', doc->text_len - s);
    size_t line_end = nl ? (size_t)(nl - doc->text) : doc->text_len;
    if (e > line_end)
        e = line_end;
    if (e <= s) {
        free(tip);
        return;
    }
    void *p = sp->v;
    nqx_grow(&p, &sp->cap, sp->n + 1, sizeof *sp->v);
    sp->v = p;
    sp->v[sp->n++] = (struct span){s, e, cls, tip, anchor};
}

static void tip_field(nqx_buf *b, const char *name, const char *value)
{
    if (value && *value)
        nqx_buf_printf(b, "%s%s: %s", b->len ? "\n" : "", name, value);
}

static char *target_tip(const nqx_doc *doc, size_t i)
{
    const nqx_target *t = &doc->targets[i];
    nqx_buf b = {0};
    char id[32];
    snprintf(id, sizeof id, "t%zu", i + 1);
    tip_field(&b, "target", id);
    tip_field(&b, "indicator", t->indicator);
    tip_field(&b, "value", t->value);
    tip_field(&b, "min", t->min);
    tip_field(&b, "max", t->max);
    tip_field(&b, "unit", t->unit);
    tip_field(&b, "comparator", nqx_cmp_names[t->comparator]);
    tip_field(&b, "kind", nqx_kind_names[t->kind]);
    tip_field(&b, "change", nqx_change_names[t->change]);
    tip_field(&b, "period", t->period);
    tip_field(&b, "section", t->section);
    tip_field(&b, "base-value", t->base_value);
    tip_field(&b, "base-unit", t->base_unit);
    tip_field(&b, "rule", t->rule);
    nqx_buf_reserve(&b, 0);
    return nqx_buf_steal(&b);
}

static void collect(const nqx_doc *doc, struct spans *sp)
{
    for (size_t i = 0; i < doc->ntargets; i++)
        add_span(doc, sp, doc->targets[i].start, doc->targets[i].end, SPAN_TARGET,
                 target_tip(doc, i), i + 1);
    for (size_t i = 0; i < doc->ndates; i++) {
        const nqx_date *d = &doc->dates[i];
        nqx_buf b = {0};
        tip_field(&b, "date", d->value);
        tip_field(&b, "role", nqx_date_role_names[d->role]);
        tip_field(&b, "baseline", d->baseline ? "true" : NULL);
        add_span(doc, sp, d->start, d->end, SPAN_DATE, nqx_buf_steal(&b), 0);
    }
    for (size_t i = 0; i < doc->nrefs; i++) {
        const nqx_ref *r = &doc->refs[i];
        nqx_buf b = {0};
        tip_field(&b, "reference", r->number ? r->number : "(no number)");
        tip_field(&b, "type", r->type);
        tip_field(&b, "date", r->date);
        tip_field(&b, "issuer", r->issuer);
        add_span(doc, sp, r->start, r->end, SPAN_REF, nqx_buf_steal(&b), 0);
    }
    for (size_t i = 0; i < doc->nbodies; i++) {
        const nqx_body *bd = &doc->bodies[i];
        for (size_t k = 0; k < bd->nmentions; k++) {
            nqx_buf b = {0};
            tip_field(&b, "body", bd->name);
            tip_field(&b, "id", bd->id);
            tip_field(&b, "kind", bd->kind);
            tip_field(&b, "abbr", bd->abbr);
            add_span(doc, sp, bd->mentions[k].start, bd->mentions[k].end, SPAN_BODY,
                     nqx_buf_steal(&b), 0);
        }
    }
}

static int by_start(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    if (x->e != y->e)
        return x->e > y->e ? -1 : 1; /* the outer one first */
    return x->cls < y->cls ? -1 : x->cls > y->cls;
}

/* Keeps spans that nest (a date inside a reference); one that overlaps
 * another partly is dropped: HTML elements cannot overlap. */
static void keep_nesting(struct spans *sp)
{
    if (!sp->n)
        return; /* sp->v is NULL: qsort's pointer must not be, even for none */
    qsort(sp->v, sp->n, sizeof *sp->v, by_start);
    size_t *stack = nqx_xcalloc(sp->n + 1, sizeof *stack), depth = 0, kept = 0;
    for (size_t i = 0; i < sp->n; i++) {
        struct span cur = sp->v[i];
        while (depth && sp->v[stack[depth - 1]].e <= cur.s)
            depth--;
        if (depth && (cur.e > sp->v[stack[depth - 1]].e ||
                      (cur.s == sp->v[stack[depth - 1]].s &&
                       cur.e == sp->v[stack[depth - 1]].e))) {
            free(cur.tip);
            continue;
        }
        sp->v[kept] = cur;
        stack[depth++] = kept++;
    }
    sp->n = kept;
    free(stack);
}

static void start(xmlTextWriterPtr w, const char *name, const char *cls)
{
    xmlTextWriterStartElement(w, BAD_CAST name);
    if (cls)
        xmlTextWriterWriteAttribute(w, BAD_CAST "class", BAD_CAST cls);
}

static void attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value);
}

/* Always with an end tag: <span/> means an open span in HTML. */
static void end(xmlTextWriterPtr w) { xmlTextWriterFullEndElement(w); }

static void text_range(xmlTextWriterPtr w, const char *s, size_t n)
{
    if (!n)
        return;
    char *copy = nqx_xstrndup(s, n);
    xmlTextWriterWriteString(w, BAD_CAST copy);
    free(copy);
}

/* A note and the line it is shown under (0: above the text, for a line
 * the document does not have). */
struct placed_note {
    size_t line;
    size_t order; /* its place among the notes: ties keep it */
    const nqx_html_note *note;
};

static int by_line(const void *a, const void *b)
{
    const struct placed_note *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* The notes in the order of their lines, so that the page is written in
 * one pass over the lines and the notes (looking through every note at
 * every line took lines times notes). The caller frees the array. */
static struct placed_note *place_notes(const nqx_html_note *notes, size_t nnotes, size_t nlines)
{
    struct placed_note *v = nqx_xcalloc(nnotes + 1, sizeof *v);
    for (size_t i = 0; i < nnotes; i++) {
        size_t l = notes[i].line;
        v[i] = (struct placed_note){l >= 1 && l <= nlines ? l : 0, i, &notes[i]};
    }
    qsort(v, nnotes, sizeof *v, by_line);
    return v;
}

/* Writes the notes of line from *next on, and moves *next past them. */
static void write_notes(xmlTextWriterPtr w, const struct placed_note *placed, size_t nnotes,
                        size_t line, size_t *next)
{
    for (; *next < nnotes && placed[*next].line == line; (*next)++) {
        const nqx_html_note *n = placed[*next].note;
        char cls[32];
        snprintf(cls, sizeof cls, "diag %s", n->severity);
        start(w, "div", cls);
        attr(w, "role", "note");
        start(w, "b", NULL);
        xmlTextWriterWriteString(w, BAD_CAST n->severity);
        end(w);
        xmlTextWriterWriteFormatString(w, ": %s [%s]", n->message, n->id);
        end(w);
    }
}

static void write_line(xmlTextWriterPtr w, const nqx_doc *doc, size_t l, const struct spans *sp,
                       size_t *next)
{
    size_t s = doc->line_starts[l];
    size_t e = l + 1 < doc->nlines ? doc->line_starts[l + 1] : doc->text_len;
    if (e > s && doc->text[e - 1] == '\n')
        e--;
    char id[32], num[32];
    snprintf(id, sizeof id, "L%zu", l + 1);
    snprintf(num, sizeof num, "%zu", l + 1);
    start(w, "div", "line");
    attr(w, "id", id);
    start(w, "a", "ln");
    snprintf(id, sizeof id, "#L%zu", l + 1);
    attr(w, "href", id);
    xmlTextWriterWriteString(w, BAD_CAST num);
    end(w);
    start(w, "span", "tx");
    size_t open_ends[64], depth = 0, at = s;
    while (*next < sp->n && sp->v[*next].s < s)
        (*next)++; /* (cannot happen: spans are inside lines) */
    for (;;) {
        size_t stop = e;
        if (depth && open_ends[depth - 1] < stop)
            stop = open_ends[depth - 1];
        if (*next < sp->n && sp->v[*next].s < stop)
            stop = sp->v[*next].s;
        text_range(w, doc->text + at, stop - at);
        at = stop;
        if (depth && open_ends[depth - 1] == at) {
            end(w);
            depth--;
            continue;
        }
        if (*next < sp->n && sp->v[*next].s == at && at < e) {
            const struct span *x = &sp->v[(*next)++];
            if (depth == sizeof open_ends / sizeof *open_ends)
                continue;
            start(w, "mark", span_classes[x->cls]);
            attr(w, "tabindex", "0");
            attr(w, "title", x->tip);
            attr(w, "data-tip", x->tip);
            if (x->anchor) {
                char tid[32];
                snprintf(tid, sizeof tid, "t%zu", x->anchor);
                attr(w, "data-target", tid);
            }
            open_ends[depth++] = x->e < e ? x->e : e;
            continue;
        }
        if (at >= e)
            break;
    }
    while (depth--)
        end(w);
    end(w); /* span.tx */
    end(w); /* div.line */
}

static void cell(xmlTextWriterPtr w, const char *text)
{
    start(w, "td", NULL);
    if (text)
        xmlTextWriterWriteString(w, BAD_CAST text);
    end(w);
}

static void write_targets(xmlTextWriterPtr w, const nqx_doc *doc)
{
    start(w, "h2", NULL);
    xmlTextWriterWriteFormatString(w, "Targets (%zu)", doc->ntargets);
    end(w);
    start(w, "table", "targets");
    start(w, "thead", NULL);
    start(w, "tr", NULL);
    static const char *const heads[] = {"id",   "indicator", "value", "unit",
                                        "comparator", "kind", "period", "line"};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        start(w, "th", NULL);
        xmlTextWriterWriteString(w, BAD_CAST heads[i]);
        end(w);
    }
    end(w);
    end(w);
    start(w, "tbody", NULL);
    for (size_t i = 0; i < doc->ntargets; i++) {
        const nqx_target *t = &doc->targets[i];
        char id[32], value[128], href[32], line[32];
        snprintf(id, sizeof id, "t%zu", i + 1);
        if (t->value)
            snprintf(value, sizeof value, "%s", t->value);
        else
            snprintf(value, sizeof value, "%s-%s", t->min ? t->min : "", t->max ? t->max : "");
        start(w, "tr", "target-row");
        attr(w, "id", id);
        cell(w, id);
        cell(w, t->indicator);
        cell(w, value);
        cell(w, t->unit);
        cell(w, nqx_cmp_names[t->comparator]);
        cell(w, nqx_kind_names[t->kind]);
        cell(w, t->period);
        start(w, "td", NULL);
        snprintf(href, sizeof href, "#L%zu", t->line);
        snprintf(line, sizeof line, "%zu", t->line);
        start(w, "a", NULL);
        attr(w, "href", href);
        xmlTextWriterWriteString(w, BAD_CAST line);
        end(w);
        end(w);
        end(w);
    }
    end(w);
    end(w);
}

char *nqx_record_html(const nqx_doc *doc, const nqx_html_note *notes, size_t nnotes,
                      size_t *len)
{
    struct spans sp = {0};
    collect(doc, &sp);
    keep_nesting(&sp);
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    if (!buf || !w)
        abort();
    xmlTextWriterWriteRaw(w, BAD_CAST "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n"
                                      "<meta charset=\"utf-8\">\n"
                                      "<meta name=\"viewport\" content=\"width=device-width\">\n");
    start(w, "title", NULL);
    xmlTextWriterWriteFormatString(w, "nqx: %s", doc->source ? doc->source : "");
    end(w);
    xmlTextWriterWriteRaw(w, BAD_CAST "\n<style>");
    xmlTextWriterWriteRaw(w, BAD_CAST css);
    xmlTextWriterWriteRaw(w, BAD_CAST "</style>\n</head>\n");
    start(w, "body", NULL);
    start(w, "h1", NULL);
    xmlTextWriterWriteString(w, BAD_CAST(doc->source ? doc->source : ""));
    end(w);
    start(w, "p", "legend");
    static const char *const legend[][2] = {
        {"hl target", "target"}, {"hl date", "date"}, {"hl body", "body"}, {"hl ref", "reference"}};
    for (size_t i = 0; i < 4; i++) {
        start(w, "span", NULL);
        start(w, "mark", legend[i][0]);
        xmlTextWriterWriteString(w, BAD_CAST legend[i][1]);
        end(w);
        end(w);
    }
    xmlTextWriterWriteFormatString(w, "%zu targets, %zu dates, %zu bodies, %zu references, "
                                      "%zu diagnostics",
                                   doc->ntargets, doc->ndates, doc->nbodies, doc->nrefs, nnotes);
    end(w);
    start(w, "div", "text");
    struct placed_note *placed = place_notes(notes, nnotes, doc->nlines);
    size_t next_note = 0;
    write_notes(w, placed, nnotes, 0, &next_note);
    size_t next = 0;
    for (size_t l = 0; l < doc->nlines; l++) {
        write_line(w, doc, l, &sp, &next);
        write_notes(w, placed, nnotes, l + 1, &next_note);
    }
    free(placed);
    end(w);
    write_targets(w, doc);
    end(w); /* body */
    xmlTextWriterWriteRaw(w, BAD_CAST "\n</html>\n");
    xmlFreeTextWriter(w);
    for (size_t i = 0; i < sp.n; i++)
        free(sp.v[i].tip);
    free(sp.v);
    char *out = nqx_xstrndup((const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
    *len = (size_t)xmlBufferLength(buf);
    xmlBufferFree(buf);
    return out;
}
