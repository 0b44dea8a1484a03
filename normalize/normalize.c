/* Normalization of the extracted text (see normalize.h for what changes).
 *
 * One pass over each line: ASCII and characters that are already NFC are
 * copied as they come; only a character that is not NFC-inert sends its
 * segment (from the last starter to the next boundary) through ICU. Tone
 * marks are moved when a word ends. Every change of length records an anchor
 * so positions map back to the extracted text. */
#include "normalize/normalize.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* A segment sent to ICU holds at most this many code points; a longer run of
 * combining marks (never seen in real text) is normalized in pieces. */
#define SEGMENT_MAX 64

/* Words longer than this are not Vietnamese syllables; tone placement skips
 * them. */
#define WORD_MAX_BYTES 32

static const UNormalizer2 *nfc;
static const UNormalizer2 *nfd;
static UErrorCode init_status = U_ZERO_ERROR;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* Character properties the inner loop needs, precomputed from ICU for the
 * code points Vietnamese text is made of (Latin, combining marks, Latin
 * Extended Additional, general punctuation, arithmetic signs); ICU is asked
 * directly for anything beyond. */
enum {
    P_INERT = 1,     /* combining class 0 and NFC quick check "yes" */
    P_LETTER = 2,    /* part of a word: a letter or a nonspacing mark */
    P_LOWER = 4,
    P_UPPER = 8,
    P_SPACE = 16,    /* White_Space */
    P_IGNORE = 32,   /* Default_Ignorable_Code_Point */
    P_DASH = 64,
    P_PLAIN = 128,   /* printable ASCII other than markdown and table marks (plain_ascii) */
};
#define PROPS_LIMIT 0x2500
static uint8_t props_table[PROPS_LIMIT];

static uint8_t icu_props(UChar32 c)
{
    uint8_t p = 0;
    if (u_getCombiningClass(c) == 0 &&
        u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES)
        p |= P_INERT;
    if (u_isalpha(c) || u_charType(c) == U_NON_SPACING_MARK)
        p |= P_LETTER;
    if (u_islower(c))
        p |= P_LOWER;
    if (u_isupper(c) || u_istitle(c))
        p |= P_UPPER;
    if (u_isUWhiteSpace(c))
        p |= P_SPACE;
    if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
        p |= P_IGNORE;
    if (u_hasBinaryProperty(c, UCHAR_DASH))
        p |= P_DASH;
    return p;
}

/* ASCII that the cleaner copies as it is: everything printable but white
 * space and the characters markdown or tables give a meaning. */
static bool plain_ascii(uint8_t b)
{
    if (b < 0x21 || b > 0x7E)
        return false;
    switch (b) {
    case '*': case '\\': case '#': case '>': case '|':
        return false;
    default:
        return true;
    }
}

static void init_tables(void)
{
    nfc = unorm2_getNFCInstance(&init_status);
    if (U_SUCCESS(init_status))
        nfd = unorm2_getNFDInstance(&init_status);
    if (U_FAILURE(init_status))
        return;
    for (UChar32 c = 0; c < PROPS_LIMIT; c++)
        props_table[c] = icu_props(c);
    for (uint8_t b = 0; b < 0x80; b++)
        if (plain_ascii(b))
            props_table[b] |= P_PLAIN;
}

static bool init(void)
{
    pthread_once(&init_once, init_tables);
    return U_SUCCESS(init_status);
}

static uint8_t props(UChar32 c)
{
    return c < PROPS_LIMIT ? props_table[c] : icu_props(c);
}

/* The code point at s[i] (valid UTF-8 up to end), U+FFFD for a malformed
 * sequence; *len gets its length in bytes. */
static inline UChar32 decode(const uint8_t *s, size_t i, size_t end, size_t *len)
{
    UChar32 c = nqx_utf8_char(s + i, end - i, len);
    return c < 0 ? 0xFFFD : c;
}

static bool is_word_char(UChar32 c)
{
    return props(c) & P_LETTER;
}

/* ---- Tone-mark placement (SPEC §4.1) ---------------------------------- */

static bool is_onset_byte(const char *w, size_t *k)
{
    unsigned char b = (unsigned char)w[*k];
    if (b < 0x80) {
        if (!strchr("bcdghklmnpqrstvxBCDGHKLMNPQRSTVX", b) || b == 0)
            return false;
        (*k)++;
        return true;
    }
    /* đ U+0111 and Đ U+0110 */
    if (b == 0xC4 && ((unsigned char)w[*k + 1] == 0x91 || (unsigned char)w[*k + 1] == 0x90)) {
        *k += 2;
        return true;
    }
    return false;
}

