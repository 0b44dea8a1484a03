/* What a pattern's match can end with, read from its source: a gate for
 * the patterns that must end where their subject ends, as the words before
 * a number or a date do ("…(?:tối thiểu|ít nhất)[ \n]*$"). Such a pattern
 * is searched over a window that ends at the number; most windows cannot
 * hold a match, and their last word says so. The gate is the set of bytes
 * the last character of a match can end with, blanks (space and newline)
 * aside, and whether a match of blanks alone may end it (one with a
 * newline, as "(?:^|\n|[.;:][ \n])[ \n]*$" has, or one from the start of
 * the subject): a window whose end fits none of these cannot match, and
 * pcre2 is not called.
 *
 * The reading is sound or nothing: every construct it does not know makes
 * the whole pattern ungated. Letters are taken case aside whatever the
 * pattern's options (a larger set, never a smaller one), and any character
 * beyond ASCII in a class or a property stands for every byte a character
 * beyond ASCII can end with.
 *
 * The same walk over a source, item by item, tells the skip family whether
 * a pattern has an alternative of its own at its top level
 * (top_level_alternation). */
#include "rules/rules_int.h"

#include <ctype.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uset.h>
#include <unicode/utf8.h>

/* What the source of a piece of pattern can match. Of a match with
 * characters other than blanks (space, newline): the bytes its last such
 * character can end with (set). Of a match of blanks alone, or of
 * nothing: whether it may be spaces alone or nothing, anywhere (quiet);
 * whether it may hold a newline (nl); whether it may be one that starts
 * where the subject starts, as after ^ (caret). And whether it consumes
 * nothing at all (zero), and whether every match of it ends at $ (the end
 * of the subject, or a newline there: end). */
struct tail {
    uint8_t set[32];
    bool quiet, nl, caret, zero, end;
};

/* May it match blanks alone, or nothing? */
static bool blankable(const struct tail *t)
{
    return t->quiet || t->nl || t->caret;
}

struct reader {
    const char *src;
    size_t len;
    int depth; /* subroutine calls followed */
    int nesting; /* groups entered */
    bool fail; /* a construct the reader does not know */
};

#define MAX_DEPTH 8
#define MAX_NESTING 64
#define MAX_ITEMS 512

static void add_byte(struct tail *t, unsigned char b)
{
    bits_add(t->set, b);
}

static bool is_empty(const uint8_t set[32])
{
    for (size_t b = 0; b < 32; b++)
        if (set[b])
            return false;
    return true;
}

static void add_range(struct tail *t, unsigned lo, unsigned hi)
{
    for (unsigned b = lo; b <= hi; b++)
        add_byte(t, (unsigned char)b);
}

static void add_all(struct tail *t)
{
    memset(t->set, 0xFF, sizeof t->set);
}

/* The last byte of c in UTF-8. */
static unsigned char last_byte(UChar32 c)
{
    return c < 0x80 ? (unsigned char)c : (unsigned char)(0x80 | (c & 0x3F));
}

/* c, and every character it matches case aside (ICU's case closure holds
 * pcre2's caseless sets). */
static void add_char(struct tail *t, UChar32 c)
{
    add_byte(t, last_byte(c));
    if (!u_hasBinaryProperty(c, UCHAR_CASE_SENSITIVE))
        return; /* no other case maps to it, nor it to one */
    UErrorCode e = U_ZERO_ERROR;
    USet *s = uset_open(c, c);
    uset_closeOver(s, USET_CASE_INSENSITIVE);
    UChar32 lo, hi;
    UChar buf[8];
    for (int32_t i = 0, n = uset_getItemCount(s); i < n; i++) {
        e = U_ZERO_ERROR;
        int32_t len =
            uset_getItem(s, i, &lo, &hi, buf, (int32_t)(sizeof buf / sizeof *buf), &e);
        if (len)
            continue; /* a string: it cannot match one character */
        for (UChar32 k = lo; k <= hi; k++)
            add_byte(t, last_byte(k));
    }
    uset_close(s);
}

/* The characters of \d, \w and \p{L…} or \p{N…} (a letter, a number):
 * their ASCII ones and every byte beyond ASCII; none is a blank. False for
 * any other type or property. */
