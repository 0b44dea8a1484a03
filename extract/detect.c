/* Telling the encoding of an input without a byte-order mark: decode a
 * sample with every candidate and score each decoding as Vietnamese. The
 * first bytes alone prove nothing (every 8-bit code maps every byte to
 * something); what tells them apart is that only the right one gives
 * syllables Vietnamese can have: an onset, a vowel nucleus, a coda, at
 * most one tone mark, and a tone a stop coda allows. */
#include "extract/encoding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* Only the first SAMPLE_BYTES are scored per candidate, so that detection
 * costs the same on a 1 GB file as on a 64 KB one. */
#define SAMPLE_BYTES (64 * 1024)
/* The winner must read as at least MIN_NET more good syllables than bad
 * words, MARGIN more than any candidate giving different text, and mostly
 * Vietnamese (MIN_GOOD_PERCENT of its scored words). */
#define MIN_NET 2
#define MARGIN 2
#define MIN_GOOD_PERCENT 75
/* A word longer than this is no syllable (the longest is "nghiêng", 7). */
#define MAX_SYLLABLE 12

/* ---- One syllable ------------------------------------------------------- */

/* Letters are coded one byte each: ASCII for the plain ones, capitals for
 * the modified vowels and đ (the word is lower-cased first). */
enum { BREVE_A = 'B', CIRC_A = 'A', CIRC_E = 'E', CIRC_O = 'O', HORN_O = 'P', HORN_U = 'U' };

static const char *const onsets[] = {
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "D",
    "g",   "h",  "k",  "l",  "m",  "n",  "p",  "r",  "s",  "t",  "v", "x", "",
};

/* Vowel nuclei (with their glides); '-' after one: it takes no coda, '+':
 * it needs one. */
static const char *const nuclei[] = {
    "iEu-", "yEu-", "oai-", "oao-", "oay-", "oeo-", "uAy-", "uOi-", "UPi-", "UPu-", "uya-",
    "uyu-", "uyE+", "ai-",  "ao-",  "au-",  "ay-",  "Au-",  "Ay-",  "eo-",  "Eu-",  "ia-",
    "iu-",  "oi-",  "Oi-",  "Pi-",  "ua-",  "ui-",  "Ua-",  "Ui-",  "Uu-",  "iE+",  "yE+",
    "uO+",  "UP+",  "uA+",  "oa",   "oB+",  "oe",   "oo+",  "uE",   "uP",   "uy",   "a",
    "B+",   "A+",   "e",    "E",    "i",    "o",    "O",    "P",    "u",    "U",    "y",
};

static const char *const codas[] = {"ch", "ng", "nh", "c", "m", "n", "p", "t", ""};

static bool is_vowel_code(char c)
{
    return c && strchr("aBAeEioOPuUy", c) != NULL;
}

