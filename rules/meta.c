/* The document's own metadata (SPEC §5): the header (issuing body under its
 * superior, number, place and date, type name and title) at the top, the
 * signature block and "Nơi nhận" at the bottom. Both layouts (Nghị định
 * 30/2020/NĐ-CP and Hướng dẫn 36-HD/VPTW) put the same parts in the same
 * order; headers laid out in two columns arrive as one line per row, so each
 * part is looked for inside a line, and the mottos ("CỘNG HÒA XÃ HỘI CHỦ
 * NGHĨA VIỆT NAM") are blanked out first. What the rules do not find stays
 * NULL: a field is never guessed. */
#include "rules/rules_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How far the header and the signature block reach, in logical lines. */
#define HEADER_LINES 40
#define TAIL_LINES 40
#define TITLE_LINES 5
#define LINE_COPY 600

struct line {
    size_t s, e;           /* span in the normalized text */
    size_t first, last;    /* original lines of its first and last character */
    char clean[LINE_COPY]; /* the line with the parts already read blanked */
};

struct reader {
    struct matcher *m;
    nqx_doc *doc;
    const char *t;
    struct line *lines;
    size_t n;
};

/* Matches the meta rules of field f against line l (its clean copy); the
 * first that matches wins. Returns the rule's pattern, or NULL. */
static const struct pattern *match_field(struct reader *R, const struct line *l, int f)
{
    const nqx_rules *r = R->m->rules;
    size_t n = strlen(l->clean);
    for (size_t i = 0; i < r->nby_role[ROLE_META]; i++) {
        const struct rule *ru = &r->rules[r->by_role[ROLE_META][i]];
        if (ru->field == f && pattern_match(R->m, &ru->pattern, l->clean, n, 0, 0)) {
            matcher_trace(R->m, r->by_role[ROLE_META][i], l->s);
            return &ru->pattern;
        }
    }
    return NULL;
}

/* The span of group name of the last match, trimmed; false when unset or empty. */
static bool group_of(struct reader *R, const struct pattern *p, const char *name,
                     const struct line *l, size_t *s, size_t *e)
{
    if (!group_span(R->m, p, name, s, e))
        return false;
    while (*s < *e && l->clean[*s] == ' ')
        (*s)++;
    while (*e > *s && (l->clean[*e - 1] == ' ' || l->clean[*e - 1] == ',' ||
                       l->clean[*e - 1] == ';' || l->clean[*e - 1] == '.'))
        (*e)--;
    return *e > *s;
}

static const char *copy_group(struct reader *R, const struct pattern *p, const char *name,
                              const struct line *l)
{
    size_t s, e;
    if (!group_of(R, p, name, l, &s, &e))
        return NULL;
    return nqx_arena_strndup(&R->doc->arena, l->clean + s, e - s);
}

static void blank(struct line *l, size_t s, size_t e)
{
    memset(l->clean + s, ' ', e - s);
}

/* Blanks the whole match of the last match. */
static void blank_match(struct reader *R, struct line *l)
{
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(R->m->md);
    blank(l, ov[0], ov[1]);
}

static bool is_empty(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '*' && *s != '-' && *s != '_' && *s != '=')
            return false;
    return true;
}

/* Copies s into the arena with runs of spaces made one (parts blanked out
 * of a line leave runs) and the ends trimmed; NULL when nothing is left. */
static const char *copy_trimmed(nqx_doc *doc, const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == ';' || s[n - 1] == ','))
        n--;
    while (n && *s == ' ')
        s++, n--;
    if (!n)
        return NULL;
    char *out = nqx_arena_alloc(&doc->arena, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' || out[k - 1] != ' ')
            out[k++] = s[i];
    out[k] = '\0';
    return out;
}

/* A header line is written in capitals: it has an ASCII letter and no ASCII
 * lower-case one (every Vietnamese syllable has an ASCII letter, so this
 * tells "HUYỆN TÂN HÒA" from "Hòa Phong, ngày …" without case tables). */
static bool is_caps(const char *s)
{
    bool letter = false;
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z')
            return false;
        if (*s >= 'A' && *s <= 'Z')
            letter = true;
    }
    return letter;
}

/* Reads the lines the header and the signature can be on: the first
 * HEADER_LINES and the last TAIL_LINES (memory bounded whatever the size). */
