/* Small helpers every stage shares: allocation that aborts on failure (the
 * one place nqx gives up), a growable byte buffer, and an arena for the
 * strings a document's findings own. */
#ifndef NQX_UTIL_H
#define NQX_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation failure is not recoverable in a batch converter: report and
 * abort through one helper rather than thread ENOMEM through every stage. */
void *nqx_xmalloc(size_t size);
void *nqx_xcalloc(size_t count, size_t size);
void *nqx_xrealloc(void *ptr, size_t size);
/* Grows *ptr (an array of *cap elements of elem_size bytes) so that it holds
 * at least need elements; doubles to keep appends amortized O(1). */
void nqx_grow(void **ptr, size_t *cap, size_t need, size_t elem_size);
char *nqx_xstrdup(const char *s);
char *nqx_xstrndup(const char *s, size_t n);
/* The index of the last of the ascending v[0..n) that is at most x, by
 * binary search; 0 when there is none (or n is 0). */
size_t nqx_last_at_most(const size_t *v, size_t n, size_t x);

/* A growable byte buffer; data is always NUL-terminated. */
typedef struct nqx_buf {
    char *data;
    size_t len;
    size_t cap;
} nqx_buf;

void nqx_buf_reserve(nqx_buf *b, size_t extra);
void nqx_buf_add(nqx_buf *b, const void *data, size_t n);
void nqx_buf_addc(nqx_buf *b, char c);
void nqx_buf_adds(nqx_buf *b, const char *s);
void nqx_buf_printf(nqx_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nqx_buf_vprintf(nqx_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void nqx_buf_clear(nqx_buf *b);
/* Hands the buffer's storage to the caller (who frees it) and resets b. */
char *nqx_buf_steal(nqx_buf *b);
void nqx_buf_free(nqx_buf *b);

/* An arena: many small allocations freed at once with nqx_arena_free. */
typedef struct nqx_arena {
    struct nqx_arena_block *head;
} nqx_arena;

void *nqx_arena_alloc(nqx_arena *a, size_t size);
char *nqx_arena_strndup(nqx_arena *a, const char *s, size_t n);
char *nqx_arena_strdup(nqx_arena *a, const char *s);
void nqx_arena_free(nqx_arena *a);

/* The first element of a sorted array (n elements of elem_size bytes) whose
 * size_t at byte offset key_offset is >= key: a lower bound by binary
 * search. Findings are kept in text order, and this finds the first at or
 * after a position. */
size_t nqx_lower_bound(const void *base, size_t n, size_t elem_size, size_t key_offset,
                       size_t key);

/* The largest m <= n at which a UTF-8 character of s starts, so that cutting
 * s at m never splits a character. s[n] must be readable (n is less than the
 * length of s, or s is NUL-terminated). */
size_t nqx_utf8_floor(const char *s, size_t n);

/* The code point of the well-formed two-byte character, or three-byte one
 * of U+1000-U+CFFF (Vietnamese's letters take these forms), at s with left
 * bytes from it, and its length in *len; -1 for any other form, which the
 * caller reads the long way (ICU's U8_NEXT). */
static inline int32_t nqx_utf8_short(const uint8_t *s, size_t left, size_t *len)
{
    uint8_t b = s[0];
    if (b >= 0xC2 && b < 0xE0 && left >= 2 && (s[1] & 0xC0) == 0x80) {
        *len = 2;
        return (int32_t)((b & 0x1F) << 6 | (s[1] & 0x3F));
    }
    if (b >= 0xE1 && b < 0xED && left >= 3 && (s[1] & 0xC0) == 0x80 &&
        (s[2] & 0xC0) == 0x80) {
        *len = 3;
        return (int32_t)((b & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F));
    }
    return -1;
}

/* The code point of any other form (ICU's U8_NEXT, in util.c), and its
 * length in *len; negative when s does not start a well-formed character,
 * *len then the bytes to step over. */
int32_t nqx_utf8_long(const uint8_t *s, size_t left, size_t *len);

/* The code point at s (left bytes from it, at least one) and its length in
 * *len: ASCII and the short forms read here, on the hot path of every
 * stage that walks text a character at a time; negative for what is not
 * well-formed UTF-8. */
static inline int32_t nqx_utf8_char(const uint8_t *s, size_t left, size_t *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    int32_t c = nqx_utf8_short(s, left, len);
    return c >= 0 ? c : nqx_utf8_long(s, left, len);
}

/* A run of text that needs no attention, read by nqx_utf8_run: printable
 * ASCII but the bytes a caller names, and the well-formed two- and
 * three-byte characters Vietnamese is written in (U+00A0-U+07FF,
 * U+1000-U+CFFF, U+E000-U+EFFF). Anything else (controls, NUL, C1
 * controls, other characters, bytes that are not UTF-8) ends it, for the
 * caller's careful path: what a run takes is always right, what it leaves
 * is only looked at more closely. */
typedef struct nqx_run_rows {
    uint32_t row[256];
} nqx_run_rows;

/* The rows of a run that also stops at each byte of stops (printable
 * ASCII). */
void nqx_run_rows_init(nqx_run_rows *r, const char *stops);

/* The end of the run of s[0..n) from i: after its last whole character. */
size_t nqx_utf8_run(const nqx_run_rows *r, const uint8_t *s, size_t i, size_t n);

/* Is path a folder? */
bool nqx_is_dir(const char *path);

/* Where a folder of the project's data is: explicit_dir when given, else
 * $env_var when set and not empty, else `name` in the installed data
 * directory, else `source_path` in the source tree (the first of the last
 * two that is a folder); NULL when there is none. A new string. */
char *nqx_data_dir(const char *explicit_dir, const char *env_var, const char *name,
                   const char *source_path);

/* The same for a file: `name` in the installed data directory, else
 * `source_path` in the source tree; NULL when neither is a file. */
char *nqx_data_file(const char *name, const char *source_path);

#endif