static bool letters_or_digits(struct tail *t, char x, const char *name)
{
    bool letters = x == 'w' || (x == 'p' && name[0] == 'L');
    bool digits = x == 'd' || x == 'w' || (x == 'p' && name[0] == 'N');
    if (!letters && !digits)
        return false;
    if (letters) {
        add_range(t, 'a', 'z');
        add_range(t, 'A', 'Z');
        add_byte(t, '_');
    }
    add_range(t, '0', '9');
    add_range(t, 0x80, 0xBF);
    return true;
}

/* A character one item may consume: its bytes, or for a blank what
 * blanks alone it makes. */
static void add_member(struct tail *t, UChar32 c)
{
    if (c == ' ')
        t->quiet = true;
    else if (c == '\n')
        t->nl = true;
    else
        add_char(t, c);
}

static struct tail literal(UChar32 c)
{
    struct tail t = {0};
    add_member(&t, c);
    return t;
}

/* Any character at all. */
static struct tail any(void)
{
    struct tail t = {.quiet = true, .nl = true};
    add_all(&t);
    return t;
}

/* Consumes nothing: an assertion, a verb, a definition. */
static struct tail zero(bool end)
{
    return (struct tail){.quiet = true, .zero = true, .end = end};
}

/* ^: nothing, where the subject starts. */
static struct tail caret(void)
{
    return (struct tail){.caret = true, .zero = true};
}

static struct tail failed(struct reader *R)
{
    R->fail = true;
    return any();
}

/* The end of the group whose '(' is at i (one past its ')'), or len. */
static size_t group_end(const struct reader *R, size_t i);

/* One past the class whose '[' is at i. */
static size_t class_end(const struct reader *R, size_t i)
{
    i++;
    if (i < R->len && R->src[i] == '^')
        i++;
    if (i < R->len && R->src[i] == ']')
        i++; /* a ']' first is a member */
    while (i < R->len && R->src[i] != ']') {
        if (R->src[i] == '\\')
            i++;
        else if (R->src[i] == '[' && i + 1 < R->len && R->src[i + 1] == ':') {
            const char *e = strstr(R->src + i + 2, ":]");
            if (e)
                i = (size_t)(e - R->src) + 1;
        }
        i++;
    }
    return i < R->len ? i + 1 : R->len;
}

static size_t group_end(const struct reader *R, size_t i)
{
    int depth = 0;
    while (i < R->len) {
        char c = R->src[i];
        if (c == '\\') {
            if (i + 1 < R->len && R->src[i + 1] == 'Q') {
                const char *e = strstr(R->src + i + 2, "\\E");
                i = e ? (size_t)(e - R->src) + 2 : R->len;
                continue;
            }
            i += 2;
            continue;
        }
        if (c == '[') {
            i = class_end(R, i);
            continue;
        }
        if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            return i + 1;
        i++;
    }
    return R->len;
}

/* One past the name of a property at k: "{…}", or one letter. */
static size_t brace_end(const struct reader *R, size_t k)
{
    if (k < R->len && R->src[k] == '{') {
        const char *close = memchr(R->src + k, '}', R->len - k);
        return close ? (size_t)(close - R->src) + 1 : R->len;
    }
    return k + 1;
}

/* The code point of a character escape at src[i] (after the '\\'), or -1;
 * *next is one past it. */
static UChar32 escaped_char(const struct reader *R, size_t i, size_t *next)
{
    char c = R->src[i];
    *next = i + 1;
    switch (c) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    case 'f':
        return '\f';
    case 'e':
        return 0x1B;
    case 'a':
        return 0x07;
    case 'x': {
        UChar32 v = 0;
        size_t k = i + 1;
        bool brace = k < R->len && R->src[k] == '{';
        k += brace;
        size_t digits = 0;
        for (; k < R->len && digits < (brace ? 8u : 2u); k++, digits++) {
            char h = R->src[k];
            int d = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
            if (d < 0)
                break;
            v = v * 16 + d;
        }
        if (brace) {
            if (k >= R->len || R->src[k] != '}')
                return -1;
            k++;
        }
        *next = k;
        return v <= 0x10FFFF ? v : -1;
    }
    default:
        /* Punctuation escaped stands for itself. */
        if ((unsigned char)c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') &&
            !(c >= '0' && c <= '9'))
            return (unsigned char)c;
        return -1;
    }
}

/* The character at src[i] (one of the pattern's own, UTF-8), -1 when
 * malformed; *next is one past it. */
static UChar32 source_char(const struct reader *R, size_t i, size_t *next)
{
    UChar32 c;
    int32_t k = (int32_t)i;
    U8_NEXT(R->src, k, (int32_t)R->len, c);
    *next = (size_t)k;
    return c;
}

