/* Scanning the whole text for dates and citations. Searching every position
 * with one big alternation costs tens of milliseconds per megabyte; almost
 * every position can be ruled out by one byte. So the combined patterns are
 * anchored, and tried only where a finding can start: a date contains a
 * number, in digits or Roman ("quý IV"), and starts at most NUMBER_LEAD
 * bytes before it ("từ ngày 10 …", "giai đoạn 2021 …"); a citation starts
 * with a capital letter (Nghị quyết, Luật), or in small letters only just
 * before a number ("số 58-NQ/TW"). Candidates are tried left to right and
 * the first match wins, as an unanchored search would find it. */
#include "rules/rules_int.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* The longest words before the number of a date ("từ ngày ", "giai đoạn ",
 * "nhiệm kỳ "), and of a citation in small letters ("số "), in bytes. */
#define NUMBER_LEAD 20
#define CITATION_LEAD 8

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_word_byte(unsigned char c)
{
    return c >= 0x80 || is_digit((char)c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

bool capital_at(const char *t, size_t len, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    UChar32 cp;
    int32_t k = (int32_t)i;
    U8_NEXT(t, k, (int32_t)(len < INT32_MAX ? len : INT32_MAX), cp);
    return cp > 0 && u_isupper(cp);
}

bool line_is_caps(const char *s, size_t n)
{
    bool upper = false;
    for (int32_t i = 0; i < (int32_t)n;) {
        UChar32 c;
        U8_NEXT(s, i, (int32_t)n, c);
        if (c < 0)
            continue;
        if (u_islower(c))
            return false;
        if (u_isupper(c) || u_istitle(c))
            upper = true;
    }
    return upper;
}

size_t table_row_cells(const char *t, size_t ls, size_t le, nqx_span *cells, size_t max)
{
    bool row = false;
    if (le >= ls + 3)
        for (const char *p = t + ls + 1, *end = t + le - 1;
             !row && p < end && (p = memchr(p, '|', (size_t)(end - p))); p++)
            row = p[-1] == ' ' && p[1] == ' ';
    size_t n = 0;
    for (size_t s = ls; row && s <= le && n < max;) {
        size_t e = s;
        while (e < le && !(t[e] == '|' && (e == ls || t[e - 1] == ' ')))
            e++;
        size_t a = s, b = e;
        while (a < b && t[a] == ' ')
            a++;
        while (b > a && t[b - 1] == ' ')
            b--;
        cells[n++] = (nqx_span){a, b};
        s = e + 1;
    }
    return n;
}

/* What the scans ask of a token, found once when the tokens are made. */
enum {
    TOK_CAPITAL = 1, /* starts with a capital letter (ASCII, or through ICU) */
    TOK_ASCII = 2,   /* starts with an ASCII letter or digit */
    TOK_DIGIT_NEAR = 4, /* a digit within CITATION_LEAD bytes of its start */
    TOK_NUMBER_NEAR = 8, /* a number (digits, or a Roman numeral token) starts
                          * within NUMBER_LEAD bytes of its start */
    TOK_VALUES = 16      /* flags take fewer values than this (scan_tokens) */
};

/* A date has a number within reach (TOK_NUMBER_NEAR). */
static bool number_start(uint8_t flags)
{
    return flags & TOK_NUMBER_NEAR;
}

/* A citation starts with a capital letter (Nghị quyết, Luật, Đề án), or
 * in small ASCII letters just before a number ("số 58-NQ/TW"). */
static bool citation_start(uint8_t flags)
{
    return (flags & TOK_CAPITAL) || ((flags & TOK_ASCII) && (flags & TOK_DIGIT_NEAR));
}

/* A name starts with a capital, or, in ASCII, with any letter its rules
 * allow ("các ban, ngành"): letters beyond ASCII only in capitals. */
static bool name_start(uint8_t flags)
{
    return flags & (TOK_ASCII | TOK_CAPITAL);
}

/* Case folding and the letter-or-digit property of the code points below
 * FOLD_LIMIT (all the Latin letters, Vietnamese's among them), read from
 * ICU once: folded_word runs on every token a gate looks at. */
#define FOLD_LIMIT 0x2000
#define FOLD_WORD_CHAR 0x80000000u /* a letter or a decimal digit */
static uint32_t fold_table[FOLD_LIMIT];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static uint32_t fold_of(UChar32 c)
{
    uint32_t v = (uint32_t)u_foldCase(c, U_FOLD_CASE_DEFAULT);
    return U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_ND_MASK) ? v | FOLD_WORD_CHAR : v;
}

static void init_fold_table(void)
{
    for (UChar32 c = 0; c < FOLD_LIMIT; c++)
        fold_table[c] = fold_of(c);
}

uint32_t gate_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

/* The case-folded letter or digit at t[i] (its length in *n), or 0 when
 * there is none. The fold table must be ready (fold_ready). */
static inline UChar32 folded_char_at(const char *t, size_t len, size_t i, size_t *n)
{
    if (i >= len) {
        *n = 0;
        return 0;
    }
    unsigned char b = (unsigned char)t[i];
    if (b < 0x80) {
        *n = 1;
        return !is_word_byte(b) ? 0 : b >= 'A' && b <= 'Z' ? b | 0x20 : b;
    }
    UChar32 c = nqx_utf8_char((const uint8_t *)t + i, len - i, n);
    if (c < 0)
        return 0;
    uint32_t f = c < FOLD_LIMIT ? fold_table[c] : fold_of(c);
    return f & FOLD_WORD_CHAR ? (UChar32)(f & ~FOLD_WORD_CHAR) : 0;
}

/* Fills the fold table, once per process: the entry points call it, the
 * per-character code does not. */
static void fold_ready(void)
{
    pthread_once(&fold_once, init_fold_table);
}

static size_t fold_word(const char *t, size_t len, size_t i, char *out, size_t size)
{
    size_t n = 0, k;
    for (UChar32 c; (c = folded_char_at(t, len, i, &k)); i += k) {
        if (n + (size_t)U8_LENGTH(c) >= size)
            return SIZE_MAX;
        U8_APPEND_UNSAFE(out, n, c);
    }
    out[n] = '\0';
    return n;
}

size_t folded_word(const char *t, size_t len, size_t i, char *out, size_t size)
{
    fold_ready();
    return fold_word(t, len, i, out, size);
}

size_t folded_word_before(const char *t, size_t end, char *out, size_t size)
{
    fold_ready();
    /* A character takes at most four bytes and folds to at least one: a
     * word longer than four bytes for each byte of out does not fit. */
    size_t lo = end > 4 * size ? end - 4 * size : 0, start = end, n;
    const uint8_t *b = (const uint8_t *)t + lo;
    for (int32_t i = (int32_t)(end - lo); i > 0;) {
        UChar32 c;
        U8_PREV(b, 0, i, c);
        if (c < 0 || !folded_char_at(t, end, lo + (size_t)i, &n))
            break;
        start = lo + (size_t)i;
    }
    return start == lo && lo > 0 ? SIZE_MAX : fold_word(t, end, start, out, size);
}

/* The bit of a gate's set for the first two letters c1, c2 of a word. */
static uint32_t pair_bit(UChar32 c1, UChar32 c2)
{
    return ((uint32_t)c1 * 40503u + (uint32_t)c2) % GATE_PAIR_BITS;
}

/* May a rule of the group of gate g match at t[i], by what its rules say
 * they start with? The token got past the gate's first tests already
 * (first_ok: try_token); the first two letters, folded, go through a bit
 * set before the whole word is folded and looked up. The scan has readied
 * the fold table. */
static bool gate_allows(const struct gate *g, const char *t, size_t len, size_t i, uint8_t flags)
{
    if (g->any || (g->capital && (flags & TOK_CAPITAL)))
        return true;
    const struct gate_letters *letters = flags & TOK_CAPITAL ? &g->all : &g->small;
    size_t n1, n2;
    UChar32 c1 = folded_char_at(t, len, i, &n1);
    if (!c1)
        return false;
    uint32_t b = pair_bit(c1, folded_char_at(t, len, i + n1, &n2));
    if (!bits_has(letters->pairs, b))
        return false;
    char w[GATE_WORD_MAX];
    size_t n = fold_word(t, len, i, w, sizeof w);
    if (n == SIZE_MAX)
        return false; /* longer than any word of the gate */
    uint32_t h = gate_hash(w, n);
    for (size_t k = h & g->mask; g->slots[k]; k = (k + 1) & g->mask) {
        const struct gate_word *gw = &g->words[g->slots[k] - 1];
        if (gw->hash == h && !strcmp(gw->word, w))
            return !gw->capital || (flags & TOK_CAPITAL);
    }
    return false;
}

/* Notes a word whose first letter is c1 and whose first two make pair bit b. */
static void note_letters(struct gate_letters *l, UChar32 c1, uint32_t b)
{
    bits_add(l->pairs, b);
    if (c1 > 0 && c1 < 0x80)
        bits_add(l->firsts, (size_t)c1);
}

void gate_note_word(struct gate *g, const struct gate_word *w)
{
    fold_ready();
    size_t len = strlen(w->word), n1, n2;
    UChar32 c1 = folded_char_at(w->word, len, 0, &n1);
    uint32_t b = pair_bit(c1, folded_char_at(w->word, len, n1, &n2));
    note_letters(&g->all, c1, b);
    if (!w->capital)
        note_letters(&g->small, c1, b);
}

void marked_first_ok(struct marked *mk)
{
    for (int b = 0; b < 256; b++) {
        uint16_t ok = 0;
        const struct gate *g = mk->index[b] ? &mk->gates[mk->index[b] - 1] : NULL;
        unsigned folded = b >= 'A' && b <= 'Z' ? (unsigned)b | 0x20u : (unsigned)b;
        for (uint8_t f = 0; g && f < TOK_VALUES; f++) {
            const struct gate_letters *letters = f & TOK_CAPITAL ? &g->all : &g->small;
            bool pass = g->any || (g->capital && (f & TOK_CAPITAL)) ||
                        (g->nwords && (b >= 0x80 || bits_has(letters->firsts, folded)));
            ok |= (uint16_t)(pass << f);
        }
        mk->first_ok[b] = ok;
    }
}

static bool try_at(struct matcher *m, const struct marked *mk, const char *t, size_t len,
                   size_t c, size_t *s, size_t *e, const struct pattern **used)
{
    const struct pattern *p = &mk->by_start[mk->index[(unsigned char)t[c]] - 1];
    if (!pattern_match(m, p, t, len, c, 0))
        return false;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    *s = ov[0];
    *e = ov[1];
    *used = p;
    return true;
}

/* Is the token at i a Roman numeral standing alone (I, IV, XII: capitals
 * I, V, X only)? */
static bool roman_token(const char *t, size_t len, size_t i)
{
    size_t k = i;
    while (k < len && (t[k] == 'I' || t[k] == 'V' || t[k] == 'X'))
        k++;
    return k > i && (k == len || !is_word_byte((unsigned char)t[k]));
}

enum { BYTE_WORD = 1, BYTE_DIGIT = 2 };
static uint8_t byte_kind[256];
static pthread_once_t byte_kind_once = PTHREAD_ONCE_INIT;

static void init_byte_kind(void)
{
    for (int c = 0; c < 256; c++)
        byte_kind[c] = (uint8_t)((is_word_byte((unsigned char)c) ? BYTE_WORD : 0) |
                                 (is_digit((char)c) ? BYTE_DIGIT : 0));
}

/* Room in tk for at least `more` tokens, and `digits` runs of digits. */
static void tokens_room(struct tokens *tk, size_t more, size_t digits)
{
    if (tk->n + more > tk->cap) { /* at and flags grow together */
        void *a = tk->at, *f = tk->flags;
        size_t cap = tk->cap;
        nqx_grow(&a, &cap, tk->n + more, sizeof *tk->at);
        nqx_grow(&f, &tk->cap, tk->n + more, sizeof *tk->flags);
        tk->at = a;
        tk->flags = f;
    }
    if (tk->ndigits + digits > tk->digits_cap) {
        void *d = tk->digits;
        nqx_grow(&d, &tk->digits_cap, tk->ndigits + digits, sizeof *tk->digits);
        tk->digits = d;
    }
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_TOKENS 1
#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u

/* The bytes of x (eight, the first lowest) that are word bytes, as the high
 * bit of each (*digits: those that are digits), computed for all eight at
 * once: a branch per byte is mispredicted wherever a word ends. The sums
 * stay below 0x100 in every byte, so no carry crosses into the next. */
static uint64_t word_bits(uint64_t x, uint64_t *digits)
{
    uint64_t low = x & ~HIGHS, folded = low | 0x20 * ONES;
    uint64_t letter = (folded + (0x80 - 'a') * ONES) & ~(folded + (0x7F - 'z') * ONES);
    *digits = (low + (0x80 - '0') * ONES) & ~(low + (0x7F - '9') * ONES) & ~x & HIGHS;
    return (x | letter | *digits) & HIGHS;
}

/* Appends to v[n..] the offset at + k of each byte k whose high bit is set
 * in starts; returns the new count. */
static size_t push_starts(uint32_t *v, size_t n, uint64_t starts, size_t at)
{
    for (; starts; starts &= starts - 1)
        v[n++] = (uint32_t)(at + ((size_t)__builtin_ctzll(starts) >> 3));
    return n;
}
#endif

/* The tokens the digit and citation gates let through, by index; the
 * body scan's list is made when it first walks them (name_list). */
static void gated_lists(struct tokens *tk)
{
    if (tk->n > tk->gated_cap) {
        /* The three grow together: each from the same capacity to the
         * same one, which is kept once they all have it. */
        size_t cap = 0;
        for (int g = GATE_DIGIT; g <= GATE_TOKEN; g++) {
            void *v = tk->gated[g];
            cap = tk->gated_cap;
            nqx_grow(&v, &cap, tk->n, sizeof(uint32_t));
            tk->gated[g] = v;
        }
        tk->gated_cap = cap;
    }
    /* Every index is written; the count moves on past those let through. */
    size_t a = 0, b = 0;
    for (size_t k = 0; k < tk->n; k++) {
        uint8_t f = tk->flags[k];
        tk->gated[GATE_DIGIT][a] = (uint32_t)k;
        a += number_start(f);
        tk->gated[GATE_CITATION][b] = (uint32_t)k;
        b += citation_start(f);
    }
    tk->ngated[GATE_DIGIT] = a;
    tk->ngated[GATE_CITATION] = b;
    tk->ngated[GATE_TOKEN] = 0;
    tk->names_for = NULL;
}

/* The tokens of t where a name of mk may start (name_start, and its first
 * byte and letter through mk's gates: first_ok) into tk's third list,
 * unless it holds them already. Made without a branch a token; the body
 * scan then walks these instead of every word, and no longer stops at
 * each word turned away by a branch that is hard to predict. */
static void name_list(struct tokens *tk, const struct marked *mk, const char *t)
{
    if (tk->names_for == mk)
        return;
    uint16_t allowed = 0;
    for (uint8_t f = 0; f < TOK_VALUES; f++)
        allowed |= (uint16_t)(name_start(f) << f);
    uint32_t *v = tk->gated[GATE_TOKEN];
    size_t n = 0;
    for (size_t k = 0; k < tk->n; k++) {
        uint16_t ok = mk->first_ok[(unsigned char)t[tk->at[k]]] & allowed;
        v[n] = (uint32_t)k;
        n += ok >> tk->flags[k] & 1;
    }
    tk->ngated[GATE_TOKEN] = n;
    tk->names_for = mk;
}

/* One pass over the bytes for where tokens and runs of digits start, then
 * one over the tokens, from the last, for their flags. For a token, the
 * first digit at or after it starts a run of digits (the byte before it is
 * a word byte only inside the token), and the first number is that or a
 * Roman numeral token. */
void tokens_make(const char *t, size_t len, size_t from, struct tokens *tk)
{
    pthread_once(&byte_kind_once, init_byte_kind);
    tk->n = 0;
    tk->ndigits = 0;
    uint8_t prev = from ? byte_kind[(unsigned char)t[from - 1]] : 0;
    size_t i = from;
#ifdef SWAR_TOKENS
    /* Eight bytes at a time; the bytes before a word's first byte and
     * before a digit run's first digit shift in from the previous eight. */
    uint64_t word_before = prev & BYTE_WORD ? 0x80 : 0,
             digit_before = prev & BYTE_DIGIT ? 0x80 : 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x, digits;
        memcpy(&x, t + i, 8);
        uint64_t words = word_bits(x, &digits);
        uint64_t starts = words & ~(words << 8 | word_before);
        uint64_t digit_starts = digits & ~(digits << 8 | digit_before);
        word_before = words >> 56;
        digit_before = digits >> 56;
        tokens_room(tk, 8, 8);
        tk->n = push_starts(tk->at, tk->n, starts, i);
        if (digit_starts)
            tk->ndigits = push_starts(tk->digits, tk->ndigits, digit_starts, i);
    }
    prev = (uint8_t)((word_before ? BYTE_WORD : 0) | (digit_before ? BYTE_DIGIT : 0));
#endif
    for (; i < len; i++) {
        uint8_t kind = byte_kind[(unsigned char)t[i]], starts = kind & (uint8_t)~prev;
        prev = kind;
        if (!starts)
            continue;
        tokens_room(tk, 1, 1);
        if (starts & BYTE_WORD)
            tk->at[tk->n++] = (uint32_t)i;
        if (starts & BYTE_DIGIT)
            tk->digits[tk->ndigits++] = (uint32_t)i;
    }
    size_t d = tk->ndigits, roman = SIZE_MAX;
    for (size_t k = tk->n; k-- > 0;) {
        i = tk->at[k];
        unsigned char c = (unsigned char)t[i];
        while (d > 0 && tk->digits[d - 1] >= i)
            d--;
        size_t next_digit = d < tk->ndigits ? tk->digits[d] : SIZE_MAX;
        if (c == 'I' || c == 'V' || c == 'X')
            if (roman_token(t, len, i))
                roman = i;
        size_t number = next_digit < roman ? next_digit : roman;
        uint8_t f = 0;
        if (c < 0x80) {
            f |= TOK_ASCII | (c >= 'A' && c <= 'Z' ? TOK_CAPITAL : 0);
            if (next_digit < i + CITATION_LEAD)
                f |= TOK_DIGIT_NEAR;
        } else if (capital_at(t, len, i)) {
            f |= TOK_CAPITAL;
        }
        if (number != SIZE_MAX && number - i <= NUMBER_LEAD)
            f |= TOK_NUMBER_NEAR;
        tk->flags[k] = f;
    }
    gated_lists(tk);
}

/* The first index of v[0..n) (ascending) whose value is at least key. */
static size_t first_at_least(const uint32_t *v, size_t n, size_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The tokens to walk from `from` on (their index in *first): those of the
 * document's text, made once (the three scans and their many calls share
 * them), or, for another text, made for this call into own. */
static struct tokens *tokens_from(struct matcher *m, const char *t, size_t len,
                                  size_t from, size_t *first, struct tokens *own)
{
    *first = 0;
    if (!m->doc || t != m->doc->norm || len > m->doc->norm_len || len > UINT32_MAX) {
        tokens_make(t, len, from, own);
        return own;
    }
    if (!m->tokens_made) {
        tokens_make(t, m->doc->norm_len, 0, &m->tokens);
        m->tokens_made = true;
    }
    *first = first_at_least(m->tokens.at, m->tokens.n, from);
    return &m->tokens;
}

/* Tries the rules of mk at token k, where its gate lets them: its first
 * tests by first_ok (which knows that no rule starts at the byte), the
 * rest by gate_allows. */
static bool try_token(struct matcher *m, const struct marked *mk, const char *t,
                      size_t len, const struct tokens *tk, size_t k, size_t *s, size_t *e,
                      const struct pattern **used)
{
    size_t i = tk->at[k];
    unsigned char b = (unsigned char)t[i];
    return (mk->first_ok[b] >> tk->flags[k] & 1) &&
           gate_allows(&mk->gates[mk->index[b] - 1], t, len, i, tk->flags[k]) &&
           try_at(m, mk, t, len, i, s, e, used);
}

static bool scan_tokens(struct matcher *m, const struct marked *mk, const char *t,
                        size_t len, struct tokens *tk, size_t k, scan_gate gate,
                        size_t *s, size_t *e, const struct pattern **used)
{
    /* Each gate's list of tokens is walked, from the first token at or
     * after k. */
    if (gate == GATE_TOKEN)
        name_list(tk, mk, t);
    const uint32_t *list = tk->gated[gate];
    for (size_t j = first_at_least(list, tk->ngated[gate], k);
         j < tk->ngated[gate] && tk->at[list[j]] < len; j++)
        if (try_token(m, mk, t, len, tk, list[j], s, e, used))
            return true;
    return false;
}

void tokens_free(struct tokens *tk)
{
    free(tk->at);
    free(tk->flags);
    free(tk->digits);
    free(tk->gated[GATE_DIGIT]);
    free(tk->gated[GATE_CITATION]);
    free(tk->gated[GATE_TOKEN]);
    memset(tk, 0, sizeof *tk);
}

bool scan_marked(struct matcher *m, const struct marked *mk, const char *t, size_t len,
                 size_t from, scan_gate gate, size_t *s, size_t *e, const struct pattern **used)
{
    if (!mk->n || from >= len)
        return false;
    fold_ready();
    size_t k;
    struct tokens own = {0};
    struct tokens *tk = tokens_from(m, t, len, from, &k, &own);
    bool found = scan_tokens(m, mk, t, len, tk, k, gate, s, e, used);
    tokens_free(&own);
    return found;
}
