/* Inside the rules stage: the loaded rule set and the helpers its parts
 * share. Not for other stages. */
#ifndef NQX_RULES_INT_H
#define NQX_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

#include "rules/rules.h"

/* Limits that keep every match bounded whatever the input (SPEC: no input
 * can make a regex run away). Windows bound the text a rule looks at around
 * a candidate; the match and depth limits bound the work inside it. */
#define RULE_MATCH_LIMIT 200000
#define RULE_DEPTH_LIMIT 5000
#define RULE_HEAP_LIMIT_KIB 8192
#define WINDOW_BEFORE 32 /* bytes a `before` pattern sees, unless set: window=N */
#define PREDICATE_SPAN 120 /* bytes before a quantity searched for its verb */
#define WINDOW_AFTER 320 /* bytes a `pattern` or `after` pattern sees */

typedef enum rule_role {
    ROLE_SKIP,       /* a number that is not a quantity */
    ROLE_QUANTITY,   /* value, scale and unit of a quantity */
    ROLE_COMPARATOR, /* words around a quantity that give its comparator */
    ROLE_PREDICATE,  /* the verb before a quantity: đạt, tăng, giảm, vượt */
    ROLE_KIND,       /* cues for target, result or estimate */
    ROLE_FRAME,      /* words that open a clause but are not the indicator */
    ROLE_CHILDREN,   /* "trong đó": what follows are parts of what precedes */
    ROLE_TAIL,       /* words that end the noun phrase after a quantity */
    ROLE_SECTION,    /* a section marker at the start of a line */
    ROLE_BLOCK,      /* a line that starts a block of its own */
    ROLE_COLUMN,     /* a table header cell that names what its column holds */
    ROLE_DATE,       /* a date or period expression */
    ROLE_DATE_ROLE,  /* words around a date that say what it is to the document */
    ROLE_REFERENCE,  /* the head of a cited document: type word and/or number */
    ROLE_REF_ISSUER, /* who issued a cited document ("của Bộ Chính trị") */
    ROLE_META,       /* a part of the document's header or signature block */
    ROLE_BODY,       /* a mention of a responsible body */
    ROLE_TASK,       /* what makes a sentence a task: "Giao X", X + verb, "phối hợp" */
    ROLE_FURNITURE,  /* a line of page furniture: running header, page number, stamp */
    ROLE_COUNT
} rule_role;

extern const char *const rule_role_names[ROLE_COUNT];

/* Where kind cues are read: around a quantity, in headings, or at the
 * start of its sentence (with a group `year`: only for a year before the
 * document's own). */
enum { SCOPE_CLAUSE = 1, SCOPE_HEADING = 2, SCOPE_SENTENCE = 4 };

/* What a table column holds, by its header (role column). A value column
 * is any column the header rules do not name. */
enum { COLUMN_VALUE, COLUMN_UNIT, COLUMN_OTHER, COLUMN_LABEL };
extern const char *const column_names[4];

/* Which months of a year "N tháng đầu/cuối năm" means. */
enum { PART_FIRST, PART_LAST };
extern const char *const part_names[2];

/* What a meta rule finds in the header or the signature block. */
enum {
    META_MOTTO,      /* a national or Party motto line (left out of the header) */
    META_NUMBER,     /* group number: số và ký hiệu */
    META_PLACE_DATE, /* groups place, d, m, y */
    META_TYPE,       /* group type: the type name line */
    META_LEVEL,      /* a header line that continues the body above it */
    META_TITLE_STOP, /* a line that ends the title */
    META_AUTHORITY,  /* group authority: TM., KT., T/M … */
    META_POSITION,   /* group position: CHỦ TỊCH … */
    META_RECIPIENTS, /* the "Nơi nhận" line */
    META_NAME,       /* group name: the signer's name line */
    META_BODY,       /* a body's caps line under a title ("HỘI ĐỒNG NHÂN DÂN TỈNH …") */
    META_NUMBER_BLANK, /* a draft's "Số:" with the number left blank */
    META_DATE_BLANK,   /* a draft's place and date with the day left blank */
    META_APPENDIX,     /* the heading line of an appendix ("Phụ lục II") */
    META_COUNT
};
extern const char *const meta_field_names[META_COUNT];

