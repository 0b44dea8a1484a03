/* Character maps of the 8-bit Vietnamese encodings: loading the table files
 * (extract/charmaps/NAME.map, format in their header comment), building
 * windows-1258's from ICU's converter, names and aliases, and decoding. */
#include "extract/encoding.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unicode/utf8.h>


/* The names of the encodings decoded without a map, with the aliases
 * --encoding accepts for them. */
static const struct {
    const char *name;
    const char *aliases;
} unicode_encodings[] = {
    {"UTF-8", "UTF8"},
    {"UTF-16LE", "UTF16LE"},
    {"UTF-16BE", "UTF16BE"},
};

char *nqx_charmaps_locate(const char *explicit_dir)
{
    return nqx_data_dir(explicit_dir, "NQX_CHARMAPS", "charmaps", "extract/charmaps");
}

/* ---- Building a map ---------------------------------------------------------- */

static void add_mapping(struct charmap *m, size_t *cap, const struct mapping *entry)
{
    void *p = m->maps;
    nqx_grow(&p, cap, m->nmaps + 1, sizeof *m->maps);
    m->maps = p;
    m->maps[m->nmaps++] = *entry;
}

static int by_lead_then_longest(const void *a, const void *b)
{
    const struct mapping *x = a, *y = b;
    if (x->bytes[0] != y->bytes[0])
        return x->bytes[0] < y->bytes[0] ? -1 : 1;
    if (x->nbytes != y->nbytes)
        return x->nbytes > y->nbytes ? -1 : 1;
    return memcmp(x->bytes, y->bytes, x->nbytes);
}

/* Sorts the mappings and indexes them by lead byte. */
static void index_map(struct charmap *m)
{
    qsort(m->maps, m->nmaps, sizeof *m->maps, by_lead_then_longest);
    size_t k = 0;
    for (unsigned b = 0; b <= 256; b++) {
        while (k < m->nmaps && m->maps[k].bytes[0] < b)
            k++;
        m->by_lead[b] = b == 256 ? m->nmaps : k;
    }
}

/* windows-1258 as ICU decodes it, byte by byte (the code is stateless and
 * one byte is at most one character). ICU gives the bytes Microsoft left
 * undefined as C1 controls; they stay unmapped so that they are invalid. */
static bool windows_1258_map(struct charmap *m)
{
    UErrorCode status = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open("windows-1258", &status);
    if (U_FAILURE(status))
        return false;
    snprintf(m->name, sizeof m->name, "windows-1258");
    snprintf(m->aliases, sizeof m->aliases, "cp1258 windows1258");
    size_t cap = 0;
    for (unsigned b = 0; b < 256; b++) {
        char in = (char)b;
        UChar u[4];
        status = U_ZERO_ERROR;
        int32_t n = ucnv_toUChars(cnv, u, 4, &in, 1, &status);
        if (U_FAILURE(status) || n != 1 || (u[0] >= 0x80 && u[0] <= 0x9F) || u[0] == 0xFFFD)
            continue;
        struct mapping e = {.bytes = {(uint8_t)b}, .nbytes = 1, .ncps = 1, .cps = {u[0]}};
        add_mapping(m, &cap, &e);
    }
    ucnv_close(cnv);
    index_map(m);
    return true;
}

/* Parses "0xNN" at *p; advances past it. */
static bool parse_byte(const char **p, uint8_t *out)
{
    const char *s = *p;
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !isxdigit((unsigned char)s[2]) ||
        !isxdigit((unsigned char)s[3]) || isxdigit((unsigned char)s[4]))
        return false;
    *out = (uint8_t)strtoul(s + 2, NULL, 16);
    *p = s + 4;
    return true;
}