/* In an open syllable whose vowels are oa, oe or uy, the old style puts the
 * tone mark on the second vowel and the new style on the first: hoà -> hòa,
 * khoẻ -> khỏe, thuỷ -> thủy. After "qu" the u belongs to the consonant
 * (quý stays). Works in place on one NFC word; returns its new length, which
 * is never larger. */
static size_t tone_fix(char *w, size_t n)
{
    if (n < 3 || n > WORD_MAX_BYTES)
        return n;
    size_t last = n - 1;
    while (last > 0 && ((unsigned char)w[last] & 0xC0) == 0x80)
        last--;
    if (last == 0 || (unsigned char)w[last] < 0x80)
        return n;
    char v1 = w[last - 1];
    bool o = v1 == 'o' || v1 == 'O', u = v1 == 'u' || v1 == 'U';
    if (!o && !u)
        return n;
    for (size_t k = 0; k < last - 1;)
        if (!is_onset_byte(w, &k))
            return n;
    if (u && last >= 2 && (w[last - 2] == 'q' || w[last - 2] == 'Q'))
        return n;

    size_t clen;
    UChar32 v2 = decode((const uint8_t *)w, last, n, &clen);
    if (last + clen != n)
        return n;
    UChar d[4];
    UErrorCode st = U_ZERO_ERROR;
    int32_t dl = unorm2_getDecomposition(nfd, v2, d, 4, &st);
    if (U_FAILURE(st) || dl != 2)
        return n;
    UChar base = d[0], mark = d[1];
    UChar lb = base | 0x20;
    if (!((o && (lb == 'a' || lb == 'e')) || (u && lb == 'y')))
        return n;
    if (mark != 0x300 && mark != 0x301 && mark != 0x303 && mark != 0x309 && mark != 0x323)
        return n;
    UChar32 nv1 = unorm2_composePair(nfc, (UChar32)(unsigned char)v1, mark);
    if (nv1 < 0)
        return n;
    char tmp[8];
    int32_t tl = 0;
    U8_APPEND_UNSAFE(tmp, tl, nv1);
    tmp[tl++] = (char)base;
    if (last - 1 + (size_t)tl > n)
        return n;
    memcpy(w + last - 1, tmp, (size_t)tl);
    return last - 1 + (size_t)tl;
}

/* ---- The emitter: output text plus anchors back to the input ---------- */

struct anchors {
    nqx_anchor *v;
    size_t n, cap;
};

static void push_anchor(struct anchors *a, size_t norm, size_t text)
{
    /* Output that was taken back (a tone mark moved, a segment recomposed)
     * takes its anchors with it. */
    while (a->n && a->v[a->n - 1].norm > norm)
        a->n--;
    if (a->n) {
        const nqx_anchor *l = &a->v[a->n - 1];
        /* Consistent with the last anchor: nothing to record. */
        if (text >= l->text && norm - l->norm == text - l->text)
            return;
        if (l->norm == norm) {
            a->v[a->n - 1].text = text;
            return;
        }
    }
    void *p = a->v;
    nqx_grow(&p, &a->cap, a->n + 1, sizeof *a->v);
    a->v = p;
    a->v[a->n++] = (nqx_anchor){norm, text};
}

struct emitter {
    nqx_buf out;
    struct anchors anchors; /* out offsets relative to the line */
    bool synced;            /* the last anchor still describes the mapping */
    size_t delta;           /* input offset minus output offset, when synced */
};

/* Appends p[0..n), which stands for the input from in_off on. Copying
 * as it comes needs no new anchor; that is checked here without a call. */
static inline void emit(struct emitter *e, size_t in_off, const void *p, size_t n)
{
    if (!e->synced || in_off - e->out.len != e->delta) {
        push_anchor(&e->anchors, e->out.len, in_off);
        e->synced = true;
        e->delta = in_off - e->out.len;
    }
    if (e->out.len + n >= e->out.cap)
        nqx_buf_reserve(&e->out, n);
    memcpy(e->out.data + e->out.len, p, n);
    e->out.len += n;
    e->out.data[e->out.len] = '\0';
}

