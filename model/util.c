/* Allocation, buffers and arenas shared by every stage. */
#include "model/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/utf8.h>

#ifndef NQX_DATADIR
#define NQX_DATADIR "/usr/local/share/nqx"
#endif
#ifndef NQX_SRCDIR
#define NQX_SRCDIR "."
#endif

static void out_of_memory(size_t size)
{
    fprintf(stderr, "nqx: out of memory (allocating %zu bytes)\n", size);
    abort();
}

void *nqx_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *nqx_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *nqx_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void nqx_grow(void **ptr, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem_size)
            out_of_memory(SIZE_MAX);
        n *= 2;
    }
    *ptr = nqx_xrealloc(*ptr, n * elem_size);
    *cap = n;
}

size_t nqx_last_at_most(const size_t *v, size_t n, size_t x)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

char *nqx_xstrdup(const char *s)
{
    return nqx_xstrndup(s, strlen(s));
}

char *nqx_xstrndup(const char *s, size_t n)
{
    char *p = nqx_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void nqx_buf_reserve(nqx_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        out_of_memory(SIZE_MAX);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    void *p = b->data;
    nqx_grow(&p, &b->cap, need, 1);
    b->data = p;
    b->data[b->len] = '\0';
}

void nqx_buf_add(nqx_buf *b, const void *data, size_t n)
{
    nqx_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void nqx_buf_addc(nqx_buf *b, char c)
{
    nqx_buf_add(b, &c, 1);
}

void nqx_buf_adds(nqx_buf *b, const char *s)
{
    nqx_buf_add(b, s, strlen(s));
}

void nqx_buf_vprintf(nqx_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        nqx_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void nqx_buf_printf(nqx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nqx_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void nqx_buf_clear(nqx_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *nqx_buf_steal(nqx_buf *b)
{
    if (!b->data)
        nqx_buf_reserve(b, 0);
    /* Zero the spare capacity: PCRE2's JIT reads whole words around the
     * end of a subject (and ignores what lies past it), which memory
     * checkers would otherwise report as use of uninitialised memory. */
    memset(b->data + b->len, 0, b->cap - b->len);
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void nqx_buf_free(nqx_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Arena blocks are at least this big; larger requests get a block of their
 * own so one huge string does not waste a normal block. */
#define ARENA_BLOCK 16384

struct nqx_arena_block {
    struct nqx_arena_block *next;
    size_t used;
    size_t size;
    max_align_t data[];
};

void *nqx_arena_alloc(nqx_arena *a, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    struct nqx_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t bsize = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = nqx_xmalloc(sizeof *b + bsize);
        b->used = 0;
        b->size = bsize;
        if (a->head && size > ARENA_BLOCK) {
            /* Keep the current, partly used block at the head. */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

char *nqx_arena_strndup(nqx_arena *a, const char *s, size_t n)
{
    char *p = nqx_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *nqx_arena_strdup(nqx_arena *a, const char *s)
{
    return nqx_arena_strndup(a, s, strlen(s));
}

void nqx_arena_free(nqx_arena *a)
{
    struct nqx_arena_block *b = a->head;
    while (b) {
        struct nqx_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

bool nqx_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* `name` in the installed data directory, else `source_path` in the source
 * tree: the first that is a folder (dir) or a regular file; NULL when
 * neither is. */
static char *installed_or_source(const char *name, const char *source_path, bool dir)
{
    char paths[2][1024];
    snprintf(paths[0], sizeof paths[0], "%s/%s", NQX_DATADIR, name);
    snprintf(paths[1], sizeof paths[1], "%s/%s", NQX_SRCDIR, source_path);
    for (size_t i = 0; i < 2; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
            return nqx_xstrdup(paths[i]);
    }
    return NULL;
}

char *nqx_data_dir(const char *explicit_dir, const char *env_var, const char *name,
                   const char *source_path)
{
    if (explicit_dir)
        return nqx_xstrdup(explicit_dir);
    const char *env = getenv(env_var);
    if (env && *env)
        return nqx_xstrdup(env);
    return installed_or_source(name, source_path, true);
}

char *nqx_data_file(const char *name, const char *source_path)
{
    return installed_or_source(name, source_path, false);
}

size_t nqx_utf8_floor(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Each byte goes through a small automaton rather than through branches
 * on its value: ASCII and multi-byte letters alternate every few bytes in
 * Vietnamese, and a branch on which comes next is mispredicted at every
 * turn. The row of a byte holds the next state for every state, 6 bits
 * each, so one shift and one mask make a step. */
enum {
    RUN_OK = 0, /* between characters */
    RUN_STOP = 6,
    RUN_C2 = 12,  /* after 0xC2: 0xA0-0xBF ends the character */
    RUN_ONE = 18, /* one continuation byte to go */
    RUN_TWO = 24, /* two to go */
};

void nqx_run_rows_init(nqx_run_rows *r, const char *stops)
{
    static const unsigned states[] = {RUN_OK, RUN_STOP, RUN_C2, RUN_ONE, RUN_TWO};
    for (unsigned b = 0; b < 256; b++) {
        bool cont = b >= 0x80 && b < 0xC0, stop = b && strchr(stops, (int)b);
        r->row[b] = 0;
        for (size_t k = 0; k < sizeof states / sizeof *states; k++) {
            unsigned st = states[k], next = RUN_STOP;
            if (st == RUN_OK)
                next = b >= 0x20 && b < 0x7F && !stop      ? RUN_OK
                       : b == 0xC2                         ? RUN_C2
                       : b > 0xC2 && b < 0xE0              ? RUN_ONE
                       : b > 0xE0 && b < 0xEF && b != 0xED ? RUN_TWO
                                                           : RUN_STOP;
            else if (st == RUN_C2)
                next = b >= 0xA0 && b < 0xC0 ? RUN_OK : RUN_STOP;
            else if (st == RUN_ONE && cont)
                next = RUN_OK;
            else if (st == RUN_TWO && cont)
                next = RUN_ONE;
            r->row[b] |= (uint32_t)next << st;
        }
    }
}

size_t nqx_utf8_run(const nqx_run_rows *r, const uint8_t *s, size_t i, size_t n)
{
    size_t end = i;
    for (uint32_t st = RUN_OK; i < n; i++) {
        st = r->row[s[i]] >> st & 63;
        if (st == RUN_STOP)
            break;
        end = st == RUN_OK ? i + 1 : end;
    }
    return end;
}

size_t nqx_lower_bound(const void *base, size_t n, size_t elem_size, size_t key_offset,
                       size_t key)
{
    const char *b = base;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t k;
        memcpy(&k, b + mid * elem_size + key_offset, sizeof k);
        if (k < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int32_t nqx_utf8_long(const uint8_t *s, size_t left, size_t *len)
{
    int32_t k = 0, c;
    U8_NEXT(s, k, (int32_t)(left < 4 ? left : 4), c);
    *len = (size_t)k;
    return c;
}
