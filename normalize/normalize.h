/* normalize/: the extracted text becomes the text the rules read, with a map
 * from every position back to the extracted text (and so to the original
 * line).
 *
 * What changes (SPEC §4):
 *   - Unicode NFC, applied only to the spans that are not already NFC;
 *   - tone marks in the new style: hoà -> hòa, thuỷ -> thủy, UỶ -> ỦY;
 *   - tabs, no-break and other spaces -> one space; no space before , . ; : ! ?
 *     or ) and none after (; lines trimmed; invisible format characters
 *     dropped; dashes (– — ‐ −) -> '-';
 *   - markdown left by converters: emphasis stars, backslash escapes (\- 1\.),
 *     heading hashes, quote marks '>', horizontal rules; a table row
 *     "| a | b |" becomes "a | b" and its alignment row is dropped;
 *   - hard-wrapped lines are joined back into their paragraph, and a
 *     paragraph broken by a page break (blank lines, then a line starting in
 *     lower case) is joined; a list item, heading or table row always starts
 *     a new line.
 * The result has one logical line (paragraph, item, heading) per line, each
 * ending with '\n', and no blank lines. */
#ifndef NQX_NORMALIZE_H
#define NQX_NORMALIZE_H

#include "model/document.h"

/* Does this cleaned line start a block of its own (a numbered item, an
 * article, a place-date line...)? Such a line is never joined to the line
 * before it. Provided by the rules stage, which knows the layout words. */
typedef bool (*nqx_line_test)(const char *line, size_t len, void *ctx);

/* Page furniture: lines a printed page repeats or a signing tool stamps,
 * which are not text of the document (an official gazette's running header
 * "CÔNG BÁO/Số …/Ngày …", its page numbers, a digital-signature stamp). */
typedef enum nqx_furniture {
    NQX_FURNITURE_NONE,
    NQX_FURNITURE_HEADER,      /* always dropped */
    NQX_FURNITURE_PAGE_NUMBER, /* dropped next to a running header */
    NQX_FURNITURE_STAMP,       /* the signer line that opens a signature stamp */
    NQX_FURNITURE_STAMP_FIELD, /* a field of a stamp: dropped only in one */
} nqx_furniture;

typedef nqx_furniture (*nqx_furniture_test)(const char *line, size_t len, void *ctx);

typedef struct nqx_normalize_opts {
    nqx_line_test starts_block; /* NULL: only bullets and tables */
    /* Does this cleaned line end with a word that needs the next line
     * ("… phối hợp với", "… của")? Then the next line goes on with it even
     * when it looks like a heading. NULL: no such words. */
    nqx_line_test ends_open;
    void *ctx;
    /* NULL: no line is furniture. Asked about each extracted line of plain
     * text (trimmed, at most NQX_FURNITURE_MAX_BYTES), with ctx. */
    nqx_furniture_test furniture;
} nqx_normalize_opts;

#define NQX_FURNITURE_MAX_BYTES 200

/* Fills doc->norm and doc->anchors from doc->text. opts may be NULL. */
nqx_status nqx_normalize(nqx_doc *doc, const nqx_normalize_opts *opts, nqx_error *err);

/* NFC and new tone style for a standalone string (used for rule files and
 * gazetteers, so that their authors may type either style). No other change.
 * Returns a new string the caller frees; *out_len may be NULL. */
char *nqx_normalize_string(const char *s, size_t len, size_t *out_len);

#endif