/* Takes back output after `len` (a tone mark moved, a segment recomposed). */
static void take_back(struct emitter *e, size_t len)
{
    e->out.len = len;
    e->out.data[len] = '\0';
    e->synced = false;
}

/* ---- Cleaning one line ----------------------------------------------- */

struct line_info {
    bool table;     /* a table row */
    bool empty;     /* nothing left, or a horizontal rule */
    bool caps;      /* letters in capitals only (line_caps) */
};

struct cleaner {
    struct emitter e;
    const uint8_t *s;
    size_t end;
    bool pending_space;
    size_t space_in;
    bool in_word;
    size_t word_start;
    size_t starter_out; /* SIZE_MAX: none that a mark could combine with */
    size_t starter_in;
    struct line_info *info;
};

static void end_word(struct cleaner *c)
{
    if (!c->in_word)
        return;
    c->in_word = false;
    size_t n = c->e.out.len - c->word_start;
    size_t m = tone_fix(c->e.out.data + c->word_start, n);
    if (m != n) {
        take_back(&c->e, c->word_start + m);
        c->starter_out = SIZE_MAX;
    }
}

static bool no_space_before(UChar32 ch)
{
    switch (ch) {
    case ',': case '.': case ';': case ':': case '!': case '?': case ')': case ']':
        return true;
    default:
        return false;
    }
}

/* Emits the pending space, if one is due before ch. */
static void flush_space(struct cleaner *c, UChar32 ch)
{
    if (!c->pending_space)
        return;
    c->pending_space = false;
    size_t len = c->e.out.len;
    if (!len || no_space_before(ch))
        return;
    char prev = c->e.out.data[len - 1];
    if (prev == '(' || prev == '[' || prev == ' ')
        return;
    emit(&c->e, c->space_in, " ", 1);
}

/* Emits a visible character ch that stands for the input from `at` on
 * as bytes p[0..n). */
static void put(struct cleaner *c, UChar32 ch, size_t at, const void *p, size_t n)
{
    bool word = is_word_char(ch);
    if (!word)
        end_word(c);
    flush_space(c, ch);
    if (word && !c->in_word) {
        c->in_word = true;
        c->word_start = c->e.out.len;
    }
    c->starter_out = c->e.out.len;
    c->starter_in = at;
    emit(&c->e, at, p, n);
}

/* Normalizes the segment that starts with the non-inert character at `at`;
 * returns where the segment ends in the input. */
static size_t put_segment(struct cleaner *c, UChar32 first, size_t at)
{
    bool merge = !c->pending_space && c->starter_out != SIZE_MAX &&
                 !unorm2_hasBoundaryBefore(nfc, first);
    size_t seg_out = merge ? c->starter_out : c->e.out.len;
    size_t seg_in = merge ? c->starter_in : at;

    size_t j = at, count = 0, len;
    while (j < c->end && count < SEGMENT_MAX) {
        UChar32 ch = decode(c->s, j, c->end, &len);
        if (count && unorm2_hasBoundaryBefore(nfc, ch))
            break;
        j += len;
        count++;
    }

    UChar src[2 * (SEGMENT_MAX + 2)], dst[8 * (SEGMENT_MAX + 2)];
    char u8[3 * 8 * (SEGMENT_MAX + 2)];
    int32_t srclen = 0, part = 0, dstlen = 0, u8len = 0;
    UErrorCode st = U_ZERO_ERROR;
    if (merge) {
        u_strFromUTF8(src, (int32_t)(sizeof src / sizeof *src), &part,
                      c->e.out.data + seg_out, (int32_t)(c->e.out.len - seg_out), &st);
        srclen = part;
    }
    u_strFromUTF8(src + srclen, (int32_t)(sizeof src / sizeof *src) - srclen, &part,
                  (const char *)c->s + at, (int32_t)(j - at), &st);
    srclen += part;
    dstlen = unorm2_normalize(nfc, src, srclen, dst, (int32_t)(sizeof dst / sizeof *dst), &st);
    u_strToUTF8(u8, (int32_t)sizeof u8, &u8len, dst, dstlen, &st);
    if (U_FAILURE(st)) {
        /* Cannot happen with these buffer sizes; keep the input as it is. */
        if (!merge) {
            flush_space(c, first);
            emit(&c->e, at, c->s + at, j - at);
        }
        return j;
    }

    UChar32 lead = dst[0];
    if (dstlen > 1 && U16_IS_LEAD(dst[0]))
        lead = U16_GET_SUPPLEMENTARY(dst[0], dst[1]);
    if (!merge) {
        if (!is_word_char(lead))
            end_word(c);
        flush_space(c, lead);
        seg_out = c->e.out.len;
        if (is_word_char(lead) && !c->in_word) {
            c->in_word = true;
            c->word_start = seg_out;
        }
    }
    take_back(&c->e, seg_out);
    emit(&c->e, seg_in, u8, (size_t)u8len);
    c->starter_out = SIZE_MAX;
    return j;
}