static void read_lines(struct reader *R)
{
    const char *t = R->t;
    size_t len = R->doc->norm_len;
    size_t cap = 0, total = 0;
    for (const char *p = t; (p = memchr(p, '\n', len - (size_t)(p - t))); p++)
        total++;
    total += len && t[len - 1] != '\n';
    size_t index = 0;
    for (size_t ls = 0; ls < len; index++) {
        const char *nl = memchr(t + ls, '\n', len - ls);
        size_t le = nl ? (size_t)(nl - t) : len;
        if (index >= HEADER_LINES && index + TAIL_LINES < total) {
            ls = le + 1;
            continue;
        }
        void *v = R->lines;
        nqx_grow(&v, &cap, R->n + 1, sizeof *R->lines);
        R->lines = v;
        struct line *l = &R->lines[R->n++];
        l->s = ls;
        l->e = le;
        l->first = nqx_doc_line(R->doc, ls, NULL);
        l->last = le > ls ? nqx_doc_line(R->doc, le - 1, NULL) : l->first;
        size_t n = le - ls < LINE_COPY - 1 ? le - ls : nqx_utf8_floor(t + ls, LINE_COPY - 1);
        memcpy(l->clean, t + ls, n);
        l->clean[n] = '\0';
        ls = le + 1;
    }
}

static void read_header(struct reader *R)
{
    nqx_meta *meta = &R->doc->meta;
    size_t n = R->n < HEADER_LINES ? R->n : HEADER_LINES;
    size_t stop = n; /* the first line that is not the issuing body */
    size_t type_line = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        struct line *l = &R->lines[i];
        const struct pattern *p;
        while ((p = match_field(R, l, META_MOTTO)))
            blank_match(R, l);
        if (!meta->number && (p = match_field(R, l, META_NUMBER))) {
            meta->number = copy_group(R, p, "number", l);
            blank_match(R, l);
            if (stop == n)
                stop = i;
        }
        if (!meta->date && (p = match_field(R, l, META_PLACE_DATE))) {
            size_t ws, we;
            int y = -1, mo = -1, d = -1;
            char iso[16];
            const char *ys = copy_group(R, p, "y", l), *ms = copy_group(R, p, "m", l),
                       *ds = copy_group(R, p, "d", l);
            if (ys && ms && ds) {
                y = atoi(ys), mo = atoi(ms), d = atoi(ds);
            }
            if (group_of(R, p, "when", l, &ws, &we)) {
                if (iso_day(y, mo, d, iso, sizeof iso)) {
                    meta->date = nqx_arena_strdup(&R->doc->arena, iso);
                    meta->date_text = nqx_arena_strndup(&R->doc->arena, l->clean + ws, we - ws);
                    meta->date_start = l->s + ws;
                    meta->date_end = l->s + we;
                } else {
                    nqx_doc_warn(R->doc, l->first,
                                 "the date of issue '%.*s' does not exist; left out",
                                 (int)(we - ws), l->clean + ws);
                }
            }
            meta->place = copy_group(R, p, "place", l);
            blank_match(R, l);
            if (stop == n)
                stop = i;
        }
        if (type_line == SIZE_MAX && (p = match_field(R, l, META_TYPE))) {
            size_t ts, te;
            if (group_of(R, p, "type", l, &ts, &te)) {
                meta->type_name = copy_trimmed(R->doc, nqx_arena_strndup(&R->doc->arena,
                                                                         l->clean + ts, te - ts));
                const struct list *dl = rules_list(R->m->rules, "doc-type");
                const struct entry *en = dl ? list_lookup(dl, l->clean + ts, te - ts) : NULL;
                meta->type = en ? en->value : NULL;
                blank(l, 0, te);
                type_line = i;
                if (stop > i)
                    stop = i;
            }
        }
        if (type_line != SIZE_MAX)
            break;
    }
    if (type_line == SIZE_MAX) {
        /* No type name: not a document header (a news text, a fragment);
         * what looked like its parts is not reported. */
        memset(meta, 0, sizeof *meta);
        return;
    }

    /* The issuing body: the caps lines above; a line that continues the one
     * before it (a level and place, "HUYỆN TÂN HÒA") joins it. The last body
     * is the issuer, the one before it its superior. */
    nqx_buf groups[2] = {{0}, {0}};
    int ng = 0;
    for (size_t i = 0; i < stop; i++) {
        struct line *l = &R->lines[i];
        if (is_empty(l->clean) || !is_caps(l->clean))
            continue;
        const char *s = l->clean;
        while (*s == ' ')
            s++;
        bool joins = ng && match_field(R, l, META_LEVEL);
        if (!joins) {
            if (ng == 2) {
                nqx_buf_free(&groups[0]);
                groups[0] = groups[1];
                groups[1] = (nqx_buf){0};
                ng = 1;
            }
            ng++;
        } else {
            nqx_buf_addc(&groups[ng - 1], ' ');
        }
        nqx_buf_adds(&groups[ng - 1], s);
    }
    if (ng) {
        meta->issuer = copy_trimmed(R->doc, groups[ng - 1].data);
        if (ng == 2)
            meta->superior = copy_trimmed(R->doc, groups[0].data);
    }
    nqx_buf_free(&groups[0]);
    nqx_buf_free(&groups[1]);

    /* The title: the rest of the type line and the lines under it, up to a
     * blank line, a separator or a line that starts the body. */
    nqx_buf title = {0};
    size_t first = SIZE_MAX, last = 0;
    for (size_t i = type_line; i < R->n && i < type_line + TITLE_LINES; i++) {
        struct line *l = &R->lines[i];
        /* A body's caps line ends a title written in small letters (the
         * HĐND resolution's "HỘI ĐỒNG NHÂN DÂN TỈNH …"); in a Party title
         * written in capitals it is part of the title. */
        if (i > type_line && (match_field(R, l, META_TITLE_STOP) || is_empty(l->clean) ||
                              (title.len && !is_caps(title.data) && match_field(R, l, META_BODY))))
            break;
        const char *s = l->clean;
        while (*s == ' ')
            s++;
        if (*s) {
            if (title.len)
                nqx_buf_addc(&title, ' ');
            nqx_buf_adds(&title, s);
            if (first == SIZE_MAX)
                first = l->s + (size_t)(s - l->clean);
            last = l->e;
        }
        if (i + 1 < R->n && R->lines[i + 1].first > l->last + 1 && title.len)
            break; /* a blank line ends the title */
    }
    if (title.len) {
        meta->title = copy_trimmed(R->doc, title.data);
        meta->title_start = first;
        meta->title_end = last;
        meta->has_title = true;
    }
    nqx_buf_free(&title);
}

