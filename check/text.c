/* The checks that read the characters and words of the text: text.nfd and
 * text.invalid-char (the original text, before normalization), tone.mixed
 * (both tone-mark styles, SPEC §4.1) and abbr.unknown. */
#include "check/check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* ---- Characters ------------------------------------------------------------- */

static bool bad_char(UChar32 c, bool *error)
{
    *error = true;
    if (c == 0xFFFD || (c & 0xFFFE) == 0xFFFE || (c >= 0xFDD0 && c <= 0xFDEF))
        return true;
    int8_t type = u_charType(c);
    if (type == U_PRIVATE_USE_CHAR || type == U_UNASSIGNED || type == U_SURROGATE)
        return true;
    if (type == U_CONTROL_CHAR && c != '\t' && c != '\n')
        return true;
    /* Invisible format characters (zero-width space, a byte-order mark
     * inside the text) survive copy and paste and break searches. */
    *error = false;
    return type == U_FORMAT_CHAR && c != 0xAD;
}

/* text.nfd: a letter followed by a combining mark (the file is decomposed);
 * text.invalid-char: characters a document should not hold. One finding per
 * line each. */
static void check_chars(struct checker *c)
{
    const nqx_doc *doc = c->doc;
    bool nfd = check_enabled(c, "text.nfd"), inv = check_enabled(c, "text.invalid-char");
    for (size_t l = 0; l < doc->nlines && (nfd || inv); l++) {
        size_t s = doc->line_starts[l];
        size_t e = l + 1 < doc->nlines ? doc->line_starts[l + 1] : doc->text_len;
        bool nfd_done = !nfd, inv_done = !inv;
        UChar32 prev = 0;
        size_t col = 0;
        for (int32_t i = (int32_t)s, n = (int32_t)e; i < n && !(nfd_done && inv_done);) {
            UChar32 ch;
            U8_NEXT(doc->text, i, n, ch);
            col++;
            if (ch < 0)
                ch = 0xFFFD;
            bool error;
            if (!nfd_done && u_charType(ch) == U_NON_SPACING_MARK && u_isalpha(prev)) {
                check_report(c, "text.nfd", NQX_WARNING, l + 1, col,
                             _("decomposed character (a letter, then the combining mark "
                               "U+%04X): save the file in composed form (NFC)"),
                             (unsigned)ch);
                nfd_done = true;
            } else if (!inv_done && bad_char(ch, &error)) {
                check_report(c, "text.invalid-char", error ? NQX_ERROR : NQX_WARNING, l + 1,
                             col,
                             error ? _("character U+%04X does not belong in a document (a "
                                       "lost or private-use character): retype it")
                                   : _("invisible character U+%04X: delete it"),
                             (unsigned)ch);
                inv_done = true;
            }
            prev = ch;
        }
    }
    /* extract/ drops control characters, and says so on their line. */
    for (size_t i = 0; inv && i < doc->ndiags; i++) {
        const nqx_diag *d = &doc->diags[i];
        if (d->check && !strcmp(d->check, "text.invalid-char") && d->line)
            check_report(c, "text.invalid-char", NQX_ERROR, d->line, 0,
                         _("control characters in this line (left over from a conversion): "
                           "delete them"));
    }
}

/* ---- Tone-mark style ------------------------------------------------------------ */

struct tone_seen {
    size_t count, line, column;
    char word[64];
};

/* The style of a word whose tone mark sits on an open-syllable pair of
 * rules/97-check.rules (oa, oe, uy): 1 old (hoà), 2 new (hòa), 0 neither. */