/* A class [..] at i (to e): its members' bytes. Properties, types (\d \w
 * \s), POSIX classes and characters beyond ASCII stand for more than the
 * reader follows: any byte beyond ASCII, and for a negated class any byte
 * at all. */
static struct tail class_tail(struct reader *R, size_t i, size_t e)
{
    struct tail t = {0};
    size_t k = i + 1, end = e - 1; /* end: the closing ']' */
    bool negated = k < end && R->src[k] == '^';
    if (negated) {
        /* The members it leaves out: blankness is known only when both
         * blanks are among them. */
        bool space = false, newline = false;
        for (size_t j = k + 1; j < end; j++) {
            if (R->src[j] == ' ')
                space = true;
            else if (R->src[j] == '\\' && j + 1 < end && R->src[j + 1] == 'n')
                newline = true;
        }
        add_all(&t);
        t.quiet = !space;
        t.nl = !newline;
        return t;
    }
    bool first = true;
    UChar32 prev = -1;
    while (k < end) {
        UChar32 c;
        size_t next;
        if (R->src[k] == '\\') {
            char x = k + 1 < end ? R->src[k + 1] : 0;
            const char *name = k + 3 < end && R->src[k + 2] == '{' ? R->src + k + 3 : "";
            if (letters_or_digits(&t, x, name)) {
                k += 2;
                if (x == 'p')
                    k = brace_end(R, k);
                prev = -1;
                continue;
            }
            c = escaped_char(R, k + 1, &next);
            if (c < 0) {
                add_all(&t); /* \s \p{..} \h and the like */
                t.quiet = t.nl = true;
                k += 2;
                if (x == 'p' || x == 'P')
                    k = brace_end(R, k);
                prev = -1;
                continue;
            }
        } else if (R->src[k] == '[' && k + 1 < end && R->src[k + 1] == ':') {
            return failed(R);
        } else if (R->src[k] == '-' && !first && prev >= 0 && k + 1 < end) {
            /* A range prev-hi: its characters beyond what prev gave. */
            size_t n2;
            UChar32 hi = R->src[k + 1] == '\\' ? escaped_char(R, k + 2, &n2)
                                               : source_char(R, k + 1, &n2);
            if (hi < prev)
                return failed(R);
            if (hi >= 0x80) {
                add_range(&t, 0x80, 0xBF);
                add_range(&t, 'A', 'Z'); /* case aside, a letter beyond ASCII may */
                add_range(&t, 'a', 'z'); /* match one within it (K, ſ) */
            }
            for (UChar32 u = prev + 1; u <= hi && u < 0x80; u++)
                add_member(&t, u);
            k = n2;
            prev = -1;
            first = false;
            continue;
        } else {
            c = source_char(R, k, &next);
            if (c < 0)
                return failed(R);
        }
        add_member(&t, c);
        prev = c;
        first = false;
        k = next;
    }
    return t;
}

static struct tail alternation(struct reader *R, size_t s, size_t e);

/* The subroutine (?&name) calls: the group (?<name>…) of the source. */
static struct tail subroutine(struct reader *R, const char *name, size_t n)
{
    if (R->depth >= MAX_DEPTH)
        return failed(R);
    for (const char *p = R->src; (p = strstr(p, "(?<")) != NULL; p++) {
        const char *q = p + 3;
        if (!strncmp(q, name, n) && q[n] == '>') {
            size_t open = (size_t)(p - R->src);
            size_t close = group_end(R, open);
            R->depth++;
            struct tail t = alternation(R, open + 3 + n + 1, close - 1);
            R->depth--;
            return t;
        }
    }
    return failed(R);
}

static struct tail group_inside(struct reader *R, size_t i, size_t e);

/* The group whose '(' is at i and whose ')' ends at e (one past). */
static struct tail group(struct reader *R, size_t i, size_t e)
{
    /* A group the reader cannot close, or nested deeper than patterns
     * are written. */
    if (e < i + 2 || R->src[e - 1] != ')' || R->nesting >= MAX_NESTING)
        return failed(R);
    R->nesting++;
    struct tail t = group_inside(R, i, e);
    R->nesting--;
    return t;
}