static bool ascii_letter(uint8_t b)
{
    return (uint8_t)((b | 0x20) - 'a') < 26;
}

/* Copies the plain input from i on in one piece and returns where it
 * stops: printable ASCII other than markdown and table characters, single
 * spaces between such characters, and characters that are already NFC and
 * need no other change. It stops before the end of a word whose tone mark
 * may have to move (a marked vowel after o or u), so that end_word sees it;
 * a word that ends inside the run needs nothing. Returns i when nothing is
 * plain there. */
static size_t put_plain_run(struct cleaner *c, size_t i, size_t end)
{
    const uint8_t *s = c->s;
    size_t out = c->e.out.len;
    size_t j = i, last_letter = SIZE_MAX, last_char = i;
    bool in_word = c->in_word, letter_before = false;
    size_t word_start = c->word_start;
    while (j < end) {
        uint8_t b = s[j], p;
        size_t len = 1;
        if (b < 0x80) {
            if (b == ' ') {
                /* One space between plain characters rides along. */
                if (j == i || j + 1 >= end || !(props_table[s[j + 1]] & P_PLAIN) ||
                    no_space_before(s[j + 1]) || s[j - 1] == '(' || s[j - 1] == '[')
                    break;
            } else if (!(props_table[b] & P_PLAIN)) {
                break;
            }
            p = props_table[b] & P_LETTER;
        } else {
            p = props(decode(s, j, end, &len));
            if ((p & (P_INERT | P_SPACE | P_IGNORE | P_DASH)) != P_INERT)
                break;
        }
        bool letter = p & P_LETTER;
        if (!letter && letter_before && last_letter > 0 && s[last_letter] >= 0x80 &&
            strchr("oOuU", s[last_letter - 1]))
            break; /* the word just ended may need its tone mark moved */
        if (j == i) {
            /* The run's first character may end the word before it. */
            if (!letter)
                end_word(c);
            flush_space(c, b < 0x80 ? b : 0x80);
            out = c->e.out.len;
            in_word = c->in_word && letter;
            word_start = c->word_start;
        }
        if (letter) {
            if (!in_word) {
                in_word = true;
                word_start = out + (j - i);
            }
            last_letter = j;
        } else {
            in_word = false;
        }
        letter_before = letter;
        last_char = j;
        j += len;
        /* The letters that follow in the same word, already NFC and
         * combining with nothing, change nothing but where the word's last
         * letter is. */
        while (letter && j < end) {
            uint8_t n = s[j];
            if (n < 0x80) {
                if (!ascii_letter(n))
                    break;
                last_letter = last_char = j++;
                continue;
            }
            uint8_t q = props(decode(s, j, end, &len));
            if ((q & (P_INERT | P_LETTER | P_SPACE | P_IGNORE | P_DASH)) !=
                (P_INERT | P_LETTER))
                break;
            last_letter = last_char = j;
            j += len;
        }
    }
    if (j == i)
        return i;
    c->in_word = in_word;
    c->word_start = word_start;
    c->starter_out = out + (last_char - i);
    c->starter_in = last_char;
    emit(&c->e, i, s + i, j - i);
    return j;
}

/* Are the letters of the cleaned line b all capitals (and is there one)?
 * Read from the start: a small letter, found within a few bytes on most
 * lines, settles it. */
static bool line_caps(const nqx_buf *b)
{
    const uint8_t *s = (const uint8_t *)b->data;
    bool upper = false;
    for (size_t i = 0, len; i < b->len; i += len) {
        uint8_t p = props(decode(s, i, b->len, &len));
        if (p & P_LOWER)
            return false;
        upper |= (p & P_UPPER) != 0;
    }
    return upper;
}

static bool is_rule_line(const nqx_buf *b)
{
    if (b->len < 3)
        return false;
    for (size_t i = 0; i < b->len; i++)
        if (!strchr("-_=~. ", b->data[i]))
            return false;
    return true;
}