static int tone_style(const struct checker *c, const UNormalizer2 *nfd, const char *w,
                      size_t n)
{
    UChar in[64], out[128];
    int32_t len;
    UErrorCode ec = U_ZERO_ERROR;
    if (n >= 48)
        return 0;
    u_strFromUTF8(in, 64, &len, w, (int32_t)n, &ec);
    if (U_FAILURE(ec))
        return 0;
    int32_t m = unorm2_normalize(nfd, in, len, out, 128, &ec);
    if (U_FAILURE(ec))
        return 0;
    char base[64];
    bool quality[64] = {false};
    int nb = 0, tone_at = -1;
    for (int32_t i = 0; i < m; i++) {
        UChar ch = out[i];
        if (ch == 0x300 || ch == 0x301 || ch == 0x303 || ch == 0x309 || ch == 0x323) {
            if (nb)
                tone_at = nb - 1;
        } else if (ch == 0x302 || ch == 0x306 || ch == 0x31B) {
            if (nb)
                quality[nb - 1] = true;
        } else if (nb < 63) {
            UChar32 low = u_tolower(ch);
            base[nb++] = low < 0x80 ? (char)low : '#';
        }
    }
    if (nb < 2 || tone_at < nb - 2 || quality[nb - 1] || quality[nb - 2])
        return 0;
    if (nb >= 3 && base[nb - 3] == 'q')
        return 0; /* after qu the u is part of the consonant: quý */
    const char *pair;
    for (size_t k = 0; (pair = nqx_rules_list_entry(c->rules, "check-tone-pair", k, NULL)); k++)
        if (strlen(pair) == 2 && base[nb - 2] == pair[0] && base[nb - 1] == pair[1])
            return tone_at == nb - 1 ? 1 : 2;
    return 0;
}

static void note_word(struct tone_seen *t, const char *w, size_t n, size_t line, size_t col)
{
    if (!t->count++) {
        t->line = line;
        t->column = col;
        snprintf(t->word, sizeof t->word, "%.*s", (int)(n < 60 ? n : 60), w);
    }
}

static void check_tone(struct checker *c)
{
    const nqx_doc *doc = c->doc;
    UErrorCode ec = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&ec);
    if (U_FAILURE(ec))
        return;
    struct tone_seen old = {0}, fresh = {0};
    for (size_t l = 0; l < doc->nlines; l++) {
        size_t s = doc->line_starts[l];
        size_t e = l + 1 < doc->nlines ? doc->line_starts[l + 1] : doc->text_len;
        size_t col = 0, wcol = 0;
        int32_t ws = -1;
        bool wide = false;
        for (int32_t i = (int32_t)s, n = (int32_t)e; i <= n;) {
            int32_t at = i;
            UChar32 ch = -1;
            if (i < n)
                U8_NEXT(doc->text, i, n, ch);
            else
                i++;
            col++;
            bool letter = ch > 0 && (u_isalpha(ch) || u_charType(ch) == U_NON_SPACING_MARK);
            if (letter && ws < 0) {
                ws = at, wcol = col, wide = false;
            }
            if (letter && ch >= 0x80)
                wide = true;
            if (!letter && ws >= 0) {
                if (wide) {
                    int st = tone_style(c, nfd, doc->text + ws, (size_t)(at - ws));
                    if (st)
                        note_word(st == 1 ? &old : &fresh, doc->text + ws, (size_t)(at - ws),
                                  l + 1, wcol);
                }
                ws = -1;
            }
        }
    }
    if (old.count && fresh.count) {
        nqx_finding *f = check_report(
            c, "tone.mixed", NQX_WARNING, old.line, old.column,
            _("'%s' puts the tone mark in the old style, while %zu other words use the new "
              "style: use one style (new: hòa, khỏe, thủy)"),
            old.word, fresh.count);
        check_note(f, fresh.line, fresh.column, _("'%s' is in the new style"), fresh.word);
    }
}

/* ---- Abbreviations ------------------------------------------------------------- */

struct words {
    char **v;
    size_t n, cap;
};

static void words_add(struct words *w, const char *s, size_t n)
{
    void *p = w->v;
    nqx_grow(&p, &w->cap, w->n + 1, sizeof *w->v);
    w->v = p;
    w->v[w->n++] = nqx_xstrndup(s, n);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Calls add for each run of two or more letters, all upper case, of s
 * (a word holding a digit or '/' is a number or a code: skipped). */
static void caps_tokens(const char *s, size_t n, void (*add)(void *, const char *, size_t),
                        void *ctx)
{
    for (size_t w = 0; w < n;) {
        size_t we = w;
        bool code = false;
        while (we < n && s[we] != ' ' && s[we] != '\n') {
            code |= (s[we] >= '0' && s[we] <= '9') || s[we] == '/';
            we++;
        }
        int32_t ts = -1, letters = 0;
        bool upper = true;
        for (int32_t i = (int32_t)w, e = (int32_t)we; !code && i <= e;) {
            int32_t at = i;
            UChar32 ch = -1;
            if (i < e)
                U8_NEXT(s, i, e, ch);
            else
                i++;
            if (ch > 0 && u_isalpha(ch)) {
                if (ts < 0)
                    ts = at, letters = 0, upper = true;
                letters++;
                upper &= u_isupper(ch) != 0;
            } else if (ts >= 0) {
                if (upper && letters >= 2)
                    add(ctx, s + ts, (size_t)(at - ts));
                ts = -1;
            }
        }
        w = we + 1;
    }
}

static void add_known(void *ctx, const char *s, size_t n) { words_add(ctx, s, n); }

static bool is_roman(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("IVXLCDM", s[i]))
            return false;
    return true;
}