/* The tone marks, as combining characters after NFD. */
static bool is_tone_mark(UChar c)
{
    return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

/* The code of base letter b with modifier m (0: none), or 0. */
static char letter_code(UChar b, UChar m)
{
    if (b == 0x111)
        return m ? 0 : 'D';
    if (b < 'a' || b > 'z' || b == 'f' || b == 'j' || b == 'w' || b == 'z')
        return 0;
    if (!m)
        return (char)b;
    if (b == 'a')
        return m == 0x306 ? BREVE_A : m == 0x302 ? CIRC_A : 0;
    if (b == 'e')
        return m == 0x302 ? CIRC_E : 0;
    if (b == 'o')
        return m == 0x302 ? CIRC_O : m == 0x31B ? HORN_O : 0;
    if (b == 'u')
        return m == 0x31B ? HORN_U : 0;
    return 0;
}

/* Fills code with the word's letters and *tone with its tone mark (0 for
 * none). False when it holds something no syllable has. */
static bool code_word(const UChar *w, int32_t n, char *code, UChar *tone)
{
    size_t len = 0;
    *tone = 0;
    for (int32_t i = 0; i < n;) {
        UChar base = w[i++], mod = 0;
        for (; i < n && u_getCombiningClass(w[i]) != 0; i++) {
            if (is_tone_mark(w[i]) && !*tone)
                *tone = w[i];
            else if (!is_tone_mark(w[i]) && !mod)
                mod = w[i];
            else
                return false; /* two tones, or two modifiers */
        }
        char c = letter_code(base, mod);
        if (!c || len == MAX_SYLLABLE)
            return false;
        code[len++] = c;
    }
    code[len] = '\0';
    return len > 0;
}

static bool stop_coda(const char *coda)
{
    return !strcmp(coda, "c") || !strcmp(coda, "ch") || !strcmp(coda, "p") || !strcmp(coda, "t");
}

/* Does rhyme (after the onset) split into a nucleus and a coda that fit? */
static bool valid_rhyme(const char *onset, const char *rhyme, UChar tone)
{
    for (size_t i = 0; i < sizeof nuclei / sizeof *nuclei; i++) {
        size_t n = strcspn(nuclei[i], "-+");
        if (strncmp(rhyme, nuclei[i], n))
            continue;
        const char *coda = rhyme + n;
        bool known = false;
        for (size_t k = 0; k < sizeof codas / sizeof *codas && !known; k++)
            known = !strcmp(coda, codas[k]);
        if (!known || (nuclei[i][n] == '-' && *coda) || (nuclei[i][n] == '+' && !*coda))
            continue;
        if ((!strcmp(coda, "ch") || !strcmp(coda, "nh")) && !strchr("aEiy", rhyme[n - 1]))
            continue;
        /* After a stop only the rising (sắc) and the heavy (nặng) tone. */
        if (stop_coda(coda) && tone && tone != 0x301 && tone != 0x323)
            continue;
        /* k, gh, ngh before the front vowels, c and g/ng elsewhere. */
        bool front = strchr("eEiy", rhyme[0]) != NULL;
        if ((!strcmp(onset, "k") || !strcmp(onset, "gh") || !strcmp(onset, "ngh")) && !front)
            continue;
        if ((!strcmp(onset, "c") || !strcmp(onset, "ng")) && front)
            continue;
        return true;
    }
    return false;
}

static bool valid_code(const char *code, UChar tone)
{
    for (size_t i = 0; i < sizeof onsets / sizeof *onsets; i++) {
        size_t n = strlen(onsets[i]);
        if (!strncmp(code, onsets[i], n) && is_vowel_code(code[n]) &&
            valid_rhyme(onsets[i], code + n, tone))
            return true;
    }
    return false;
}

/* The word lower-cased and in NFD, in out (of cap units); its length, or -1
 * when it does not fit. */
static int32_t lower_nfd(const char *utf8, size_t len, UChar *out, int32_t cap)
{
    UChar raw[64], lower[64];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    if (len > 4 * MAX_SYLLABLE * 3)
        return -1;
    u_strFromUTF8(raw, 64, &n, utf8, (int32_t)len, &st);
    if (U_FAILURE(st) || n >= 64)
        return -1;
    n = u_strToLower(lower, 64, raw, n, "", &st);
    if (U_FAILURE(st) || n >= 64)
        return -1;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    n = U_SUCCESS(st) ? unorm2_normalize(nfd, lower, n, out, cap, &st) : -1;
    return U_SUCCESS(st) && n < cap ? n : -1;
}

bool vn_is_syllable(const char *utf8, size_t len)
{
    UChar w[64];
    int32_t n = lower_nfd(utf8, len, w, 64);
    char code[MAX_SYLLABLE + 1];
    UChar tone;
    return n > 0 && code_word(w, n, code, &tone) && valid_code(code, tone);
}

/* A word with no vowel and no mark (HĐND, ĐBSCL): an abbreviation, which
 * says nothing for or against an encoding. */
static bool is_abbreviation(const char *utf8, size_t len)
{
    UChar w[64];
    int32_t n = lower_nfd(utf8, len, w, 64);
    if (n <= 0)
        return false;
    for (int32_t i = 0; i < n; i++)
        if (u_getCombiningClass(w[i]) || strchr("aeiouy", w[i] < 0x80 ? (char)w[i] : 'a'))
            return false;
    return true;
}

/* ---- A text ------------------------------------------------------------------ */

static bool is_word_char(UChar32 c)
{
    int8_t t = u_charType(c);
    return u_isalpha(c) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK ||
           t == U_ENCLOSING_MARK;
}

/* Characters outside ASCII that Vietnamese documents do hold between words:
 * spaces, typographic punctuation, a few signs. */
static bool is_usual_sign(UChar32 c)
{
    return u_isUWhiteSpace(c) || (c >= 0x2010 && c <= 0x205E) || c == 0xAB || c == 0xBB ||
           c == 0xB0 || c == 0xB1 || c == 0xB2 || c == 0xB3 || c == 0xB7 || c == 0xA7 ||
           c == 0x2116 || c == 0x20AB || c == 0x20AC || c == 0x2122 || c == 0x2192;
}

static void score_word(const char *w, size_t len, bool non_ascii, struct vn_score *sc)
{
    if (!non_ascii)
        return;
    if (vn_is_syllable(w, len))
        sc->good++;
    else if (!is_abbreviation(w, len))
        sc->bad++;
}

struct vn_score vn_score_text(const char *utf8, size_t len)
{
    struct vn_score sc = {0, 0};
    const uint8_t *s = (const uint8_t *)utf8;
    int32_t n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
    int32_t word = -1; /* where the current word starts */
    bool non_ascii = false;
    for (int32_t i = 0; i < n;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c >= 0 && is_word_char(c)) {
            if (word < 0) {
                word = at, non_ascii = false;
                if (u_getCombiningClass(c))
                    sc.bad++; /* a mark on nothing */
            }
            non_ascii |= c >= 0x80;
            continue;
        }
        if (word >= 0)
            score_word(utf8 + word, (size_t)(at - word), non_ascii, &sc);
        word = -1;
        if (c < 0 || (c >= 0x80 && c <= 0x9F) || c == 0xFFFD)
            sc.bad += 2;
        else if (c >= 0x80 && !is_usual_sign(c))
            sc.bad++;
    }
    if (word >= 0)
        score_word(utf8 + word, (size_t)(n - word), non_ascii, &sc);
    return sc;
}