static void add_recipient(nqx_meta *meta, const char *r)
{
    if (!r)
        return;
    meta->recipients = nqx_xrealloc(meta->recipients,
                                    (meta->nrecipients + 1) * sizeof *meta->recipients);
    meta->recipients[meta->nrecipients++] = r;
}

static void read_tail(struct reader *R)
{
    nqx_meta *meta = &R->doc->meta;
    size_t from = R->n > TAIL_LINES ? R->n - TAIL_LINES : 0;
    size_t recipients = SIZE_MAX;
    for (size_t i = from; i < R->n; i++)
        if (match_field(R, &R->lines[i], META_RECIPIENTS)) {
            recipients = i;
            blank_match(R, &R->lines[i]);
        }
    /* The signer: authority, position, name, in that order, each on a line
     * of its own or at the end of a recipient's line (two columns). */
    size_t at = recipients != SIZE_MAX ? recipients : from;
    const struct pattern *p;
    for (size_t i = at; i < R->n; i++) {
        struct line *l = &R->lines[i];
        if (!meta->signer_position && (p = match_field(R, l, META_AUTHORITY))) {
            const char *a = copy_group(R, p, "authority", l);
            blank_match(R, l);
            if (!meta->signer_authority) {
                meta->signer_authority = a;
            } else if (a) {
                nqx_buf b = {0};
                nqx_buf_printf(&b, "%s %s", meta->signer_authority, a);
                meta->signer_authority = nqx_arena_strdup(&R->doc->arena, b.data);
                nqx_buf_free(&b);
            }
        }
        if (!meta->signer_position && (p = match_field(R, l, META_POSITION))) {
            meta->signer_position = copy_group(R, p, "position", l);
            blank_match(R, l);
            continue;
        }
        if (meta->signer_position && !meta->signer_name &&
            (p = match_field(R, l, META_NAME))) {
            meta->signer_name = copy_group(R, p, "name", l);
            blank_match(R, l);
        }
    }
    if (recipients == SIZE_MAX)
        return;
    for (size_t i = recipients; i < R->n; i++) {
        char *s = R->lines[i].clean;
        while (*s == ' ')
            s++;
        if (*s != '-' && *s != '+') {
            if (i > recipients && meta->nrecipients && *s && s[0] != '(')
                break;
            continue;
        }
        s++;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == ';' || s[n - 1] == ',' || s[n - 1] == '.'))
            s[--n] = '\0';
        add_recipient(meta, copy_trimmed(R->doc, s));
    }
}

void meta_extract(struct matcher *m, nqx_doc *doc)
{
    if (!doc->norm || !m->rules->nby_role[ROLE_META])
        return;
    struct reader R = {.m = m, .doc = doc, .t = doc->norm};
    read_lines(&R);
    read_header(&R);
    read_tail(&R);
    free(R.lines);
}