struct abbr_scan {
    struct checker *c;
    struct words *known, reported;
    size_t line_start; /* normalized offset of the line being read */
    const char *line;
};

/* Does the token hold a letter beyond ASCII other than Đ? Abbreviations
 * are consonants and plain vowels ("UBND", "HĐND", "TTĐT"); a vowel with a
 * mark makes a word written in capitals ("VỀ", "QUỐC", "ỦY"), from a heading
 * or for emphasis. */
static bool marked_word(const char *s, size_t n)
{
    for (int32_t i = 0, e = (int32_t)n; i < e;) {
        UChar32 ch;
        U8_NEXT(s, i, e, ch);
        if (ch >= 0x80 && ch != 0x110)
            return true;
    }
    return false;
}

static void check_token(void *ctx, const char *s, size_t n)
{
    struct abbr_scan *a = ctx;
    if (is_roman(s, n) || marked_word(s, n))
        return;
    char *key = nqx_xstrndup(s, n);
    bool known = bsearch(&key, a->known->v, a->known->n, sizeof *a->known->v, by_string);
    for (size_t i = 0; !known && i < a->reported.n; i++)
        known = !strcmp(a->reported.v[i], key);
    if (!known) {
        size_t col, line = nqx_doc_line(a->c->doc, a->line_start + (size_t)(s - a->line), &col);
        if (check_report(a->c, "abbr.unknown", NQX_WARNING, line, col,
                         _("'%s' is not a known abbreviation (a body of the gazetteer or a "
                           "common one): write it out in full at its first use"),
                         key))
            words_add(&a->reported, key, n);
    }
    free(key);
}

/* Is the line written in capitals (a heading)? Its words are not
 * abbreviations. */
static bool caps_line(const char *s, size_t n)
{
    size_t up = 0, low = 0;
    for (int32_t i = 0, e = (int32_t)n; i < e;) {
        UChar32 ch;
        U8_NEXT(s, i, e, ch);
        if (ch > 0 && u_isupper(ch))
            up++;
        else if (ch > 0 && u_islower(ch))
            low++;
    }
    return up > low;
}

static void check_abbreviations(struct checker *c)
{
    static const char *const lists[] = {
        "body-name",       "body-organ",      "body-head", "body-field", "body-level",
        "collective-noun", "collective-tail", "body-purpose-head", "doc-code",
        "check-abbreviation",
    };
    const nqx_doc *doc = c->doc;
    if (!doc->norm)
        return;
    struct words known = {0};
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
        const char *p, *v;
        for (size_t i = 0; (p = nqx_rules_list_entry(c->rules, lists[k], i, &v)); i++) {
            caps_tokens(p, strlen(p), add_known, &known);
            if (v)
                caps_tokens(v, strlen(v), add_known, &known);
        }
    }
    qsort(known.v, known.n, sizeof *known.v, by_string);
    struct abbr_scan a = {c, &known, {0}, 0, NULL};
    size_t from = doc->meta.header_end, to = doc->meta.tail_start;
    if (!to || to > doc->norm_len)
        to = doc->norm_len;
    for (size_t s = from; s < to && a.reported.n < MAX_PER_CHECK;) {
        const char *nl = memchr(doc->norm + s, '\n', to - s);
        size_t e = nl ? (size_t)(nl - doc->norm) : to;
        if (!caps_line(doc->norm + s, e - s)) {
            a.line_start = s;
            a.line = doc->norm + s;
            caps_tokens(doc->norm + s, e - s, check_token, &a);
        }
        s = e + 1;
    }
    for (size_t i = 0; i < known.n; i++)
        free(known.v[i]);
    free(known.v);
    for (size_t i = 0; i < a.reported.n; i++)
        free(a.reported.v[i]);
    free(a.reported.v);
}

void check_text(struct checker *c)
{
    check_chars(c);
    if (check_enabled(c, "tone.mixed"))
        check_tone(c);
    if (check_enabled(c, "abbr.unknown"))
        check_abbreviations(c);
}