size_t utf8_valid_prefix(const uint8_t *s, size_t n)
{
    size_t i = 0;
    for (size_t k; i < n && (k = utf8_sequence(s, i, n)); i += k)
        ;
    return i;
}

/* ---- Choosing ----------------------------------------------------------------- */

struct candidate {
    const char *name;
    struct vn_score score;
    long net;
    UChar *nfc; /* the decoded sample in NFC, to tell equal decodings apart */
    int32_t nfc_len;
};

/* The sample: the first SAMPLE_BYTES, cut after the last white space so
 * that no multi-byte sequence is cut. */
static size_t sample_length(const uint8_t *s, size_t n)
{
    if (n <= SAMPLE_BYTES)
        return n;
    for (size_t k = SAMPLE_BYTES; k > SAMPLE_BYTES / 2; k--)
        if (s[k - 1] == ' ' || s[k - 1] == '\n' || s[k - 1] == '\r' || s[k - 1] == '\t')
            return k;
    return SAMPLE_BYTES;
}

static void score_candidate(struct candidate *c, const char *name, const char *utf8, size_t len)
{
    c->name = name;
    c->score = vn_score_text(utf8, len);
    c->net = (long)c->score.good - 2 * (long)c->score.bad;
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, utf8, (int32_t)len, &st);
    UChar *u = nqx_xmalloc(((size_t)n16 + 1) * sizeof *u);
    st = U_ZERO_ERROR;
    u_strFromUTF8(u, n16 + 1, NULL, utf8, (int32_t)len, &st);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    int32_t cap = 2 * n16 + 16;
    c->nfc = nqx_xmalloc((size_t)cap * sizeof *c->nfc);
    c->nfc_len = U_SUCCESS(st) ? unorm2_normalize(nfc, u, n16, c->nfc, cap, &st) : 0;
    if (U_FAILURE(st))
        c->nfc_len = 0;
    free(u);
}

static bool same_text(const struct candidate *a, const struct candidate *b)
{
    return a->nfc_len == b->nfc_len &&
           !memcmp(a->nfc, b->nfc, (size_t)a->nfc_len * sizeof *a->nfc);
}

/* Is c clearly the best of the ncand candidates? */
static bool clearly_best(const struct candidate *cands, size_t ncand, size_t best)
{
    const struct candidate *c = &cands[best];
    size_t scored = c->score.good + c->score.bad;
    if (c->net < MIN_NET || c->score.good * 100 < scored * MIN_GOOD_PERCENT)
        return false;
    for (size_t i = 0; i < ncand; i++)
        if (i != best && !same_text(&cands[i], c) && c->net - cands[i].net < MARGIN)
            return false;
    return true;
}

/* Valid UTF-8 with this many characters beyond ASCII is UTF-8: the bytes
 * of an 8-bit code form a valid sequence by chance only now and then, never
 * that many times in a row. Most inputs stop here, unscored. */
#define UTF8_SURE 8

static bool surely_utf8(const uint8_t *s, size_t sample)
{
    size_t leads = 0;
    for (size_t i = 0; i < sample && leads < UTF8_SURE; i++)
        leads += s[i] >= 0xC2;
    return leads >= UTF8_SURE;
}

bool utf8_sure_start(const uint8_t *s, size_t n)
{
    return surely_utf8(s, sample_length(s, n));
}

/* The sample of s[0..n) read as UTF-16 without a byte-order mark, into
 * out: whole units only, and a surrogate pair the sample cuts is left out.
 * False when s cannot be UTF-16 (an odd length, an unpaired surrogate). */
