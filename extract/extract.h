/* extract/: the bytes of an input become UTF-8 text that keeps the input's
 * line structure (line i of the text is line i of the file).
 *
 * Accepted: UTF-8 with or without a byte-order mark. Line ends CRLF, CR and
 * LF all become LF. NUL and other control characters inside otherwise valid
 * text (PDF leftovers), and the characters XML 1.0 forbids, are dropped with
 * a warning naming the line; a form feed becomes a space. Invalid UTF-8 and
 * binary data are errors naming the byte offset, line and column.
 *
 * HTML, DOCX, ODT and Word 97-2003 files, recognised by their content, are
 * read by extract/container.h's readers into one line per paragraph (a
 * table row per line); their line numbers are those paragraph lines, and
 * doc->lines_are_paragraphs is set. */
#ifndef NQX_EXTRACT_H
#define NQX_EXTRACT_H

#include "model/document.h"

/* Inputs larger than this are refused: memory is bounded by the document. */
#define NQX_EXTRACT_MAX_BYTES ((size_t)1 << 30)

/* Reads path ("-" for standard input) into doc. On failure returns the
 * error's status (NQX_E_ENV: cannot open or read; NQX_E_INPUT: read but not
 * convertible) with err naming doc->source. */
nqx_status nqx_extract_file(nqx_doc *doc, const char *path, nqx_error *err);

/* Same, from bytes already in memory. */
nqx_status nqx_extract_bytes(nqx_doc *doc, const char *data, size_t len, nqx_error *err);

#endif
