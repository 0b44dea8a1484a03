/* Internal to extract/: the readers of container formats (HTML, DOCX/ODT,
 * Word 97-2003 .doc) and the text writer they share.
 *
 * A reader turns the input's bytes into UTF-8 text with one line per
 * paragraph (a table row is one line, its cells joined by " | "), which the
 * plain-text path of extract.c then checks and splits into lines. So the
 * line numbers of such an input are paragraph numbers of its text. */
#ifndef NQX_EXTRACT_CONTAINER_H
#define NQX_EXTRACT_CONTAINER_H

#include <libxml/tree.h>

#include "model/document.h"

typedef enum nqx_container {
    NQX_CONTAINER_TEXT, /* plain text: no container */
    NQX_CONTAINER_HTML,
    NQX_CONTAINER_ZIP,  /* DOCX or ODT */
    NQX_CONTAINER_OLE,  /* Word 97-2003 */
} nqx_container;

/* What the first bytes say the input is. Content decides, never the name. */
nqx_container nqx_container_sniff(const char *data, size_t len);

/* The text writer: collapses white space, ends lines, joins table cells. */
typedef struct nqx_text_out {
    nqx_buf buf;
    bool space_pending; /* white space seen since the last text */
    bool line_open;     /* the current line has text */
    int row_depth;      /* table rows open (a nested table's rows count too) */
    int layout_depth;   /* rows open of tables that lay out a page (one row) */
    const void *table;  /* the table whose rows were counted last, */
    bool table_single;  /* and whether it has a single row */
    size_t cells;       /* cells begun in the current outermost row */
    size_t part_start;  /* where the text since the last break in a row starts */
} nqx_text_out;

/* Appends text; runs of ASCII white space become one space. */
void nqx_text_add(nqx_text_out *t, const char *s, size_t n);
/* White space between words (a tab, a cell's paragraph boundary). */
void nqx_text_space(nqx_text_out *t);
/* Ends the current line (a paragraph, a line break); inside a table row,
 * only a space: a row is one line. */
void nqx_text_break(nqx_text_out *t);
/* Ends a paragraph of a word processor's file: as nqx_text_break, but an
 * empty paragraph still makes a line, so that line numbers count the
 * document's paragraphs. */
void nqx_text_paragraph_end(nqx_text_out *t);
void nqx_text_row_begin(nqx_text_out *t);
/* Begins a row whose first cell is the text of the current line: a .doc
 * marks a cell where it ends, so its first cell is known only then. */
void nqx_text_row_begin_in_line(nqx_text_out *t);
void nqx_text_row_end(nqx_text_out *t);
void nqx_text_cell_begin(nqx_text_out *t);
/* Begins the row element `row` of a parsed tree. A table of one row, outside
 * any row, lays out a page (Word's header and signature blocks: the
 * issuing body and the number one under the other in a cell); it holds no
 * data, and its cells are read one after the other, each paragraph a line,
 * as the same page written without a table. Any other row is one line.
 * Rows are the elements of row's name under its parent or under the
 * parent's parent through one of the groups named (HTML's tbody, ODF's
 * table-header-rows); names are compared without their prefix. */
void nqx_text_tree_row_begin(nqx_text_out *t, const xmlNode *row, const char *const *groups,
                             size_t ngroups);
/* Ends the row nqx_text_tree_row_begin began last. */
void nqx_text_tree_row_end(nqx_text_out *t);

/* What a walk over a parsed tree (HTML, a DOCX or ODT part) does. */
typedef struct nqx_tree_visitor {
    /* An element begins: false leaves it, and all it holds, out. */
    bool (*enter)(void *ctx, const xmlNode *element);
    void (*leave)(void *ctx, const xmlNode *element);
    /* A text or CDATA node's content. */
    void (*text)(void *ctx, const char *content);
    void *ctx;
} nqx_tree_visitor;

/* Visits root and what it holds in document order, without recursion: a
 * deeply nested file cannot exhaust the stack. */
void nqx_walk_tree(xmlNode *root, const nqx_tree_visitor *v);

/* Each reader fills out (UTF-8) and, when it knows it, the input's encoding
 * as the record names it (doc->encoding); on failure it returns the status
 * with err naming name. */
nqx_status nqx_read_html(nqx_doc *doc, const char *data, size_t len, nqx_buf *out,
                         nqx_error *err);
nqx_status nqx_read_zip(nqx_doc *doc, const char *data, size_t len, nqx_buf *out,
                        nqx_error *err);
nqx_status nqx_read_doc(nqx_doc *doc, const char *data, size_t len, nqx_buf *out,
                        nqx_error *err);

/* An entry of a container (a ZIP member, an OLE stream) larger than this is
 * refused: the text of a resolution is a few hundred kilobytes, and memory
 * must stay bounded whatever the archive claims. */
#define NQX_CONTAINER_MAX_ENTRY ((size_t)64 << 20)

#endif