/* Parses "U+XXXX" at *p; advances past it. */
static bool parse_code_point(const char **p, int32_t *out)
{
    const char *s = *p;
    if (s[0] != 'U' || s[1] != '+' || !isxdigit((unsigned char)s[2]))
        return false;
    char *end;
    unsigned long v = strtoul(s + 2, &end, 16);
    if (end - (s + 2) > 6 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return false;
    *out = (int32_t)v;
    *p = end;
    return true;
}

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* One mapping line: "0xNN [0xNN ...] = U+XXXX [U+XXXX ...]". Returns NULL
 * or what is wrong. */
static const char *parse_mapping(const char *s, struct mapping *e)
{
    memset(e, 0, sizeof *e);
    while (*(s = skip_space(s)) && *s != '=') {
        if (e->nbytes == CHARMAP_MAX_BYTES)
            return "too many bytes in one sequence";
        if (!parse_byte(&s, &e->bytes[e->nbytes++]))
            return "expected a byte written 0xNN";
    }
    if (*s != '=' || !e->nbytes)
        return "expected BYTES = CODE POINTS";
    s++;
    while (*(s = skip_space(s))) {
        if (e->ncps == CHARMAP_MAX_CPS)
            return "too many code points in one mapping";
        if (!parse_code_point(&s, &e->cps[e->ncps++]))
            return "expected a code point written U+XXXX";
    }
    return e->ncps ? NULL : "expected a code point after '='";
}

/* Reads one table file into m. */
static nqx_status load_map_file(const char *path, struct charmap *m, nqx_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nqx_error_set(err, NQX_E_ENV, path, 0, 0, -1, "cannot open the character map");
    char line[512];
    size_t lineno = 0, cap = 0;
    bool ascii = false, single[256] = {false};
    nqx_status st = NQX_OK;
    while (st == NQX_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        size_t n = strlen(line);
        while (n && isspace((unsigned char)line[n - 1]))
            line[--n] = '\0';
        const char *s = skip_space(line);
        struct mapping e;
        const char *why = NULL;
        if (!*s)
            continue;
        if (!strncmp(s, "name ", 5))
            snprintf(m->name, sizeof m->name, "%s", skip_space(s + 5));
        else if (!strncmp(s, "alias ", 6))
            snprintf(m->aliases, sizeof m->aliases, "%s", skip_space(s + 6));
        else if (!strcmp(s, "ascii"))
            ascii = true;
        else if ((why = parse_mapping(s, &e)) == NULL) {
            if (e.nbytes == 1)
                single[e.bytes[0]] = true;
            add_mapping(m, &cap, &e);
        }
        if (why)
            st = nqx_error_set(err, NQX_E_ENV, path, lineno, 0, -1, "%s", why);
    }
    fclose(f);
    if (st == NQX_OK && !m->name[0])
        st = nqx_error_set(err, NQX_E_ENV, path, 0, 0, -1,
                           "the character map has no 'name' line");
    for (unsigned b = 0; st == NQX_OK && ascii && b < 0x80; b++) {
        struct mapping e = {.bytes = {(uint8_t)b}, .nbytes = 1, .ncps = 1, .cps = {(int32_t)b}};
        if (!single[b])
            add_mapping(m, &cap, &e);
    }
    if (st == NQX_OK)
        index_map(m);
    return st;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NAME.map files of dir, sorted; the caller frees each and the array. */
static char **list_map_files(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".map") || e->d_name[0] == '.')
            continue;
        void *p = names;
        nqx_grow(&p, &cap, n + 1, sizeof *names);
        names = p;
        nqx_buf path = {0};
        nqx_buf_printf(&path, "%s/%s", dir, e->d_name);
        names[n++] = nqx_buf_steal(&path);
    }
    if (d)
        closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    *count = n;
    return names;
}

static void build_list(nqx_charmaps *maps)
{
    nqx_buf b = {0};
    for (size_t i = 0; i < sizeof unicode_encodings / sizeof *unicode_encodings; i++)
        nqx_buf_printf(&b, "%s%s", i ? ", " : "", unicode_encodings[i].name);
    for (size_t i = 0; i < maps->nmaps; i++)
        nqx_buf_printf(&b, ", %s", maps->maps[i].name);
    maps->list = nqx_buf_steal(&b);
}

nqx_status nqx_charmaps_load(const char *dir, nqx_charmaps **out, nqx_error *err)
{
    *out = NULL;
    if (!nqx_is_dir(dir))
        return nqx_error_set(err, NQX_E_ENV, dir, 0, 0, -1,
                             "no such directory of character maps; give --charmaps DIR or "
                             "set NQX_CHARMAPS");
    size_t nfiles;
    char **files = list_map_files(dir, &nfiles);
    nqx_charmaps *maps = nqx_xcalloc(1, sizeof *maps);
    maps->maps = nqx_xcalloc(nfiles + 1, sizeof *maps->maps);
    nqx_status st = NQX_OK;
    if (windows_1258_map(&maps->maps[0]))
        maps->nmaps++;
    for (size_t i = 0; i < nfiles; i++) {
        if (st == NQX_OK) {
            st = load_map_file(files[i], &maps->maps[maps->nmaps], err);
            maps->nmaps++; /* counted even when broken, so that it is freed */
        }
        free(files[i]);
    }
    free(files);
    if (st != NQX_OK) {
        nqx_charmaps_free(maps);
        return st;
    }
    build_list(maps);
    *out = maps;
    return NQX_OK;
}

