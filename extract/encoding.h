/* Inside extract/: the encodings nqx reads, their decoders to UTF-8, and the
 * Vietnamese score that detection compares them by. Not part of the
 * stage's interface (extract.h). */
#ifndef NQX_EXTRACT_ENCODING_H
#define NQX_EXTRACT_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/extract.h"

/* The longest byte sequence and the most code points one mapping holds
 * (VNI writes a letter as a base byte and a mark byte). */
#define CHARMAP_MAX_BYTES 4
#define CHARMAP_MAX_CPS 3

struct mapping {
    uint8_t bytes[CHARMAP_MAX_BYTES];
    uint8_t nbytes;
    uint8_t ncps;
    int32_t cps[CHARMAP_MAX_CPS];
};

/* One 8-bit encoding: its mappings sorted by first byte, longer sequences
 * first, so that decoding tries the longest match. */
struct charmap {
    char name[32];
    char aliases[256]; /* space-separated, as in the file */
    struct mapping *maps;
    size_t nmaps;
    size_t by_lead[257]; /* mappings of lead byte b: [by_lead[b], by_lead[b + 1]) */
};

struct nqx_charmaps {
    struct charmap *maps; /* windows-1258 first, then the files in name order */
    size_t nmaps;
    char *list; /* every encoding's name, for messages */
};

/* The decoded form of the bytes at s[0..n): appends UTF-8 to out. Returns
 * true, or false with *bad set to the offset of the first byte the map has
 * no mapping for. */
bool charmap_decode(const struct charmap *map, const uint8_t *s, size_t n, nqx_buf *out,
                    size_t *bad);

/* UTF-16 (little-endian when le) to UTF-8. Returns true, or false with *bad
 * the offset of the unit that is wrong (an unpaired surrogate, or the odd
 * last byte) and *why what is wrong with it. */
bool utf16_decode(const uint8_t *s, size_t n, bool le, nqx_buf *out, size_t *bad,
                  const char **why);

/* Is s[j] of s[0..n) a continuation byte (10xxxxxx)? */
static inline bool utf8_cont(const uint8_t *s, size_t j, size_t n)
{
    return j < n && (s[j] & 0xC0) == 0x80;
}

/* The length of the well-formed UTF-8 sequence at s[i] of s[0..n) by RFC
 * 3629's table (no overlong forms, no surrogates, nothing above U+10FFFF;
 * 1 for ASCII), or 0 when there is none. */
static inline size_t utf8_sequence(const uint8_t *s, size_t i, size_t n)
{
    uint8_t b = s[i];
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        return utf8_cont(s, i + 1, n) ? 2 : 0;
    if (b >= 0xE0 && b <= 0xEF)
        return utf8_cont(s, i + 1, n) && utf8_cont(s, i + 2, n) &&
                       !(b == 0xE0 && s[i + 1] < 0xA0) && !(b == 0xED && s[i + 1] > 0x9F)
                   ? 3
                   : 0;
    if (b >= 0xF0 && b <= 0xF4)
        return utf8_cont(s, i + 1, n) && utf8_cont(s, i + 2, n) && utf8_cont(s, i + 3, n) &&
                       !(b == 0xF0 && s[i + 1] < 0x90) && !(b == 0xF4 && s[i + 1] > 0x8F)
                   ? 4
                   : 0;
    return 0;
}

/* The length of the longest prefix of s[0..n) that is valid UTF-8 (RFC
 * 3629). */
size_t utf8_valid_prefix(const uint8_t *s, size_t n);

/* Does the start of s[0..n) hold so many multi-byte characters that, if
 * all of s is valid UTF-8, detect_encoding takes it for UTF-8 without
 * scoring? */
bool utf8_sure_start(const uint8_t *s, size_t n);

/* The encoding of the bytes s[0..n) (no byte-order mark), chosen by
 * scoring a sample decoded with each candidate: UTF-8 when valid and not
 * clearly worse, else the one map, or UTF-16 of either byte order, whose
 * text reads clearly best as Vietnamese. Valid UTF-8 whose NUL bytes fall
 * on one side only is UTF-16 of plain Latin text, told by that side. *name
 * is set to the record's name for it. When no candidate is clearly best
 * (short or odd text) returns NQX_E_INPUT with err naming source and
 * asking for --encoding. */
nqx_status detect_encoding(const uint8_t *s, size_t n, const nqx_charmaps *maps,
                           const char *source, const char **name, nqx_error *err);

/* How Vietnamese a text reads: the words with a letter outside ASCII that
 * are valid Vietnamese syllables (good) and those that are not, plus
 * characters Vietnamese text never holds (bad). Words of ASCII letters
 * alone say nothing about the encoding and are not counted. */
struct vn_score {
    size_t good;
    size_t bad;
};

struct vn_score vn_score_text(const char *utf8, size_t len);

/* Is this word (UTF-8) one Vietnamese syllable: onset, vowel nucleus, coda
 * and at most one tone mark, in any case? Exposed for the tests. */
bool vn_is_syllable(const char *utf8, size_t len);

#endif
