/* extract/: the bytes of an input become UTF-8 text that keeps the input's
 * line structure (line i of the text is line i of the file).
 *
 * Accepted: UTF-8 with or without a byte-order mark; UTF-16LE and UTF-16BE
 * with a byte-order mark. With character maps loaded, also UTF-16 without
 * one and the legacy Vietnamese 8-bit codes: windows-1258 (through ICU's
 * converter), VISCII, TCVN3 (TCVN 5712:1993) and VNI-Windows (tables in
 * extract/charmaps/NAME.map, read at run time). Without a byte-order mark
 * the encoding is detected by
 * decoding a sample with every candidate and scoring each result as
 * Vietnamese syllables (extract/detect.c); an input too short or too odd to
 * tell is an error asking for an explicit encoding. Line ends CRLF, CR and
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

/* The character maps of the 8-bit encodings: windows-1258 from ICU, the
 * others from the NAME.map files of a directory. Read-only once loaded. */
typedef struct nqx_charmaps nqx_charmaps;

/* Where the character maps are: explicit_dir if given, else $NQX_CHARMAPS,
 * else the installed data directory, else extract/charmaps in the source
 * tree. Returns a new string (the caller frees it), or NULL when no
 * candidate directory exists. */
char *nqx_charmaps_locate(const char *explicit_dir);

/* Loads every NAME.map file of dir (and windows-1258 from ICU). A broken file
 * is an NQX_E_ENV error naming file:line. Free with nqx_charmaps_free. */
nqx_status nqx_charmaps_load(const char *dir, nqx_charmaps **out, nqx_error *err);
void nqx_charmaps_free(nqx_charmaps *maps);

/* The name the record uses for an encoding name or alias given by a user
 * ("utf8", "cp1258", "tcvn5712-1", "vni"; case does not matter), or NULL
 * when it is none that nqx reads. maps may be NULL (then only UTF-8 and
 * UTF-16 are known). The result is static or owned by maps. */
const char *nqx_encoding_name(const char *name, const nqx_charmaps *maps);

/* Every encoding nqx reads with these maps, comma-separated, for messages
 * and --help; the result is owned by maps (static when maps is NULL). */
const char *nqx_encoding_list(const nqx_charmaps *maps);

typedef struct nqx_extract_opts {
    const char *encoding;         /* NULL: detect; else a name or alias */
    const nqx_charmaps *charmaps; /* NULL: only UTF-8 and UTF-16 */
} nqx_extract_opts;

/* Reads path ("-" for standard input) into doc. On failure returns the
 * error's status (NQX_E_ENV: cannot open or read; NQX_E_INPUT: read but not
 * convertible) with err naming doc->source. */
nqx_status nqx_extract_file(nqx_doc *doc, const char *path, nqx_error *err);

/* Same, from bytes already in memory. */
nqx_status nqx_extract_bytes(nqx_doc *doc, const char *data, size_t len, nqx_error *err);

/* The same two with options (opts may be NULL): a forced encoding, or the
 * character maps that detection may choose from. doc->encoding names the
 * encoding used. An input that is not valid in the forced encoding, or
 * whose encoding cannot be told, is an NQX_E_INPUT error naming the file
 * and the byte offset; an unknown encoding name is NQX_E_ENV. */
nqx_status nqx_extract_file_opts(nqx_doc *doc, const char *path, const nqx_extract_opts *opts,
                                 nqx_error *err);
nqx_status nqx_extract_bytes_opts(nqx_doc *doc, const char *data, size_t len,
                                  const nqx_extract_opts *opts, nqx_error *err);

#endif