/* A table row written without outer pipes, "STT | Chỉ tiêu | Đơn vị tính":
 * at least two pipes standing between spaces. */
static bool is_bare_pipe_row(const uint8_t *s, size_t i, size_t end)
{
    int pipes = 0;
    for (const uint8_t *p = s + i + 1; p + 1 < s + end && pipes < 2; p++) {
        p = memchr(p, '|', (size_t)(s + end - 1 - p));
        if (!p)
            break;
        pipes += (p[-1] == ' ' || p[-1] == '\t') && (p[1] == ' ' || p[1] == '\t');
    }
    return pipes >= 2;
}

static bool is_table_alignment_row(const uint8_t *s, size_t i, size_t end)
{
    bool dash = false;
    for (; i < end; i++) {
        if (s[i] == '-')
            dash = true;
        else if (!strchr("|: \t", s[i]))
            return false;
    }
    return dash;
}

static bool is_ascii_punct(uint8_t b)
{
    return (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) ||
           (b >= 0x7B && b <= 0x7E);
}

static void clean_line(struct cleaner *c, const uint8_t *s, size_t start, size_t end,
                       struct line_info *info)
{
    nqx_buf_clear(&c->e.out);
    nqx_buf_reserve(&c->e.out, end - start + 16);
    c->e.anchors.n = 0;
    c->e.synced = false;
    c->s = s;
    c->end = end;
    c->pending_space = false;
    c->in_word = false;
    c->starter_out = SIZE_MAX;
    c->info = info;
    memset(info, 0, sizeof *info);

    size_t i = start;
    while (i < end && (s[i] == ' ' || s[i] == '\t'))
        i++;
    info->table = i < end && (s[i] == '|' || is_bare_pipe_row(s, i, end));
    if (info->table && is_table_alignment_row(s, i, end)) {
        info->empty = true;
        return;
    }

    while (i < end) {
        size_t j = put_plain_run(c, i, end);
        if (j > i) {
            i = j;
            continue;
        }
        size_t at = i, len;
        UChar32 ch = decode(s, i, end, &len);
        i += len;
        if (ch < 0x80) {
            switch (ch) {
            case ' ':
            case '\t':
                end_word(c);
                if (!c->pending_space) {
                    c->pending_space = true;
                    c->space_in = at;
                }
                continue;
            case '*':
                end_word(c);
                continue;
            case '\\':
                if (i < end && is_ascii_punct(s[i]))
                    continue; /* drop the escape, keep what it escapes */
                break;
            case '#':
            case '>':
                if (c->e.out.len == 0) {
                    size_t k = i;
                    while (ch == '#' && k < end && s[k] == '#')
                        k++;
                    if (k == end || s[k] == ' ' || s[k] == '\t') {
                        i = k;
                        continue;
                    }
                }
                break;
            case '|':
                if (!info->table)
                    break;
                end_word(c);
                if (c->e.out.len == 0)
                    continue; /* leading pipe */
                size_t k = i;
                while (k < end && (s[k] == ' ' || s[k] == '\t' || s[k] == '|'))
                    k++;
                if (k == end) {
                    i = end; /* trailing pipe(s) */
                    continue;
                }
                if (!c->pending_space) {
                    c->pending_space = true;
                    c->space_in = at;
                }
                put(c, '|', at, "|", 1);
                c->pending_space = true;
                c->space_in = at;
                continue;
            default:
                break;
            }
            put(c, ch, at, s + at, 1);
            continue;
        }
        uint8_t p = props(ch);
        if (p & P_SPACE) {
            end_word(c);
            if (!c->pending_space) {
                c->pending_space = true;
                c->space_in = at;
            }
        } else if (p & P_IGNORE) {
            continue;
        } else if (p & P_DASH) {
            put(c, '-', at, "-", 1);
        } else if (!(p & P_INERT)) {
            i = put_segment(c, ch, at);
        } else {
            put(c, ch, at, s + at, len);
        }
    }
    end_word(c);
    info->empty = c->e.out.len == 0 || is_rule_line(&c->e.out);
    info->caps = !info->empty && line_caps(&c->e.out);
}

/* ---- Joining lines into logical lines --------------------------------- */

enum start_class { START_LOWER, START_DIGIT, START_OTHER };