/* What a task rule finds: words giving work to the body after them, a
 * directive verb after the subject, the bodies that support. */
enum { TASK_ASSIGN, TASK_SUBJECT, TASK_SUPPORT, TASK_DELEGATE };
extern const char *const task_rule_names[4];

/* Names of set: furniture=..., indexed by nqx_furniture - 1. */
extern const char *const furniture_names[4];

/* A compiled pattern; code is NULL when the rule has none. */
/* Named groups of a pattern, read once when it is compiled (a name may
 * stand for several groups: PCRE2_DUPNAMES). */
struct group_name {
    char name[16];
    uint16_t number;
};

/* A pattern is compiled to machine code only once it has been matched
 * JIT_AFTER times: most of a rule set's patterns are matched a few times
 * in a small document, and compiling them all would cost a one-document
 * run more than matching them does. The machine code is made on a copy
 * of the pattern and published once; threads sharing the rules read it
 * atomically. */
#define JIT_AFTER 48

struct hot_code {
    _Atomic(pcre2_code *) code; /* the JIT-compiled copy, once made */
    atomic_uint matches;        /* matches tried before it was made */
    atomic_bool failed;         /* the platform has no JIT for it */
};

/* Bit i of a set of bits kept in bytes (a set of bytes is 32 of them). */
static inline bool bits_has(const uint8_t *bits, size_t i)
{
    return bits[i >> 3] & (1u << (i & 7));
}