static struct tail group_inside(struct reader *R, size_t i, size_t e)
{
    const char *s = R->src + i + 1;
    size_t inner = e - 1; /* the ')' */
    if (s[0] != '?' && s[0] != '*')
        return alternation(R, i + 1, inner); /* a numbered capture */
    if (s[0] == '*')
        return zero(false); /* a verb unfollowable() let through: (*MARK:x) */
    if ((s[1] >= '0' && s[1] <= '9') || s[1] == 'R' || s[1] == '+')
        return any(); /* a recursion or a call by number */
    switch (s[1]) {
    case ':':
    case '>':
    case '|':
        return alternation(R, i + 3, inner);
    case '=': {
        /* (?=[ \n]*$): what is left is blanks, the match ends as if it
         * had read them. A failure inside leaves it a mere assertion. */
        bool failed_before = R->fail;
        struct tail x = alternation(R, i + 3, inner);
        bool blanks_to_end = !R->fail && x.end && is_empty(x.set);
        R->fail = failed_before;
        return zero(blanks_to_end);
    }
    case '!':
    case '#':
    case 'C':
        return zero(false); /* a lookahead, a comment, a callout */
    case '(':
        /* A definition matches nothing; a condition, either branch. */
        return !strncmp(s + 1, "(DEFINE)", 8) ? zero(false) : any();
    case '&': {
        size_t n = inner - (i + 3);
        return subroutine(R, s + 2, n);
    }
    case '<':
        if (s[2] == '=' || s[2] == '!')
            return zero(false);
        {
            const char *gt = memchr(s + 2, '>', inner - (i + 3));
            if (!gt)
                return failed(R);
            return alternation(R, (size_t)(gt - R->src) + 1, inner);
        }
    case 'P':
        if (s[2] == '>' || s[2] == '=')
            return any();
        if (s[2] == '<') {
            const char *gt = memchr(s + 3, '>', inner - (i + 4));
            if (!gt)
                return failed(R);
            return alternation(R, (size_t)(gt - R->src) + 1, inner);
        }
        return failed(R);
    default: {
        /* Options: (?i) (?-i) (?i:…) (?-i:…). Case is taken aside anyway;
         * multiline and extended change what the source means. */
        size_t k = i + 2;
        while (k < inner && (R->src[k] == '-' || R->src[k] == 'i' || R->src[k] == 's' ||
                             R->src[k] == 'n' || R->src[k] == 'U' || R->src[k] == 'J'))
            k++;
        if (k == inner)
            return zero(false); /* (?i): from here on */
        if (R->src[k] == ':')
            return alternation(R, k + 1, inner);
        return failed(R);
    }
    }
}

/* One past the quantifier at i, if any; *min its least count. */
static size_t quantifier(const struct reader *R, size_t i, unsigned *min,
                         bool *quantified)
{
    *quantified = false;
    *min = 1;
    if (i >= R->len)
        return i;
    char c = R->src[i];
    if (c == '*' || c == '?') {
        *min = 0;
        i++;
    } else if (c == '+') {
        i++;
    } else if (c == '{') {
        size_t k = i + 1;
        unsigned m = 0;
        bool digits = false;
        while (k < R->len && R->src[k] >= '0' && R->src[k] <= '9') {
            m = m * 10 + (unsigned)(R->src[k++] - '0');
            digits = true;
            if (m > 65535)
                m = 65535;
        }
        if (!digits)
            return i; /* a brace that is not a quantifier is a literal */
        if (k < R->len && R->src[k] == ',')
            for (k++; k < R->len && R->src[k] >= '0' && R->src[k] <= '9'; k++)
                ;
        if (k >= R->len || R->src[k] != '}')
            return i;
        *min = m;
        i = k + 1;
    } else {
        return i;
    }
    *quantified = true;
    if (i < R->len && (R->src[i] == '+' || R->src[i] == '?'))
        i++;
    return i;
}

/* One past the escape at i (its '\\'): \Q…\E, \x{…}, \p{…}, \g{…},
 * \k<…>, \cX, a back reference's digits. */