struct prev_line {
    bool exists;
    bool caps;
    bool table;
    bool block;      /* it started a block (item, heading) */
    bool single;     /* it is one physical line so far */
    size_t width;    /* its length in characters */
    char last;       /* last byte of the line */
    bool glued_dash; /* it ends with '-' right after a word ("NĐ-") */
    bool open;       /* it ends with a word that needs what follows */
    size_t end_text; /* where its last source line ends in the text */
};

/* A line shorter than this share of the text's widest line is not a
 * hard-wrapped one: it ends where its author ended it. */
#define SHORT_LINE_PERCENT 75

/* Characters of UTF-8 text: bytes that are not continuation bytes
 * (10xxxxxx), counted eight at a time. */
static size_t char_count(const nqx_buf *b)
{
    const unsigned char *p = (const unsigned char *)b->data;
    size_t n = b->len, cont = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        /* 1 in each byte with bit 7 set and bit 6 clear, summed by the
         * multiplication into the top byte */
        uint64_t m = (x & ~(x << 1) & 0x8080808080808080ULL) >> 7;
        cont += (size_t)((m * 0x0101010101010101ULL) >> 56);
    }
    for (; i < n; i++)
        cont += (p[i] & 0xC0) == 0x80;
    return n - cont;
}

static enum start_class classify_start(const nqx_buf *b)
{
    size_t len;
    UChar32 ch = decode((const uint8_t *)b->data, 0, b->len, &len);
    if (ch >= '0' && ch <= '9')
        return START_DIGIT;
    if (u_islower(ch))
        return START_LOWER;
    return START_OTHER;
}

static bool is_bullet(const nqx_buf *b)
{
    if (b->len < 2)
        return false;
    char c0 = b->data[0];
    if (c0 == '-' || c0 == '+')
        return true;
    /* • U+2022, · U+00B7, ▪ U+25AA */
    return !strncmp(b->data, "\xE2\x80\xA2", 3) || !strncmp(b->data, "\xC2\xB7", 2) ||
           !strncmp(b->data, "\xE2\x96\xAA", 3);
}

/* Does line b, a "- " item, go on with a range the hard wrap of the full
 * line before it cut ("… bình quân 05" / "- 06%/năm")? */
static bool range_tail(const struct prev_line *p, const nqx_buf *b, size_t blanks,
                       size_t max_width)
{
    return p->exists && !blanks && p->last >= '0' && p->last <= '9' && b->len > 2 &&
           b->data[0] == '-' && b->data[1] == ' ' && b->data[2] >= '0' && b->data[2] <= '9' &&
           p->width * 100 >= max_width * SHORT_LINE_PERCENT;
}

/* Should line L continue the previous logical line P? max_width is the
 * widest line seen so far, the wrap width of hard-wrapped text. */
static bool joins(const struct prev_line *p, const struct line_info *l, bool block,
                  enum start_class start, size_t blanks, size_t max_width)
{
    if (p->caps || l->caps || p->table || l->table || block)
        return false;
    /* A short heading line ("1.1. Sản xuất nông nghiệp") before a sentence;
     * not one that ends with a word needing more ("4. Ban Tuyên giáo chủ
     * trì, phối hợp với"). */
    if (p->block && p->single && start == START_OTHER && !p->open &&
        p->width * 100 < max_width * SHORT_LINE_PERCENT)
        return false;
    if (blanks) {
        /* A page break inside a sentence: the next page goes on in lower case. */
        if (strchr(".!?:;", p->last) && p->last)
            return false;
        return start != START_OTHER;
    }
    if (p->last && strchr(".!?", p->last))
        return start == START_LOWER;
    if (p->last == ':')
        return false;
    if (p->last == ';' || p->last == ',')
        return start != START_OTHER;
    return true;
}

/* ---- Page furniture ---------------------------------------------------- */

/* Marks a blank line among the classes of furniture_lines. */
#define LINE_BLANK 0xFF

static bool is_blank_byte(const uint8_t *s, size_t i, size_t end, size_t *len)
{
    *len = 1;
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')
        return true;
    *len = 2;
    return s[i] == 0xC2 && i + 1 < end && s[i + 1] == 0xA0; /* no-break space */
}

