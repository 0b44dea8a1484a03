/* Recognising container formats by their content, and the text writer the
 * container readers share. */
#include "extract/container.h"

#include <string.h>
#include <strings.h>

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && !memcmp(s, prefix, n);
}

/* Does s begin with "<name" followed by white space, '>' or '/'
 * (case-insensitively)? */
static bool starts_with_tag(const char *s, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (len < n + 2 || s[0] != '<' || strncasecmp(s + 1, name, n))
        return false;
    char c = s[n + 1];
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/';
}

/* Where an HTML document may begin. A text document does not open with a
 * tag, so these are enough; a fragment of other tags is read as text. */
static const char *const html_openers[] = {
    "!doctype", "html", "head", "body", "meta", "title", "p", "div", "table",
    "h1", "h2", "h3", "h4", "h5", "h6", "br", "span", "font", "style",
};

/* How far into a file an <html> tag is looked for behind a leading XML
 * declaration or comment. */
#define HTML_SNIFF_BYTES 1024

static bool looks_like_html(const char *s, size_t len)
{
    if (starts_with(s, len, "\xEF\xBB\xBF"))
        s += 3, len -= 3;
    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++, len--;
    if (!len || *s != '<')
        return false;
    for (size_t i = 0; i < sizeof html_openers / sizeof *html_openers; i++)
        if (starts_with_tag(s, len, html_openers[i]))
            return true;
    if (starts_with(s, len, "<?xml") || starts_with(s, len, "<!--")) {
        size_t n = len < HTML_SNIFF_BYTES ? len : HTML_SNIFF_BYTES;
        for (size_t i = 0; i + 5 < n; i++)
            if (starts_with_tag(s + i, len - i, "html"))
                return true;
    }
    return false;
}

nqx_container nqx_container_sniff(const char *data, size_t len)
{
    if (starts_with(data, len, "PK\x03\x04"))
        return NQX_CONTAINER_ZIP;
    if (starts_with(data, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
        return NQX_CONTAINER_OLE;
    if (looks_like_html(data, len))
        return NQX_CONTAINER_HTML;
    return NQX_CONTAINER_TEXT;
}

/* ---- The text writer --------------------------------------------------- */

static void put_pending_space(nqx_text_out *t)
{
    /* A rule dropped from a row's first cell (nqx_text_break) leaves the
     * line open but empty, maybe at the very start of the buffer: no space
     * at a line's start, and nothing read before the buffer. */
    char last = t->buf.len ? t->buf.data[t->buf.len - 1] : '\n';
    if (t->space_pending && t->line_open && last != ' ' && last != '\n')
        nqx_buf_addc(&t->buf, ' ');
    t->space_pending = false;
}

void nqx_text_add(nqx_text_out *t, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && !strchr(" \t\r\n\f\v", s[j]))
            j++;
        if (j > i) {
            put_pending_space(t);
            nqx_buf_add(&t->buf, s + i, j - i);
            t->line_open = true;
        }
        if (j < n)
            t->space_pending = true;
        i = j + (j < n);
    }
    if (!t->buf.data)
        nqx_buf_reserve(&t->buf, 0);
}

void nqx_text_space(nqx_text_out *t)
{
    t->space_pending = true;
}

static void end_line(nqx_text_out *t)
{
    if (t->line_open)
        nqx_buf_addc(&t->buf, '\n');
    t->line_open = false;
    t->space_pending = false;
}

/* Is b[from..) a drawn rule ("-------", "___")? Word puts one under the
 * issuer and the motto of a header table. */
static bool is_rule_text(const nqx_buf *b, size_t from)
{
    size_t marks = 0;
    for (size_t i = from; i < b->len; i++) {
        if (!strchr("-_=~. ", b->data[i]))
            return false;
        marks += b->data[i] != ' ';
    }
    return marks >= 3;
}

void nqx_text_break(nqx_text_out *t)
{
    if (!t->row_depth) {
        end_line(t);
        return;
    }
    /* Inside a row the line goes on; a rule drawn on a line of its own in
     * a cell is dropped, as the plain-text path drops rule lines. */
    if (t->part_start <= t->buf.len && is_rule_text(&t->buf, t->part_start)) {
        t->buf.len = t->part_start;
        while (t->buf.len && t->buf.data[t->buf.len - 1] == ' ')
            t->buf.len--;
        t->buf.data[t->buf.len] = '\0';
    }
    t->part_start = t->buf.len;
    nqx_text_space(t);
}