static size_t escape_end(const struct reader *R, size_t i)
{
    char x = i + 1 < R->len ? R->src[i + 1] : 0;
    size_t k = i + 2;
    if (x == 'Q') {
        const char *q = strstr(R->src + k, "\\E");
        return q ? (size_t)(q - R->src) + 2 : R->len;
    }
    /* Only these take a name or a value in braces: after any other
     * escape ("\\d{0,2}", "\\.{3}") a brace opens a quantifier. */
    bool braced =
        x == 'x' || x == 'p' || x == 'P' || x == 'g' || x == 'k' || x == 'o' || x == 'N';
    if (k < R->len && braced &&
        (R->src[k] == '{' || ((x == 'k' || x == 'g') && R->src[k] == '<'))) {
        const char *close = memchr(R->src + k, R->src[k] == '{' ? '}' : '>', R->len - k);
        return close ? (size_t)(close - R->src) + 1 : R->len;
    }
    if (x == 'p' || x == 'P' || x == 'c')
        return k + 1 <= R->len ? k + 1 : R->len;
    if (x == 'x') {
        for (size_t d = 0; d < 2 && k < R->len && isxdigit((unsigned char)R->src[k]); d++)
            k++;
        return k;
    }
    if (x >= '0' && x <= '9')
        while (k < R->len && R->src[k] >= '0' && R->src[k] <= '9')
            k++;
    return k <= R->len ? k : R->len;
}

/* One past the atom at i, its quantifier not included. */
static size_t atom_end(const struct reader *R, size_t i)
{
    switch (R->src[i]) {
    case '(':
        return group_end(R, i);
    case '[':
        return class_end(R, i);
    case '\\':
        return escape_end(R, i);
    default: {
        int32_t k = (int32_t)i;
        U8_FWD_1(R->src, k, (int32_t)R->len);
        return (size_t)k;
    }
    }
}

/* The atom at i, up to *next (its quantifier not included). */
static struct tail atom(struct reader *R, size_t i, size_t *next)
{
    char c = R->src[i];
    switch (c) {
    case '(':
        *next = group_end(R, i);
        return group(R, i, *next);
    case '[':
        *next = class_end(R, i);
        return class_tail(R, i, *next);
    case '.':
        *next = i + 1;
        return any();
    case '^':
        *next = i + 1;
        return caret();
    case '$':
        *next = i + 1;
        return zero(true);
    case '\\': {
        char x = i + 1 < R->len ? R->src[i + 1] : 0;
        *next = i + 2;
        switch (x) {
        case 'b':
        case 'B':
        case 'G':
        case 'K':
            return zero(false);
        case 'A':
            return caret();
        case 'z':
        case 'Z':
            return zero(true);
        case 'Q':
            *next = escape_end(R, i);
            return any(); /* \Q…\E, which the rules do not write */
        default: {
            size_t n;
            UChar32 u = escaped_char(R, i + 1, &n);
            if (u < 0) {
                /* A type, a property, a reference: a letter or digit, or
                 * any character (\p{…} with its braces). */
                const char *name = "";
                if ((x == 'p' || x == 'P' || x == 'g' || x == 'k') && i + 2 < R->len &&
                    (R->src[i + 2] == '{' || R->src[i + 2] == '<')) {
                    const char *close =
                        strchr(R->src + i + 2, R->src[i + 2] == '{' ? '}' : '>');
                    *next = close ? (size_t)(close - R->src) + 1 : R->len;
                    name = R->src + i + 3;
                }
                struct tail t = {0};
                return letters_or_digits(&t, x, name) ? t : any();
            }
            *next = n;
            return literal(u);
        }
        }
    }
    default: {
        UChar32 u = source_char(R, i, next);
        if (u < 0)
            return failed(R);
        return literal(u);
    }
    }
}

/* A sequence of items (no '|' at its level) from s to e. Only its last
 * items are read: those back to the first that cannot match blanks alone
 * (the last characters are theirs), and back to the first that consumes
 * or asserts the end. */
static struct tail sequence(struct reader *R, size_t s, size_t e)
{
    size_t at[MAX_ITEMS];
    bool optional[MAX_ITEMS];
    size_t n = 0;
    for (size_t i = s; i < e;) {
        if (n == MAX_ITEMS)
            return failed(R);
        unsigned min;
        bool quantified;
        at[n] = i;
        i = quantifier(R, atom_end(R, i), &min, &quantified);
        optional[n++] = quantified && min == 0;
    }
    /* r: what the items read so far, the last ones, match together. */
    struct tail r = {.quiet = true};
    bool end_known = false;
    size_t k = n;
    while (k-- > 0 && (blankable(&r) || !end_known) && !R->fail) {
        size_t next;
        struct tail t = atom(R, at[k], &next);
        if (optional[k]) {
            t.quiet = true;
            t.end = false;
        }
        if (blankable(&r)) {
            /* The items after this one may be blanks alone: its last
             * characters may be the match's; and blanks alone of t then
             * of the items after it. */
            for (size_t b = 0; b < sizeof r.set; b++)
                r.set[b] |= t.set[b];
            bool nl = (t.nl && (r.quiet || r.nl)) || ((t.quiet || t.nl) && r.nl);
            bool at_start = (t.caret && blankable(&r)) || (blankable(&t) && r.caret);
            r.quiet = t.quiet && r.quiet;
            r.nl = nl;
            r.caret = at_start;
        }
        if (!end_known) {
            if (t.end)
                r.end = true, end_known = true;
            else if (!t.zero)
                end_known = true;
        }
    }
    /* Consumes nothing only when every item was read and none does. */
    r.zero = !end_known && k == SIZE_MAX;
    return r;
}