static inline void bits_add(uint8_t *bits, size_t i)
{
    bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

/* How a match of a pattern that must end where its subject ends may end,
 * blanks (space, newline) aside: the bytes its last other character may
 * end with; or, a match of blanks alone, one with a newline (nl), or one
 * from the start of the subject (caret). A subject whose end fits none of
 * them cannot match. */
struct tail_gate {
    uint8_t last[32];
    bool nl, caret;
};

struct pattern {
    char *src; /* after list expansion */
    pcre2_code *code; /* matched by the interpreter until hot->code is made */
    struct hot_code *hot;
    bool anchored; /* compiled anchored: PCRE2_ANCHORED at match time changes nothing */
    /* Every match ends where its subject ends ("…[ \n]*$"): tail says
     * how it may end (tail.c). */
    bool tail_gated;
    struct tail_gate tail;
    size_t line; /* where it is written */
    struct group_name *groups;
    size_t ngroups;
};

struct example {
    nqx_example pub;
};

struct rule {
    char *id;
    rule_role role;
    char *file;
    size_t line;
    struct pattern pattern; /* anchored at the candidate or line start */
    struct pattern before;  /* must match right before the candidate */
    struct pattern after;   /* must match right after the quantity */
    int comparator;         /* nqx_cmp, or -1 */
    int change;             /* nqx_change, or -1 */
    int kind;               /* nqx_kind, or -1 */
    int scope;              /* SCOPE_* for kind cues */
    int column;             /* COLUMN_* for a column rule, or -1 */
    bool weak;              /* a predicate that introduces a qualifier (có) */
    nqx_forecast forecast;  /* a kind rule: what sort of estimate it gives */
    size_t window;          /* bytes the `before` pattern sees */
    int date_role;          /* nqx_date_role for a date-role rule, or -1 */
    int part;               /* PART_* for a date rule, or -1 */
    bool baseline;          /* a date-role rule: the date is a comparison base */
    int field;              /* META_* for a meta rule, or -1 */
    int task;               /* TASK_* for a task rule, or -1 */
    int furniture;          /* nqx_furniture - 1 for a furniture rule, or -1 */
    char *starts;           /* set: starts=… ("capital", or list names joined by ','), or NULL */
    char *groups;           /* documentation of the named groups */
    size_t first_example, nexamples;
};

struct entry {
    char *phrase; /* as written (NFC, new tone style) */
    char *folded; /* lower case, for lookups */
    char *value;  /* after "=", or NULL */
};

struct list {
    char *name;
    char *file;
    size_t line;
    bool is_define; /* a named pattern fragment rather than vocabulary */
    nqx_buf pattern; /* for a define; for vocabulary, its entries as one
                      * alternation (a trie), made once for every pattern
                      * that names the list */
    struct entry *entries;
    size_t n, cap;
    /* The entries by folded phrase (equal ones in file order), for lookups;
     * made once loading is done. */
    const struct entry **sorted;
};

/* The anchored patterns of a family of rules (the skip rules) in one
 * pattern that tries every rule's pattern at the same place: the rules are
 * alternatives, each an atomic group (its first match, as when it is tried
 * alone) followed by a callout naming its position and a forced failure,
 * so that the next one is tried from the same place. One match says which
 * rules' patterns match there and where each match ends (family_match);
 * the engine then checks their contexts in order. */
struct family {
    size_t n;
    size_t *rule; /* rule index of each position */
    size_t *same; /* the earlier position with the same pattern, or SIZE_MAX */
    struct pattern all; /* its rules tried wherever the family is */
    /* Its rules whose pattern starts by looking behind for a word
     * ("(?<=khoảng\s)", "(?<=từ\s|trên\s)"), in a pattern of their own,
     * tried only where the word before the place ends with one of those
     * words (folded, nwords of them). */
    struct pattern after_word;
    char **words;
    size_t nwords;
};

/* What the text must start with for some rule of a group to match there,
 * from the rules' set: starts=…, so that a scan tries the group's pattern
 * only where one of them can match. A rule with starts= has it compiled
 * into its pattern as a lookahead, so the gate never turns away a match. */
#define GATE_PAIR_BITS 4096
struct gate {
    bool any;     /* a rule of the group has no starts=: no gate */
    bool capital; /* a rule starts with any capital letter (starts=capital) */
    /* The case-folded first words of the rules' lists, sorted; capital: a
     * match starts with it only written with a capital. */
    struct gate_word {
        char *word;
        uint32_t hash; /* gate_hash of word: most lookups end on it */
        bool capital;
    } *words;
    size_t nwords, words_cap;
    uint32_t *slots; /* hash table of words: 1 + index, 0 when empty */
    size_t mask;     /* its size - 1 (a power of two) */
    /* The first letters of its words, for a quick no: the first two (the
     * second 0 for a word of one letter) hashed into a bit set, and the
     * first alone, exactly, where it is ASCII (a token starting with an
     * ASCII byte is turned away by one lookup). Of all its words, and of
     * those that may be written in small letters (most need a capital). */
    struct gate_letters {
        uint8_t pairs[GATE_PAIR_BITS / 8];
        uint8_t firsts[128 / 8];
    } all, small;
};
/* Adds the first two letters of g's word w to its bit sets. */
void gate_note_word(struct gate *g, const struct gate_word *w);

/* The rules of a role combined into anchored patterns, alternatives marked
 * with their rule (*MARK), one pattern per set of rules that can start with
 * the same byte: at a position starting with "n" only the rules that can
 * start with "n" are tried. index[b] is 1 + the pattern for byte b, or 0
 * when no rule starts with b. */
struct marked {
    struct pattern *by_start;
    struct gate *gates; /* of each pattern of by_start */
    size_t n;
    uint8_t index[256];
    /* first_ok[b], bit f: may a token whose first byte is b and whose
     * flags (scan.c) are f get past its gate's first tests (a rule that
     * starts at b; any word or a capital; the word's first ASCII letter)?
     * Made by marked_first_ok once the gates are built. */
    uint16_t first_ok[256];
};
/* Fills mk->first_ok from its index and gates. */
void marked_first_ok(struct marked *mk);

struct nqx_rules {
    char *dir;
    struct list *lists;
    size_t nlists, lists_cap;
    /* The lists in name order, for rules_list once loading is done (the
     * engines look lists up per line); NULL while loading. */
    const struct list **lists_by_name;
    const struct list *open_end; /* list open-end, read for every line */
    struct rule *rules;
    size_t nrules, rules_cap;
    struct example *examples;
    size_t nexamples, examples_cap;
    /* Rules of each role in file order (indexes into rules). */
    size_t *by_role[ROLE_COUNT];
    size_t nby_role[ROLE_COUNT];
    pcre2_compile_context *cctx;
    /* Every section and block pattern in one, each marked with its rule:
     * a line none of them can start is known after one match instead of
     * one per rule, and where one can, the mark says which. */
    struct pattern layout_any;
    /* Every furniture pattern in one, marked with its rule. */
    struct pattern furniture_any;
    struct family skips;
    /* Every clause-scope kind cue in one pattern, each alternative marked
     * with its rule (*MARK), so that one pass finds the cues of all rules. */
    struct pattern clause_cues;
    /* The date rules, and the reference rules, combined for one scan of the
     * text (see struct marked). */
    struct marked dates_by_start;
    struct marked refs_by_start;
    struct marked bodies_by_start;
    uint32_t max_captures; /* over all patterns: the match data's size */
    /* Entries of the unit lists sorted by folded phrase, for lookups. */
    const struct entry **units;
    size_t nunits;
    char **files; /* names of the loaded files, owned */
    size_t nfiles;
};

#define ID_MEMO 512 /* body ids a matcher remembers */

/* Per-run matching state: match data, limits and a JIT stack. One per
 * thread; the rules stay read-only to it, but for the machine code of hot
 * patterns (struct hot_code), made once and published atomically. */
struct matcher {
    const nqx_rules *rules;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    nqx_doc *doc;      /* for warnings; may be NULL */
    size_t limit_hits; /* matches abandoned at a limit */
    /* Section paths as the targets engine reads them, where each starts
     * (for the tasks, which run after it). */
    struct section_mark {
        size_t at;
        const char *section;
        bool reports; /* its heading tells what was done (kind result or estimate) */
    } *sections;
    size_t nsections, sections_cap;
    /* Where the words of doc->norm start (scan.c), made by the first scan
     * of it: the scans of dates, citations and bodies walk it, not the
     * bytes. */
    struct tokens {
        uint32_t *at;   /* where each starts */
        uint8_t *flags; /* what the scans ask of it (scan.c) */
        size_t n, cap;
        uint32_t *digits; /* where runs of digits start */
        size_t ndigits, digits_cap;
        /* The tokens (their index) the digit and citation gates let
         * through, in order: those scans walk these, not every word. And
         * the tokens where a name of names_for may start, by its first
         * byte and letter, made when that scan first walks them. */
        uint32_t *gated[3];
        size_t ngated[3], gated_cap;
        const struct marked *names_for;
    } tokens;
    bool tokens_made;
    /* The section markers of the lines of the document's text asked for
     * so far (layout.c), in the order of the text: the targets, periods
     * and tasks each walk the lines and ask for them. Forgotten when the
     * matcher is reset for another document. */
    struct line_layout *layouts;
    size_t nlayouts, layouts_cap;
    const char *layouts_text;
    /* The ids of body names made lately (bodies.c), by a hash of the name:
     * the documents of a batch name the same bodies again and again. A
     * fixed number of entries, so that memory does not grow with the
     * batch. */
    struct id_memo {
        char *name;
        char *id;
    } ids[ID_MEMO];
    /* When not NULL, called each time a rule decides something. */
    void (*trace)(void *ctx, size_t rule, size_t offset);
    void *trace_ctx;
};

void matcher_init(struct matcher *m, const nqx_rules *rules, nqx_doc *doc);
/* Readies m for another document, keeping its buffers. */
void matcher_reset(struct matcher *m, nqx_doc *doc);
void matcher_fini(struct matcher *m);

/* Does a pattern's source hold a '|' outside every group and class (an
 * alternative of the whole pattern)? Read as the tail gate reads it. */
bool top_level_alternation(const char *src);

/* Reads from a pattern's source whether every match of it ends at $ (or
 * must end where the subject ends: end_anchored, compiled with
 * PCRE2_ENDANCHORED), and how (g). False when it cannot say: a construct
 * it does not follow, a match that may be spaces alone or nothing. */
bool tail_gate(const char *src, bool end_anchored, struct tail_gate *g);

/* Matches p against subject[0..len) from start; options are pcre2_match's.
 * Returns true on a match (ovector in m->md); a match that hits a limit is
 * counted and treated as no match. */
bool pattern_match(struct matcher *m, const struct pattern *p, const char *subject,
                   size_t len, size_t start, uint32_t options);
/* Tries every pattern of f anchored at start in subject[0..len): ends[k] is
 * where the first match of the rule at position k ends, SIZE_MAX where it
 * has none. False when none matches, or when the match hit a limit (which
 * is counted; the family is then taken to have no match). */
bool family_match(struct matcher *m, const struct family *f, const char *subject,
                  size_t len, size_t start, size_t *ends);
/* The span of named group name in the last match; false when unset. */
bool group_span(struct matcher *m, const struct pattern *p, const char *name, size_t *s,
                size_t *e);

const struct list *rules_list(const nqx_rules *rules, const char *name);
/* The entry of a unit list (a list named unit*) for this unit as written,
 * compared case-insensitively, or NULL. */
const struct entry *unit_lookup(const nqx_rules *rules, const char *text, size_t len);
/* The entry of a list whose folded phrase equals the folded text, or NULL
 * (the first in file order). */
const struct entry *list_lookup(const struct list *l, const char *text, size_t len);
/* The same for a text already folded (or to be taken as written). */
const struct entry *list_find(const struct list *l, const char *folded, size_t len);

/* Does the folded text of s[0, n) open (or, with at_end, end) with a
 * phrase of list `name`, as a whole word or words? */
bool list_phrase_at(const nqx_rules *r, const char *name, const char *s, size_t n,
                    bool at_end);
/* Do the words of t right before i (from s on) end with a phrase of list
 * `name` ("tầm nhìn đến năm" of list horizon)? */
bool phrase_before(const nqx_rules *r, const char *name, const char *t, size_t s,
                   size_t i);
/* Does the text s[0, n) open with a phrase of list `name` ("Căn cứ" of
 * list "basis", "về" of list "cited-subject")? Only its first bytes are
 * read. */
bool phrase_opens(const nqx_rules *r, const char *name, const char *s, size_t n);

/* Does s stand in the subject of the cited document ref: right after it,
 * past words that open a subject (list cited-subject: "về", "phê duyệt"),
 * with no punctuation between? */
bool in_subject_of(const nqx_rules *r, const char *t, const nqx_ref *ref, size_t s);

/* The type code of a document type name ("Nghị quyết", "NGHỊ QUYẾT" →
 * "nghi-quyet"), from list doc-type; NULL when it has none. */
const char *doc_type_code(const nqx_rules *rules, const char *name, size_t len);

/* Makes each run of blanks (spaces, tabs, line ends) of s[0, n) one space
 * and trims both ends, in place; returns the new length, s ending there. */
size_t collapse_blanks(char *s, size_t n);
/* Lower-cases (ICU full case mapping, Vietnamese) and collapses spaces; the
 * caller frees. */
char *fold_text(const char *s, size_t len);

/* Numbers: the canonical form of a Vietnamese-written number token ("115.500"
 * -> "115500", "16,5" -> "16.5", "05" -> "5") into out; false when the token
 * is not a plausible number (empty, odd grouping, too long). */
#define NUMBER_MAX_DIGITS 40
bool parse_vn_number(const char *s, size_t len, char *out, size_t out_size);
/* value * 10^exp for a canonical decimal, canonical again. */
bool decimal_shift(const char *value, int exp, char *out, size_t out_size);

/* Layout: the section marker a line starts with (whether a line starts a
 * block is nqx_rules_starts_block, for normalize). */
struct section_match {
    size_t rule;       /* which section rule */
    size_t end;        /* where the marker ends */
    char kind;         /* 'p' part, 'r' roman, 'a' article, 'n' number, 'l' letter */
    char label[48];    /* "II", "3.2.1", "a", "Điều 4" */
};
bool layout_section(struct matcher *m, const char *line, size_t len, struct section_match *out);
/* layout_section of the line [ls, le) of the text t, worked out once for
 * the text (t is the document's normalized text). */
bool layout_section_at(struct matcher *m, const char *t, size_t ls, size_t le,
                       struct section_match *out);

/* Where a scan tries a marked pattern: at token starts shortly before a
 * number (every date has one, in digits or Roman numerals), at token starts
 * that may begin a citation (a capital letter, or small letters just before
 * a number), or at any token start its first byte allows (a letter beyond
 * ASCII only in capitals). */
typedef enum scan_gate { GATE_DIGIT, GATE_CITATION, GATE_TOKEN } scan_gate;
/* The next match of mk in t[from, len) at a position the gate allows,
 * leftmost first; its span in *s, *e, and in *used the pattern that matched
 * (to read its groups and mark). */
/* The word at t[i], up to the first character that is neither a letter
 * nor a digit, case-folded into out (NUL-terminated); its length, or
 * SIZE_MAX when it does not fit in size. */
size_t folded_word(const char *t, size_t len, size_t i, char *out, size_t size);
/* The word that ends at t[end] (its letters and digits back to the first
 * character that is neither), case-folded into out as folded_word does. */
size_t folded_word_before(const char *t, size_t end, char *out, size_t size);
/* The hash of a gate's word (FNV-1a). */
uint32_t gate_hash(const char *w, size_t n);
#define GATE_WORD_MAX 64

/* Is the letter at t[i] a capital (ASCII, or Vietnamese through ICU)? */
bool capital_at(const char *t, size_t len, size_t i);
/* Does s[0..n) hold capitals and no small letter (a heading, a form's
 * header)? */
bool line_is_caps(const char *s, size_t n);
/* The cells of the table row [ls, le) of t (normalize joins a row's cells
 * with " | "; a cell ends at a '|' that opens the line or follows a blank),
 * trimmed, into cells[0..max): how many, 0 when the line is no row. */
size_t table_row_cells(const char *t, size_t ls, size_t le, nqx_span *cells, size_t max);

bool scan_marked(struct matcher *m, const struct marked *mk, const char *t, size_t len,
                 size_t from, scan_gate gate, size_t *s, size_t *e, const struct pattern **used);

/* The tokens of t[from, len) into tk, reusing its memory: where each word
 * (a run of letters and digits, bytes beyond ASCII counted as letters)
 * starts, where each run of digits starts, and the flags the scans ask. */
void tokens_make(const char *t, size_t len, size_t from, struct tokens *tk);
void tokens_free(struct tokens *tk);

/* The rule index a combined pattern's last match marked, or SIZE_MAX. */
size_t marked_rule_of(struct matcher *m);
/* Reports that rule decided something at offset (for `rules test`). */
void matcher_trace(struct matcher *m, size_t rule, size_t offset);

/* The engines over a normalized document, in the order they run. */
void meta_extract(struct matcher *m, nqx_doc *doc);
void dates_extract(struct matcher *m, nqx_doc *doc);
void refs_extract(struct matcher *m, nqx_doc *doc);
void targets_extract(struct matcher *m, nqx_doc *doc);
void periods_assign(struct matcher *m, nqx_doc *doc);
void bodies_extract(struct matcher *m, nqx_doc *doc);
/* The engines in the order they run, named (make bench times each). */
struct rules_engine {
    const char *name;
    void (*run)(struct matcher *m, nqx_doc *doc);
};
extern const struct rules_engine rules_engines[];
extern const size_t nrules_engines;
/* All of them, in that order. */
void rules_run(struct matcher *m, nqx_doc *doc);

/* Dates: the ISO 8601 value of a day, checked; false when it does not exist. */
bool iso_day(int y, int m, int d, char *out, size_t size);
int days_in_month(int y, int m);
/* Is the ISO value a year or a span of years ("2030", "2026/2030"), not
 * a month or a day? */
bool iso_years_only(const char *v);
/* The value of a Roman numeral of 1..39 (I, IV, XII …), or 0. */
int roman_value(const char *s, size_t n);

#endif