static bool utf16_sample(const uint8_t *s, size_t n, bool le, nqx_buf *out)
{
    size_t len = n < SAMPLE_BYTES ? n : SAMPLE_BYTES, bad;
    const char *why;
    if (n % 2 || !len)
        return false;
    if (utf16_decode(s, len, le, out, &bad, &why))
        return true;
    nqx_buf_clear(out);
    return len < n && bad + 2 >= len && utf16_decode(s, bad, le, out, &bad, &why);
}

/* Do the NUL bytes of s[0..n) fall on one side only, in a third of its
 * units or more: the high bytes of UTF-16 text without a byte-order mark
 * whose characters are Latin (text without tone marks, figures, English)?
 * Such a file is valid UTF-8, and every other byte of it a NUL; binary
 * data has NULs on both sides. *le gets the byte order. */
static bool utf16_nul_side(const uint8_t *s, size_t n, bool *le)
{
    size_t nul[2] = {0, 0};
    n &= ~(size_t)1;
    for (size_t i = 0; i < n; i++)
        nul[i & 1] += !s[i];
    size_t units = n / 2;
    for (int side = 0; side < 2 && units >= 2; side++)
        if (nul[side] * 3 >= units && nul[!side] * 100 <= units) {
            *le = side == 1; /* LE puts the high byte second */
            return true;
        }
    return false;
}

nqx_status detect_encoding(const uint8_t *s, size_t n, const nqx_charmaps *maps,
                           const char *source, const char **name, nqx_error *err)
{
    size_t sample = sample_length(s, n);
    size_t utf8_bad = utf8_valid_prefix(s, n);
    bool utf8 = utf8_bad == n;
    if (utf8 && surely_utf8(s, sample)) {
        *name = "UTF-8";
        return NQX_OK;
    }
    bool side_le;
    nqx_buf text = {0};
    if (utf8 && utf16_nul_side(s, sample, &side_le) && utf16_sample(s, n, side_le, &text)) {
        nqx_buf_free(&text);
        *name = side_le ? "UTF-16LE" : "UTF-16BE";
        return NQX_OK;
    }
    struct candidate *cands = nqx_xcalloc((maps ? maps->nmaps : 0) + 3, sizeof *cands);
    size_t ncand = 0;
    if (utf8)
        score_candidate(&cands[ncand++], "UTF-8", (const char *)s, sample);
    for (size_t i = 0; maps && i < maps->nmaps; i++) {
        size_t bad;
        nqx_buf_clear(&text);
        if (charmap_decode(&maps->maps[i], s, sample, &text, &bad))
            score_candidate(&cands[ncand++], maps->maps[i].name, text.data ? text.data : "",
                            text.len);
    }
    /* UTF-16 without a byte-order mark: read any other way, its text is
     * every other byte NUL, and read as UTF-16, an 8-bit text is CJK. */
    for (int le = 1; le >= 0; le--) {
        nqx_buf_clear(&text);
        if (utf16_sample(s, n, le, &text))
            score_candidate(&cands[ncand++], le ? "UTF-16LE" : "UTF-16BE",
                            text.data ? text.data : "", text.len);
    }
    nqx_buf_free(&text);

    size_t best = 0;
    for (size_t i = 1; i < ncand; i++)
        if (cands[i].net > cands[best].net)
            best = i;
    nqx_status st = NQX_OK;
    if (utf8 && (best == 0 || same_text(&cands[0], &cands[best]) ||
                 !clearly_best(cands, ncand, best)))
        *name = "UTF-8"; /* valid UTF-8 stays UTF-8 unless a code reads clearly better */
    else if (ncand && clearly_best(cands, ncand, best))
        *name = cands[best].name;
    else {
        size_t second = best == 0 && ncand > 1 ? 1 : 0;
        for (size_t i = 0; i < ncand; i++)
            if (i != best && cands[i].net > cands[second].net)
                second = i;
        char guesses[96] = "none reads as Vietnamese";
        if (ncand > 1)
            snprintf(guesses, sizeof guesses, "closest: %s, then %s", cands[best].name,
                     cands[second].name);
        else if (ncand == 1)
            snprintf(guesses, sizeof guesses, "closest: %s", cands[best].name);
        st = nqx_error_set(err, NQX_E_INPUT, source, 0, 0, (long long)utf8_bad,
                           "invalid UTF-8 (byte 0x%02X), and no other encoding reads "
                           "clearly as Vietnamese text, so the encoding cannot be told "
                           "(%s): give --encoding NAME, one of %s",
                           s[utf8_bad], guesses, nqx_encoding_list(maps));
    }
    for (size_t i = 0; i < ncand; i++)
        free(cands[i].nfc);
    free(cands);
    return st;
}