/* Branches separated by '|' from s to e. */
static struct tail alternation(struct reader *R, size_t s, size_t e)
{
    struct tail r = {0};
    bool first = true;
    size_t bs = s;
    for (size_t i = s; i <= e && !R->fail;) {
        if (i == e || R->src[i] == '|') {
            struct tail t = sequence(R, bs, i);
            for (size_t b = 0; b < sizeof r.set; b++)
                r.set[b] |= t.set[b];
            r.quiet = r.quiet || t.quiet;
            r.nl = r.nl || t.nl;
            r.caret = r.caret || t.caret;
            r.zero = first ? t.zero : r.zero && t.zero;
            r.end = first ? t.end : r.end && t.end;
            first = false;
            bs = i + 1;
            if (i == e)
                break;
            i++;
            continue;
        }
        char c = R->src[i];
        if (c == '\\' && i + 1 < e && R->src[i + 1] == 'Q') {
            const char *q = strstr(R->src + i + 2, "\\E");
            i = q ? (size_t)(q - R->src) + 2 : e;
        } else if (c == '\\') {
            i += 2;
        } else if (c == '[') {
            i = class_end(R, i);
        } else if (c == '(') {
            i = group_end(R, i);
        } else {
            i++;
        }
        if (i > e)
            i = e;
    }
    return r;
}

/* Does the source hold what changes the meaning of the rest of it, read
 * or not: options that make $ a line's end or blanks insignificant,
 * (*ACCEPT), the settings of a pattern's start ((*CR))? */
static bool unfollowable(const char *src)
{
    for (const char *p = src; (p = strchr(p, '(')) != NULL; p++) {
        if (p > src && p[-1] == '\\')
            continue;
        if (p[1] == '*') {
            static const char *const verbs[] = {"*:",     "*MARK", "*F)",     "*FAIL",
                                                "*PRUNE", "*SKIP", "*COMMIT", "*THEN"};
            bool known = false;
            for (size_t v = 0; v < sizeof verbs / sizeof *verbs && !known; v++)
                known = !strncmp(p + 1, verbs[v], strlen(verbs[v]));
            if (!known)
                return true;
        } else if (p[1] == '?') {
            const char *q = p + 2;
            while (*q == '-' || *q == '^' || (*q >= 'a' && *q <= 'z') ||
                   (*q >= 'A' && *q <= 'Z'))
                q++;
            if ((*q == ')' || *q == ':') && memchr(p + 2, 'm', (size_t)(q - p - 2)))
                return true;
            if ((*q == ')' || *q == ':') && memchr(p + 2, 'x', (size_t)(q - p - 2)))
                return true;
        }
    }
    return false;
}

bool top_level_alternation(const char *src)
{
    struct reader R = {.src = src, .len = strlen(src)};
    for (size_t i = 0; i < R.len; i = atom_end(&R, i))
        if (src[i] == '|')
            return true;
    return false;
}

bool tail_gate(const char *src, bool end_anchored, struct tail_gate *g)
{
    if (!src || (!end_anchored && !strchr(src, '$')) || unfollowable(src))
        return false;
    struct reader R = {.src = src, .len = strlen(src)};
    struct tail t = alternation(&R, 0, R.len);
    if (R.fail || !(t.end || end_anchored) || t.quiet)
        return false;
    /* Any byte but the blanks: a gate that turns nothing away. */
    size_t bits = 0;
    for (size_t b = 0; b < sizeof t.set; b++)
        bits += (size_t)__builtin_popcount(t.set[b]);
    bits -= bits_has(t.set, ' ') + bits_has(t.set, '\n');
    if (bits >= 254)
        return false;
    memcpy(g->last, t.set, sizeof t.set);
    g->nl = t.nl;
    g->caret = t.caret;
    return true;
}
