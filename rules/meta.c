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
#define TAIL_SEARCH 400 /* how far from the end "Nơi nhận" is looked for */
#define TITLE_LINES 5
#define SIGNER_ABOVE 4 /* lines above "Nơi nhận" a signature may take */
#define LINE_COPY 600

struct line {
    size_t s, e;           /* span in the normalized text */
    size_t first, last;    /* original lines of its first and last character */
    char clean[LINE_COPY + NQX_TEXT_SLACK]; /* the line with the parts already read blanked */
};

struct reader {
    struct matcher *m;
    nqx_doc *doc;
    const char *t;
    size_t *starts; /* where each line of the text starts */
    size_t nlines;
    struct line *lines; /* the lines being read (header, or signature block) */
    size_t n;
    size_t read_start, read_end; /* the span of the lines a field was read from */
};

/* Matches the meta rules of field f against s[0..n), text that stands at
 * offset `at` of the normalized text; the first that matches wins. Returns
 * the rule's pattern, or NULL. */
static const struct pattern *match_rules(struct reader *R, int f, const char *s, size_t n,
                                         size_t at)
{
    const nqx_rules *r = R->m->rules;
    for (size_t i = 0; i < r->nby_role[ROLE_META]; i++) {
        const struct rule *ru = &r->rules[r->by_role[ROLE_META][i]];
        if (ru->field == f && pattern_match(R->m, &ru->pattern, s, n, 0, 0)) {
            matcher_trace(R->m, r->by_role[ROLE_META][i], at);
            return &ru->pattern;
        }
    }
    return NULL;
}