/* The class of each line: LINE_BLANK, or what opts->furniture says. */
static uint8_t *classify_lines(const nqx_doc *doc, const nqx_normalize_opts *opts)
{
    const uint8_t *s = (const uint8_t *)doc->text;
    uint8_t *cls = nqx_xcalloc(doc->nlines ? doc->nlines : 1, 1);
    for (size_t ln = 0; ln < doc->nlines; ln++) {
        size_t start = doc->line_starts[ln], len;
        size_t end = ln + 1 < doc->nlines ? doc->line_starts[ln + 1] - 1 : doc->text_len;
        while (start < end && is_blank_byte(s, start, end, &len))
            start += len;
        while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
            end--;
        if (start == end)
            cls[ln] = LINE_BLANK;
        else if (end - start <= NQX_FURNITURE_MAX_BYTES)
            cls[ln] = (uint8_t)opts->furniture(doc->text + start, end - start, opts->ctx);
    }
    return cls;
}

/* The class of the nearest non-blank line from ln in direction step (at
 * most a few lines away), or NONE. */
static uint8_t neighbour(const uint8_t *cls, size_t n, size_t ln, int step)
{
    for (int k = 1; k <= 3; k++) {
        size_t at = ln + (size_t)(step * k);
        if (at >= n)
            return NQX_FURNITURE_NONE;
        if (cls[at] != LINE_BLANK)
            return cls[at];
    }
    return NQX_FURNITURE_NONE;
}

/* Which lines are page furniture to drop; NULL when there are none. A page
 * number or a stamp field alone is ordinary text (a table cell, a form):
 * only its neighbours make it furniture. */
static bool *furniture_lines(const nqx_doc *doc, const nqx_normalize_opts *opts)
{
    if (!opts || !opts->furniture || !doc->nlines)
        return NULL;
    size_t n = doc->nlines;
    uint8_t *cls = classify_lines(doc, opts);
    bool *drop = NULL;
    for (size_t ln = 0; ln < n; ln++) {
        bool d = false;
        switch (cls[ln]) {
        case NQX_FURNITURE_HEADER:
        case NQX_FURNITURE_STAMP:
            d = true;
            break;
        case NQX_FURNITURE_PAGE_NUMBER:
            d = neighbour(cls, n, ln, -1) == NQX_FURNITURE_HEADER ||
                neighbour(cls, n, ln, 1) == NQX_FURNITURE_HEADER;
            break;
        case NQX_FURNITURE_STAMP_FIELD:
            /* Within a stamp: back over its other fields to its signer line. */
            for (size_t k = ln; k-- > 0 && cls[k] >= NQX_FURNITURE_STAMP && cls[k] != LINE_BLANK;)
                if (cls[k] == NQX_FURNITURE_STAMP) {
                    d = true;
                    break;
                }
            break;
        default:
            break;
        }
        if (d && !drop)
            drop = nqx_xcalloc(n, sizeof *drop);
        if (d)
            drop[ln] = true;
    }
    free(cls);
    return drop;
}