void nqx_text_paragraph_end(nqx_text_out *t)
{
    if (!t->row_depth && !t->line_open)
        nqx_buf_addc(&t->buf, '\n');
    nqx_text_break(t);
}

static bool named_in(const xmlNode *node, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp((const char *)node->name, names[i]))
            return true;
    return false;
}

/* Is row the only row of its table (nqx_text_tree_row_begin)? The rows
 * of a table are counted once, not once per row: a table of many rows
 * behind many other elements would cost their product. */
static bool only_row(nqx_text_out *t, const xmlNode *row, const char *const *groups,
                     size_t ngroups)
{
    const xmlNode *table = row->parent;
    if (table && named_in(table, groups, ngroups))
        table = table->parent;
    if (!table)
        return false;
    if (t->table == table)
        return t->table_single;
    size_t rows = 0;
    for (const xmlNode *c = table->children; c && rows < 2; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!strcmp((const char *)c->name, (const char *)row->name))
            rows++;
        else if (named_in(c, groups, ngroups))
            for (const xmlNode *g = c->children; g && rows < 2; g = g->next)
                rows += g->type == XML_ELEMENT_NODE &&
                        !strcmp((const char *)g->name, (const char *)row->name);
    }
    t->table = table;
    t->table_single = rows == 1;
    return t->table_single;
}

void nqx_text_tree_row_begin(nqx_text_out *t, const xmlNode *row, const char *const *groups,
                             size_t ngroups)
{
    if (t->row_depth || !only_row(t, row, groups, ngroups)) {
        nqx_text_row_begin(t);
        return;
    }
    t->layout_depth++;
    nqx_text_break(t);
}

/* A layout row is left with no row open: a row it holds (a nested table's)
 * has ended. */
void nqx_text_tree_row_end(nqx_text_out *t)
{
    if (t->row_depth) {
        nqx_text_row_end(t);
        return;
    }
    if (t->layout_depth > 0)
        t->layout_depth--;
    nqx_text_break(t);
}

void nqx_text_row_begin(nqx_text_out *t)
{
    if (t->row_depth++ == 0) {
        end_line(t);
        t->cells = 0;
    }
}

void nqx_text_row_begin_in_line(nqx_text_out *t)
{
    if (t->row_depth++ == 0) {
        t->cells = 1;
        t->part_start = t->buf.len;
    }
}

void nqx_text_row_end(nqx_text_out *t)
{
    if (t->row_depth > 0 && --t->row_depth == 0)
        end_line(t);
}

void nqx_text_cell_begin(nqx_text_out *t)
{
    if (!t->row_depth && t->layout_depth) {
        nqx_text_break(t);
        return;
    }
    if (t->row_depth != 1) {
        nqx_text_space(t);
        return;
    }
    t->part_start = t->buf.len;
    if (t->cells++) {
        /* The separator of the project's pipe tables, even after an empty
         * cell, so that columns keep their places. */
        nqx_buf_adds(&t->buf, t->line_open ? " | " : "| ");
        t->line_open = true;
        t->part_start = t->buf.len;
    }
    t->space_pending = false;
}

void nqx_walk_tree(xmlNode *root, const nqx_tree_visitor *v)
{
    xmlNode *node = root;
    while (node) {
        bool descend = false;
        if (node->type == XML_ELEMENT_NODE) {
            if (v->enter(v->ctx, node)) {
                descend = node->children != NULL;
                if (!descend)
                    v->leave(v->ctx, node);
            }
        } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) &&
                   node->content) {
            v->text(v->ctx, (const char *)node->content);
        }
        if (descend) {
            node = node->children;
            continue;
        }
        /* Up until a node has a next sibling, leaving each element passed. */
        while (node && node != root && !node->next) {
            node = node->parent;
            if (node && node->type == XML_ELEMENT_NODE)
                v->leave(v->ctx, node);
        }
        node = node && node != root ? node->next : NULL;
    }
}