void nqx_charmaps_free(nqx_charmaps *maps)
{
    if (!maps)
        return;
    for (size_t i = 0; i < maps->nmaps; i++)
        free(maps->maps[i].maps);
    free(maps->maps);
    free(maps->list);
    free(maps);
}

/* ---- Names --------------------------------------------------------------------- */

/* Does name equal one of the space-separated words of list (any case)? */
static bool in_list(const char *name, const char *list)
{
    size_t n = strlen(name);
    for (const char *s = list; *s;) {
        s = skip_space(s);
        size_t w = strcspn(s, " \t");
        if (w == n && w && !strncasecmp(s, name, n))
            return true;
        s += w;
    }
    return false;
}

const char *nqx_encoding_name(const char *name, const nqx_charmaps *maps)
{
    for (size_t i = 0; i < sizeof unicode_encodings / sizeof *unicode_encodings; i++)
        if (!strcasecmp(name, unicode_encodings[i].name) ||
            in_list(name, unicode_encodings[i].aliases))
            return unicode_encodings[i].name;
    for (size_t i = 0; maps && i < maps->nmaps; i++)
        if (!strcasecmp(name, maps->maps[i].name) || in_list(name, maps->maps[i].aliases))
            return maps->maps[i].name;
    return NULL;
}

const char *nqx_encoding_list(const nqx_charmaps *maps)
{
    return maps ? maps->list : "UTF-8, UTF-16LE, UTF-16BE";
}

/* ---- Decoding ------------------------------------------------------------------- */

static void add_code_point(nqx_buf *out, int32_t c)
{
    uint8_t u[4];
    int32_t k = 0;
    bool error = false;
    U8_APPEND((uint8_t *)u, k, 4, c, error);
    if (!error)
        nqx_buf_add(out, u, (size_t)k);
}

/* The longest mapping of the bytes at s[i..n), or NULL. */
static const struct mapping *match_at(const struct charmap *map, const uint8_t *s, size_t i,
                                      size_t n)
{
    for (size_t k = map->by_lead[s[i]]; k < map->by_lead[s[i] + 1]; k++) {
        const struct mapping *e = &map->maps[k];
        if (e->nbytes <= n - i && !memcmp(e->bytes, s + i, e->nbytes))
            return e;
    }
    return NULL;
}

bool charmap_decode(const struct charmap *map, const uint8_t *s, size_t n, nqx_buf *out,
                    size_t *bad)
{
    nqx_buf_reserve(out, n + n / 2);
    for (size_t i = 0; i < n;) {
        const struct mapping *e = match_at(map, s, i, n);
        if (!e) {
            *bad = i;
            return false;
        }
        for (uint8_t k = 0; k < e->ncps; k++)
            add_code_point(out, e->cps[k]);
        i += e->nbytes;
    }
    return true;
}

bool utf16_decode(const uint8_t *s, size_t n, bool le, nqx_buf *out, size_t *bad,
                  const char **why)
{
    nqx_buf_reserve(out, n + n / 2);
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        uint32_t u = le ? (uint32_t)(s[i] | s[i + 1] << 8) : (uint32_t)(s[i] << 8 | s[i + 1]);
        if (u >= 0xDC00 && u <= 0xDFFF) {
            *bad = i, *why = "a low surrogate without its high surrogate";
            return false;
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 3 >= n) {
                *bad = i, *why = "a high surrogate at the end of the file (truncated?)";
                return false;
            }
            uint32_t v = le ? (uint32_t)(s[i + 2] | s[i + 3] << 8)
                            : (uint32_t)(s[i + 2] << 8 | s[i + 3]);
            if (v < 0xDC00 || v > 0xDFFF) {
                *bad = i, *why = "a high surrogate without its low surrogate";
                return false;
            }
            u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
            i += 2;
        }
        add_code_point(out, (int32_t)u);
    }
    if (i < n) {
        *bad = i, *why = "an odd number of bytes: the last character is cut (truncated file?)";
        return false;
    }
    return true;
}