nqx_status nqx_normalize(nqx_doc *doc, const nqx_normalize_opts *opts, nqx_error *err)
{
    if (!init())
        return nqx_error_set(err, NQX_E_ENV, doc->source, 0, 0, -1,
                             "ICU normalization data unavailable (%s); reinstall libicu",
                             u_errorName(init_status));
    const uint8_t *s = (const uint8_t *)doc->text;
    nqx_buf norm = {0};
    nqx_buf_reserve(&norm, doc->text_len + doc->text_len / 16 + 1);
    struct anchors anchors = {0};
    struct cleaner c = {0};
    struct prev_line prev = {0};
    size_t blanks = 0, max_width = 0;

    /* Dropped furniture counts as blank lines: a sentence that a page break
     * interrupted is joined across it as across any page break. */
    bool *furniture = furniture_lines(doc, opts);
    for (size_t ln = 0; ln < doc->nlines; ln++) {
        size_t start = doc->line_starts[ln];
        size_t end = ln + 1 < doc->nlines ? doc->line_starts[ln + 1] - 1 : doc->text_len;
        if (furniture && furniture[ln]) {
            blanks++;
            continue;
        }
        struct line_info info;
        clean_line(&c, s, start, end, &info);
        if (info.empty) {
            blanks++;
            continue;
        }
        bool block = is_bullet(&c.e.out) ||
                     (opts && opts->starts_block &&
                      opts->starts_block(c.e.out.data, c.e.out.len, opts->ctx));
        size_t width = char_count(&c.e.out);
        if (width > max_width)
            max_width = width;
        /* "tốc độ tăng bình quân 05" / "- 06%/năm": a wrap that cut a range
         * after a full line is no list item. */
        if (block && range_tail(&prev, &c.e.out, blanks, max_width))
            block = false;
        bool join = false;
        if (prev.exists) {
            join = !doc->lines_are_paragraphs &&
                   joins(&prev, &info, block, classify_start(&c.e.out), blanks, max_width);
            /* A word cut at its hyphen ("Nghị định số 289/2025/NĐ-" / "CP")
             * is joined back whole. */
            uint8_t first = (uint8_t)c.e.out.data[0];
            bool word_goes_on =
                join && prev.glued_dash &&
                (first >= 0x80 || ascii_letter(first) || (first >= '0' && first <= '9'));
            if (!word_goes_on) {
                push_anchor(&anchors, norm.len, prev.end_text);
                nqx_buf_addc(&norm, join ? ' ' : '\n');
            }
        }
        size_t base = norm.len;
        for (size_t k = 0; k < c.e.anchors.n; k++)
            push_anchor(&anchors, base + c.e.anchors.v[k].norm, c.e.anchors.v[k].text);
        nqx_buf_add(&norm, c.e.out.data, c.e.out.len);
        prev.exists = true;
        prev.caps = info.caps;
        prev.table = info.table;
        prev.block = join ? prev.block : block;
        prev.single = !join;
        prev.width = width;
        prev.last = c.e.out.data[c.e.out.len - 1];
        prev.glued_dash = prev.last == '-' && c.e.out.len > 1 &&
                          c.e.out.data[c.e.out.len - 2] != ' ';
        prev.open = opts && opts->ends_open && opts->ends_open(c.e.out.data, c.e.out.len, opts->ctx);
        prev.end_text = end;
        blanks = 0;
    }
    if (prev.exists) {
        push_anchor(&anchors, norm.len, prev.end_text);
        nqx_buf_addc(&norm, '\n');
    }
    nqx_buf_free(&c.e.out);
    free(c.e.anchors.v);
    free(furniture);

    free(doc->norm);
    free(doc->anchors);
    doc->norm_len = norm.len;
    nqx_buf_reserve(&norm, NQX_TEXT_SLACK);
    memset(norm.data + norm.len, 0, NQX_TEXT_SLACK + 1);
    doc->norm = nqx_buf_steal(&norm);
    doc->anchors = anchors.v;
    doc->nanchors = anchors.n;
    return NQX_OK;
}

char *nqx_normalize_string(const char *s, size_t len, size_t *out_len)
{
    nqx_buf out = {0};
    if (!init() || len > INT32_MAX / 4) {
        nqx_buf_add(&out, s, len);
    } else {
        UErrorCode st = U_ZERO_ERROR;
        int32_t n16 = 0;
        u_strFromUTF8(NULL, 0, &n16, s, (int32_t)len, &st);
        st = U_ZERO_ERROR;
        UChar *src = nqx_xmalloc(((size_t)n16 + 1) * sizeof *src);
        u_strFromUTF8(src, n16 + 1, NULL, s, (int32_t)len, &st);
        int32_t cap = 3 * n16 + 16;
        UChar *dst = nqx_xmalloc((size_t)cap * sizeof *dst);
        int32_t nd = unorm2_normalize(nfc, src, n16, dst, cap, &st);
        int32_t n8 = 0;
        if (U_SUCCESS(st)) {
            nqx_buf_reserve(&out, (size_t)nd * 3);
            u_strToUTF8(out.data, (int32_t)out.cap, &n8, dst, nd, &st);
        }
        if (U_FAILURE(st)) {
            n8 = 0;
            nqx_buf_add(&out, s, len);
            n8 = (int32_t)len;
        }
        out.len = (size_t)n8;
        out.data[out.len] = '\0';
        free(src);
        free(dst);

        /* Tone placement word by word, compacting in place. */
        const uint8_t *u = (const uint8_t *)out.data;
        size_t r = 0, w = 0, n = out.len;
        while (r < n) {
            size_t clen;
            UChar32 ch = decode(u, r, n, &clen);
            if (!is_word_char(ch)) {
                memmove(out.data + w, out.data + r, clen);
                w += clen;
                r += clen;
                continue;
            }
            size_t ws = r;
            while (r < n && is_word_char(decode(u, r, n, &clen)))
                r += clen;
            size_t wl = r - ws;
            memmove(out.data + w, out.data + ws, wl);
            w += tone_fix(out.data + w, wl);
        }
        out.len = w;
        out.data[w] = '\0';
    }
    if (out_len)
        *out_len = out.len;
    return nqx_buf_steal(&out);
}