/* Matches field f against line l (its clean copy). */
static const struct pattern *match_field(struct reader *R, const struct line *l, int f)
{
    return match_rules(R, f, l->clean, strlen(l->clean), l->s);
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

/* A field was read from line l: the block read spans it. */
static void took_line(struct reader *R, const struct line *l)
{
    if (l->s < R->read_start)
        R->read_start = l->s;
    if (l->e > R->read_end)
        R->read_end = l->e;
}

/* Blanks the last match in l: it has been read. */
static void blank_match(struct reader *R, struct line *l)
{
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(R->m->md);
    blank(l, ov[0], ov[1]);
    took_line(R, l);
}

/* Is c a character of a rule drawn in text (under the issuing body, as
 * "-------" or "_______") or of the blanks around it? */
static bool is_rule_char(char c)
{
    return c == ' ' || c == '_' || c == '-' || c == '=' || c == '*';
}

/* Is s[0..n) (up to its end when shorter) only blanks and drawn rules? */
static bool is_empty_n(const char *s, size_t n)
{
    for (; n && *s; s++, n--)
        if (!is_rule_char(*s))
            return false;
    return true;
}

static bool is_empty(const char *s)
{
    return is_empty_n(s, SIZE_MAX);
}

/* Copies s into the arena with runs of spaces made one (parts blanked out
 * of a line leave runs) and the ends trimmed, drawn rules with them; NULL
 * when nothing is left. */
static const char *copy_trimmed(nqx_doc *doc, const char *s)
{
    size_t n = strlen(s);
    while (n && (is_rule_char(s[n - 1]) || s[n - 1] == ';' || s[n - 1] == ','))
        n--;
    while (n && is_rule_char(*s))
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

/* Fills l with t[ls, le). */
static void load_line(struct reader *R, size_t ls, size_t le, struct line *l)
{
    l->s = ls;
    l->e = le;
    l->first = nqx_doc_line(R->doc, ls, NULL);
    l->last = le > ls ? nqx_doc_line(R->doc, le - 1, NULL) : l->first;
    size_t n = le - ls < LINE_COPY - 1 ? le - ls : nqx_utf8_floor(R->t + ls, LINE_COPY - 1);
    memcpy(l->clean, R->t + ls, n);
    memset(l->clean + n, 0, sizeof l->clean - n); /* NQX_TEXT_SLACK */
}

/* Where every line starts (the signature block is looked for from the end,
 * and may stand before an appendix). */
static void index_lines(struct reader *R)
{
    const char *t = R->t;
    size_t len = R->doc->norm_len, cap = 0;
    for (size_t ls = 0; ls < len;) {
        const char *nl = memchr(t + ls, '\n', len - ls);
        void *v = R->starts;
        nqx_grow(&v, &cap, R->nlines + 2, sizeof *R->starts);
        R->starts = v;
        R->starts[R->nlines++] = ls;
        ls = nl ? (size_t)(nl - t) + 1 : len;
    }
    /* One past the last line's end, so that line i is [starts[i],
     * starts[i + 1] - 1) for every line. */
    if (R->starts)
        R->starts[R->nlines] = len && t[len - 1] == '\n' ? len : len + 1;
}

/* Loads lines [from, to) into R->lines; pipes of a layout table become
 * column breaks: each cell a line of its own when split_cells. */
static void read_lines(struct reader *R, size_t from, size_t to, bool split_cells)
{
    size_t cap = 0;
    R->n = 0;
    for (size_t i = from; i < to; i++) {
        size_t ls = R->starts[i], le = R->starts[i + 1] - 1;
        for (size_t cs = ls; cs <= le;) {
            const char *bar = split_cells ? memchr(R->t + cs, '|', le - cs) : NULL;
            size_t ce = bar ? (size_t)(bar - R->t) : le;
            void *v = R->lines;
            nqx_grow(&v, &cap, R->n + 1, sizeof *R->lines);
            R->lines = v;
            struct line *l = &R->lines[R->n++];
            load_line(R, cs, ce, l);
            for (char *c = l->clean; (c = strchr(c, '|'));)
                *c = ' ';
            cs = ce + 1;
        }
    }
}

/* Does the line end with a label's colon ("Số:"), the value on the next
 * line? Text pulled from a table breaks lines there. */
static bool ends_with_colon(const struct line *l)
{
    size_t n = strlen(l->clean);
    while (n && l->clean[n - 1] == ' ')
        n--;
    return n && l->clean[n - 1] == ':';
}

/* Matches field f against line l followed by the next line, joined by a
 * space into *probe; the pattern, or NULL. The match's part in each line
 * is blanked there. */
static const struct pattern *match_joined(struct reader *R, struct line *l, struct line *next,
                                          int f, struct line *probe)
{
    size_t n1 = strlen(l->clean), n2 = strlen(next->clean);
    if (n1 + 1 + n2 >= LINE_COPY)
        return NULL;
    *probe = *l;
    probe->e = next->e;
    probe->last = next->last;
    probe->clean[n1] = ' ';
    memcpy(probe->clean + n1 + 1, next->clean, n2 + 1);
    const struct pattern *p = match_field(R, probe, f);
    if (!p)
        return NULL;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(R->m->md);
    size_t s = ov[0], e = ov[1];
    if (s < n1)
        blank(l, s, e < n1 ? e : n1);
    if (e > n1 + 1)
        blank(next, s > n1 + 1 ? s - n1 - 1 : 0, e - n1 - 1);
    return p;
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
            /* The body may come first in the line: Word's header table
             * holds it and the number as paragraphs of one cell. */
            bool body_first = !is_empty_n(l->clean, pcre2_get_ovector_pointer(R->m->md)[0]);
            meta->number = copy_group(R, p, "number", l);
            blank_match(R, l);
            if (stop == n)
                stop = body_first ? i + 1 : i;
        } else if (!meta->number && i + 1 < n && ends_with_colon(l)) {
            struct line probe;
            if ((p = match_joined(R, l, &R->lines[i + 1], META_NUMBER, &probe))) {
                meta->number = copy_group(R, p, "number", &probe);
                if (stop == n)
                    stop = i;
            }
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
                    nqx_doc_warn_check(R->doc, "date.invalid", l->s + ws, l->s + we,
                                       "the date of issue '%.*s' does not exist; left out",
                                       (int)(we - ws), l->clean + ws);
                }
            }
            meta->place = copy_group(R, p, "place", l);
            blank_match(R, l);
            if (stop == n)
                stop = i;
        }
        if (!meta->number && !meta->number_blank && match_field(R, l, META_NUMBER_BLANK)) {
            meta->number_blank = true;
            blank_match(R, l);
            if (stop == n)
                stop = i;
        }
        if (!meta->date && !meta->date_blank && (p = match_field(R, l, META_DATE_BLANK))) {
            meta->date_blank = true;
            if (!meta->place)
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
                meta->type = doc_type_code(R->m->rules, l->clean + ts, te - ts);
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
    meta->header_end = last > R->lines[type_line].e ? last : R->lines[type_line].e;
    if (title.len) {
        meta->title = copy_trimmed(R->doc, title.data);
        meta->title_start = first;
        meta->title_end = last;
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

/* Recipients of the "Nơi nhận" list in the clean text s: items open with
 * "-" or "+" at the start or after the ";" "," "." that closed the one
 * before (a list joined into one line), and end there. Items are blanked. */
static void read_recipients(struct reader *R, char *s)
{
    nqx_meta *meta = &R->doc->meta;
    char *item = NULL;
    for (char *c = s;; c++) {
        bool opens = false;
        if (*c == '-' || *c == '+') {
            char *b = c;
            while (b > s && b[-1] == ' ')
                b--;
            opens = b == s || b[-1] == ';' || b[-1] == ',' || b[-1] == '.';
        }
        if (item && (opens || !*c)) {
            char *e = c;
            while (e > item && strchr(" ;,.:", e[-1]))
                e--;
            char saved = *e;
            *e = '\0';
            add_recipient(meta, copy_trimmed(R->doc, item));
            *e = saved;
            memset(item - 1, ' ', (size_t)(c - item) + 1);
            item = NULL;
        }
        if (!*c)
            break;
        if (opens)
            item = c + 1;
    }
}

/* Does a meta rule of field f match line i of the text, in place? The
 * lines a search only looks at are not copied (load_line) as the lines
 * read part by part are. */
static bool line_matches(struct reader *R, size_t i, int f)
{
    size_t ls = R->starts[i], le = R->starts[i + 1] - 1;
    return match_rules(R, f, R->t + ls, le - ls, ls) != NULL;
}

/* The signature block: from the last "Nơi nhận" (it may stand before an
 * appendix), else the last lines. The recipients first, then the signer:
 * authority, position, name, in that order, each on a line or in a cell of
 * its own or at the end of a line (two columns). */
static void read_signer(struct reader *R);

/* The signature block of the lines before `end` (the end of the text, or
 * where its appendices begin). */
static void read_tail(struct reader *R, size_t end)
{
    nqx_meta *meta = &R->doc->meta;
    size_t from = end > TAIL_LINES ? end - TAIL_LINES : 0;
    size_t search = end > TAIL_SEARCH ? end - TAIL_SEARCH : 0;
    bool found = false;
    for (size_t i = end; i-- > search && !found;)
        if ((found = line_matches(R, i, META_RECIPIENTS)))
            from = i;
    /* Without a header nor a "Nơi nhận", what looks like a signature is
     * not reported (a fragment, a news text). */
    if (!found && !meta->type)
        return;
    R->read_start = SIZE_MAX;
    R->read_end = 0;
    size_t to = from + TAIL_LINES < end ? from + TAIL_LINES : end;
    read_lines(R, from, to, true);
    bool in_list = false;
    for (size_t i = 0; i < R->n; i++) {
        struct line *l = &R->lines[i];
        if (match_field(R, l, META_RECIPIENTS)) {
            blank_match(R, l);
            in_list = true;
        }
        const char *s = l->clean;
        while (*s == ' ')
            s++;
        if (in_list && (*s == '-' || *s == '+')) {
            /* A signer's part on the same line (two columns) is not a
             * recipient: the list stops where it starts. */
            size_t cut = strlen(l->clean);
            /* (a name is cut after the '.' or ';' its pattern starts with) */
            const int signer[] = {META_AUTHORITY, META_POSITION, META_NAME};
            for (size_t k = 0; k < 3; k++)
                if (match_field(R, l, signer[k])) {
                    size_t at = pcre2_get_ovector_pointer(R->m->md)[0];
                    if (signer[k] == META_NAME && l->clean[at] != ' ')
                        at++;
                    cut = at < cut ? at : cut;
                }
            char saved = l->clean[cut];
            l->clean[cut] = '\0';
            read_recipients(R, l->clean);
            l->clean[cut] = saved;
            took_line(R, l);
        }
        else if (in_list && *s && *s != '(' && meta->nrecipients)
            in_list = false;
    }
    read_signer(R);
    /* A signature may stand above "Nơi nhận" rather than beside or after
     * it: then it is in the few lines before. */
    if (found && !meta->signer_position && !meta->signer_authority && from > 0) {
        read_lines(R, from > SIGNER_ABOVE ? from - SIGNER_ABOVE : 0, from, true);
        read_signer(R);
    }
    /* The block is what was read from "Nơi nhận" on; the text after it
     * (an appendix, the regulation a decision issues) is body text again. */
    if (found) {
        meta->tail_start = R->read_start < R->starts[from] ? R->read_start : R->starts[from];
        size_t last = R->read_end > R->starts[from] ? R->read_end : R->starts[from];
        size_t next = nqx_last_at_most(R->starts, R->nlines, last) + 1;
        meta->tail_end = next < R->nlines ? R->starts[next] : R->doc->norm_len;
    }
}

/* Authority, position and name, in that order, in the lines read. */
static void read_signer(struct reader *R)
{
    nqx_meta *meta = &R->doc->meta;
    const struct pattern *p;
    for (size_t i = 0; i < R->n; i++) {
        struct line *l = &R->lines[i];
        if (!meta->signer_position && (p = match_field(R, l, META_AUTHORITY))) {
            /* "TM. ỦY BAN NHÂN DÂN" over "KT. CHỦ TỊCH": the authority the
             * signer signs with is the one right above the position. */
            meta->signer_authority = copy_group(R, p, "authority", l);
            blank_match(R, l);
        }
        if (!meta->signer_position && (p = match_field(R, l, META_POSITION))) {
            meta->signer_position = copy_group(R, p, "position", l);
            blank_match(R, l);
        }
        if ((meta->signer_position || meta->signer_authority) && !meta->signer_name &&
            (p = match_field(R, l, META_NAME))) {
            meta->signer_name = copy_group(R, p, "name", l);
            blank_match(R, l);
        }
    }
}

/* The line where the first appendix of a typed document begins ("Phụ lục
 * I" on a line of its own, after the header), or 0 when none does: the
 * appendix rules search the text after the header once. */
static size_t appendix_line(struct reader *R)
{
    const nqx_meta *meta = &R->doc->meta;
    const nqx_rules *r = R->m->rules;
    size_t first = SIZE_MAX;
    for (size_t k = 0; meta->type && k < r->nby_role[ROLE_META]; k++) {
        size_t idx = r->by_role[ROLE_META][k];
        if (r->rules[idx].field != META_APPENDIX ||
            !pattern_match(R->m, &r->rules[idx].pattern, R->t, R->doc->norm_len,
                           meta->header_end, 0))
            continue;
        size_t at = pcre2_get_ovector_pointer(R->m->md)[0];
        matcher_trace(R->m, idx, at);
        if (at < first)
            first = at;
    }
    return first == SIZE_MAX ? 0 : nqx_last_at_most(R->starts, R->nlines, first);
}

void meta_extract(struct matcher *m, nqx_doc *doc)
{
    if (!doc->norm || !m->rules->nby_role[ROLE_META])
        return;
    struct reader R = {.m = m, .doc = doc, .t = doc->norm};
    index_lines(&R);
    if (R.nlines) {
        read_lines(&R, 0, R.nlines < HEADER_LINES ? R.nlines : HEADER_LINES, false);
        read_header(&R);
        /* The signature stands before the appendices (a decree's, a law's
         * lists and forms), else at the end. */
        size_t end = appendix_line(&R);
        const nqx_meta *meta = &doc->meta;
        read_tail(&R, end ? end : R.nlines);
        if (end && !meta->signer_name && !meta->signer_position && !meta->signer_authority &&
            !meta->nrecipients)
            read_tail(&R, R.nlines);
    }
    free(R.lines);
    free(R.starts);
}
