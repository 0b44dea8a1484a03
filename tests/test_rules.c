/* Rule files: what loads, and how a broken file is reported (file:line,
 * and PCRE2's message and offset for a pattern); and the case folding the
 * rules look words up with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "rules/rules_int.h"
#include "tests/helpers.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/nqx-rules-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/t.rules", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

/* Loads a directory holding one rule file with this text. */
static nqx_status load(const char *text, nqx_error *err, nqx_rules **out)
{
    char path[128];
    snprintf(path, sizeof path, "%s/t.rules", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    memset(err, 0, sizeof *err);
    nqx_rules *r = NULL;
    nqx_status st = nqx_rules_load(dir, &r, err);
    if (out)
        *out = r;
    else
        nqx_rules_free(r);
    return st;
}

/* The rules of text, which must load. */
static nqx_rules *loaded(const char *text)
{
    nqx_error err;
    nqx_rules *r = NULL;
    nqx_status st = load(text, &err, &r);
    if (st != NQX_OK)
        fprintf(stderr, "%s\n", err.message);
    assert_int_equal(st, NQX_OK);
    return r;
}

#define GOOD_RULE                                                                         \
    "list unit\n    tấn\n\n"                                                              \
    "rule q.value\n    role: quantity\n    pattern: (?<value>\\d+)\\s*(?<unit>{unit})\n"   \
    "    groups: value: the number; unit: the unit\n"                                     \
    "    example: đạt 5 tấn => value=5; unit=tấn\n    counter: đạt 5 ha\n"

static void a_good_file_loads(void **state)
{
    (void)state;
    nqx_rules *r = loaded(GOOD_RULE);
    assert_int_equal(nqx_rules_example_count(r), 2);
    const nqx_example *ex = nqx_rules_example(r, 0);
    assert_string_equal(ex->rule, "q.value");
    assert_string_equal(ex->text, "đạt 5 tấn");
    assert_string_equal(ex->expect, "value=5; unit=tấn");
    assert_int_equal(ex->line, 8);
    nqx_rules_free(r);
}

static size_t occurrences(const char *s, const char *of)
{
    size_t n = 0;
    for (const char *p = strstr(s, of); p; p = strstr(p + 1, of))
        n++;
    return n;
}

/* {&unit} calls one copy of the list, defined once at the end of the
 * pattern, wherever the pattern names it; it matches what {unit} does,
 * longest phrase first, and the call's group is no group to describe. */
static void a_called_list_is_written_once(void **state)
{
    (void)state;
    nqx_rules *r = loaded("list unit\n    tấn\n    nghìn tấn\n    ha\n\n"
                          "rule q\n    role: quantity\n"
                          "    pattern: (?<value>\\d+)\\s*(?<unit>{&unit}(?:/{&unit})?)\n"
                          "    groups: value: the number; unit: the unit\n"
                          "    example: 5 tấn => value=5; unit=tấn\n    counter: 5 kg\n");
    const struct pattern *p = &r->rules[0].pattern;
    assert_int_equal(occurrences(p->src, "(?&nqx_unit)"), 2);
    assert_int_equal(occurrences(p->src, "(?<nqx_unit>"), 1);
    assert_int_equal(occurrences(p->src, "ha"), 1);
    struct matcher m;
    matcher_init(&m, r, NULL);
    const char *text = "đạt 12 nghìn tấn/ha";
    assert_true(
        pattern_match(&m, p, text, strlen(text), (size_t)(strstr(text, "12") - text), 0));
    size_t s, e;
    assert_true(group_span(&m, p, "unit", &s, &e));
    assert_string_equal(text + s, "nghìn tấn/ha");
    matcher_fini(&m);
    nqx_rules_free(r);
}

/* family_match tries every skip pattern at one place: each rule's first
 * match, as when it is tried alone, ends where ends[k] says; a rule that
 * does not match there has SIZE_MAX, and a rule whose pattern another
 * wrote first has that one's end. The same before and after the pattern
 * is compiled to machine code (on its JIT_AFTER-th match). */
static void a_family_gives_each_rule_its_first_match(void **state)
{
    (void)state;
    nqx_rules *r = loaded(
        "rule s.year\n    role: skip\n    pattern: (?:19|20)\\d{2}(?!\\d)\n"
        "    example: năm 2025 => none\n    counter: đạt 5 tấn\n"
        "rule s.lazy\n    role: skip\n    pattern: \\d+?\n"
        "    example: 7 => none\n    counter: a\n"
        "rule s.age\n    role: skip\n    pattern: \\d+\\s*tuổi\n"
        "    example: 5 tuổi => none\n    counter: 5 tấn\n"
        "rule s.number\n    role: skip\n    pattern: \\d+(?:[.,]\\d+)*\n"
        "    example: 1,5 => none\n    counter: a\n"
        "rule s.again\n    role: skip\n    pattern: \\d+(?:[.,]\\d+)*\n"
        "    before: số\\s*$\n    example: số 1,5 => none\n    counter: 1,5 tấn\n");
    /* The pattern written twice is tried once, for both rules. */
    assert_int_equal(r->skips.same[4], 3);
    struct matcher m;
    matcher_init(&m, r, NULL);
    const char *text = "năm 2025,5 tấn";
    size_t at = (size_t)(strstr(text, "2025") - text), len = strlen(text), ends[5];
    for (int i = 0; i < JIT_AFTER + 2; i++) {
        assert_true(family_match(&m, &r->skips, text, len, at, ends));
        assert_int_equal(ends[0], at + 4);
        assert_int_equal(ends[1], at + 1);
        assert_int_equal(ends[2], SIZE_MAX);
        assert_int_equal(ends[3], at + 6);
        assert_int_equal(ends[4], at + 6);
    }
    assert_false(family_match(&m, &r->skips, text, len, 0, ends));
    assert_int_equal(ends[3], SIZE_MAX);
    assert_int_equal(ends[4], SIZE_MAX);
    matcher_fini(&m);
    nqx_rules_free(r);
}

/* The rules of a family that look behind for words ("(?<=khoảng\s)") are
 * tried only after a word ending with one of them; wherever the family is
 * tried, each rule's end is the one its pattern gives alone: after the
 * word in capitals, glued to the number, at the end of a longer word,
 * after a line break, and not after two blanks. A lookbehind of a class,
 * or one that holds for one alternative of the pattern only, is tried
 * everywhere. */
static void a_family_tries_lookbehind_rules_after_their_words(void **state)
{
    (void)state;
    nqx_rules *r =
        loaded("rule s.about\n    role: skip\n    pattern: (?<=khoảng\\s|chừng)\\d+\n"
               "    example: khoảng 5 => none\n    counter: đạt 5 tấn\n"
               "rule s.from\n    role: skip\n    pattern: (?<=Từ\\s)\\d+(?!%)\n"
               "    example: từ 5 => none\n    counter: đạt 5 tấn\n"
               "rule s.either\n    role: skip\n    pattern: (?<=từ\\s)\\d+|\\d+%\n"
               "    example: 5% => none\n    counter: đạt 5 tấn\n"
               "rule s.class\n    role: skip\n    pattern: (?<=[xX]\\s)\\d+\n"
               "    example: x 5 => none\n    counter: đạt 5 tấn\n");
    assert_int_equal(r->skips.nwords, 3); /* khoảng, chừng, từ */
    assert_non_null(r->skips.after_word.code);
    struct matcher m;
    matcher_init(&m, r, NULL);
    const char *text = "KHOẢNG 10 tấn, chừng9, xtừ 3, từ  4, x 8, TỪ\n6%, từ 7, đạt 5%";
    size_t len = strlen(text), ends[4], tried = 0, found = 0;
    for (int round = 0; round < JIT_AFTER + 2; round++) {
        for (size_t at = 0; at < len; at++) {
            if (text[at] < '0' || text[at] > '9' ||
                (at && text[at - 1] >= '0' && text[at - 1] <= '9'))
                continue;
            family_match(&m, &r->skips, text, len, at, ends);
            for (size_t k = 0; k < 4; k++) {
                const struct pattern *p = &r->rules[r->skips.rule[k]].pattern;
                size_t want = pattern_match(&m, p, text, len, at, 0)
                                  ? pcre2_get_ovector_pointer(m.md)[1]
                                  : SIZE_MAX;
                assert_int_equal(ends[k], want);
                found += want != SIZE_MAX;
            }
            tried++;
        }
    }
    assert_int_equal(tried, 8 * (JIT_AFTER + 2));
    assert_int_equal(found, 9 * (JIT_AFTER + 2));
    matcher_fini(&m);
    nqx_rules_free(r);
}

/* The tail gate: what a match of an end-anchored pattern may end with,
 * blanks aside, read from its source; nothing for a pattern it cannot
 * vouch for. */
static void the_tail_gate_reads_what_a_match_ends_with(void **state)
{
    (void)state;
    struct tail_gate g;
    const uint8_t *set = g.last;
    assert_true(tail_gate("\\b(?:trên|hơn|vượt[ \\n]+trên)[ \\n]*$", false, &g));
    assert_true(bits_has(set, 'n') && bits_has(set, 'N'));
    assert_false(bits_has(set, 't') || bits_has(set, ' ') || bits_has(set, '\n'));
    assert_false(g.nl || g.caret);
    /* A letter beyond ASCII: the last byte of each case (ừ E1 BB AB, Ừ E1
     * BB AA); k and s also match the Kelvin sign (…AA) and the long s
     * (C5 BF) when case is aside. */
    assert_true(tail_gate("từ$", false, &g));
    assert_true(bits_has(set, 0xAB) && bits_has(set, 0xAA));
    assert_false(bits_has(set, 'u'));
    assert_true(tail_gate("(?-i:k)$", false, &g));
    assert_true(bits_has(set, 'k') && bits_has(set, 'K') && bits_has(set, 0xAA));
    /* A list called by name, defined after the end. */
    assert_true(tail_gate("(?&w)[ \\n]*$(?(DEFINE)(?<w>ít[ \\n]+nhất|tối[ \\n]+thiểu))",
                          false, &g));
    assert_true(bits_has(set, 't') && bits_has(set, 'u') && bits_has(set, 'U'));
    assert_false(bits_has(set, 'i'));
    /* Classes, and what a lookaround or a quantifier that may be nothing
     * leaves: the item before. */
    assert_true(tail_gate("[0-9]+(?:[.,][0-9]+)?(?![a-z])(?:%)?[ \\n]*$", false, &g));
    assert_true(bits_has(set, '5') && bits_has(set, '%'));
    assert_false(bits_has(set, '.') || bits_has(set, 'x'));
    assert_true(tail_gate("[^”]*“$", false, &g)); /* “: E2 80 9C */
    assert_true(bits_has(set, 0x9C) && !bits_has(set, 'a'));
    /* A quantifier after an escape: "\\.{0,3}" may be nothing. */
    assert_true(tail_gate("x\\.{0,3}$", false, &g));
    assert_true(bits_has(set, 'x') && bits_has(set, '.'));
    assert_true(tail_gate("x\\d{0,2}$", false, &g));
    assert_true(bits_has(set, 'x') && bits_has(set, '7'));
    assert_true(tail_gate("x(?:abc)?$", false, &g));
    assert_true(bits_has(set, 'x') && bits_has(set, 'C') && !bits_has(set, 'b'));
    assert_true(tail_gate("\\p{Lu}\\p{Ll}*[ \\n]*$", false, &g));
    assert_true(bits_has(set, 'a') && bits_has(set, 0x80));
    /* Blanks alone: with a newline, or from the start of the subject. */
    assert_true(tail_gate("(?:^|\\n|[.;:][ \\n])[ \\n]*$", false, &g));
    assert_true(g.nl && g.caret && bits_has(set, ';') && !bits_has(set, 'a'));
    assert_true(tail_gate("(?:\\n|x)$", false, &g));
    assert_true(g.nl && !g.caret);
    /* What is left must be blanks: the match ends as if it read them. */
    assert_true(tail_gate("(?:hiện[ \\n]+)?có(?=[ \\n]*$)", false, &g));
    assert_true(bits_has(set, 0xB3) && !g.nl); /* ó: C3 B3 */
    assert_false(tail_gate("có(?=[ \\n]*x$)", false, &g));
    /* A `before` is compiled to end where its subject ends, $ or not. */
    assert_true(tail_gate("abc", true, &g));
    assert_true(bits_has(set, 'c') && !bits_has(set, 'b'));
    static const char *const ungated[] = {
        /* Nothing to say: a match may be spaces alone or nothing, may end
         * elsewhere, with any byte, $ may mean a line's end, or the reader
         * does not follow. */
        "(?:^|\\n| |[.;:][ \\n])[ \\n]*$", "x?$", "abc$|def", "abc", "(?m)abc$",
        "(?x) a b c $", "abc(*ACCEPT)x$", "(*CR)abc$", "x[^.;\\n]{0,40}$", "x\\s*$",
        "(?&nowhere)$",
        /* Sources pcre2 would refuse, read safely. */
        "(", "(?", "(?&", "(?<", "(?P<", "[", "\\", "\\x{", "a{2,", "(?(", "(*", "\\p{",
        "[a-", "$(?&w"};
    for (size_t i = 0; i < sizeof ungated / sizeof *ungated; i++)
        if (tail_gate(ungated[i], false, &g))
            fail_msg("%s: gated", ungated[i]);
    /* Nor one nested too deep. */
    char deep[400];
    memset(deep, '(', 150);
    memcpy(deep + 150, "x$", 2);
    memset(deep + 152, ')', 150);
    deep[302] = '\0';
    assert_false(tail_gate(deep, false, &g));
}

/* What the gate did with matches and windows. */
struct gate_counts {
    size_t matched, turned_away;
};

/* Tries p on subject[start, len) with pcre2 alone and through
 * pattern_match, which gates it: the gate must never turn away a match.
 * what names the pattern in the failure. */
static void check_gate(struct matcher *m, const struct pattern *p, const char *what,
                       const char *subject, size_t len, size_t start,
                       struct gate_counts *c)
{
    bool truth =
        pcre2_match(p->code, (PCRE2_SPTR)subject, len, start, 0, m->md, m->mctx) >= 0;
    bool gate = pattern_match(m, p, subject, len, start, 0);
    if (truth && !gate)
        fail_msg("%s: the gate turned away a match of [%zu, %zu) in \"%.*s\"", what,
                 start, len, (int)(len < 80 ? len : 80),
                 subject + (len < 80 ? 0 : len - 80));
    c->matched += truth;
    c->turned_away += !truth && !gate;
}

/* A small random source of patterns and subjects (xorshift: the same
 * every run). */
static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(uint32_t n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state % n;
}

static void random_pattern(nqx_buf *b, int depth)
{
    static const char *const atoms[] = {
        "a",     "b",      "ab",     "từ",   "Ừ",      "k",       "s",       " ",
        "\\n",   "\\.",    "ừa",     "[ab]", "[ \\n]", "[^a]",    "[^ \\n]", "[a-c]",
        "[à-ỹ]", "\\d",    "\\w",    "\\s",  "\\p{L}", "\\p{Lu}", ".",       "^",
        "\\b",   "(?<=a)", "(?<!b)", "7",    "K",      "ſ",       "(?-i:A)", "\\x{1EEB}"};
    static const char *const quantifiers[] = {"",      "",      "",   "*",  "+",  "?",
                                              "{0,2}", "{1,3}", "*?", "++", "{2}"};
    int items = 1 + (int)rnd(4);
    for (int i = 0; i < items; i++) {
        uint32_t kind = depth < 3 ? rnd(10) : 0;
        if (kind < 6) {
            nqx_buf_adds(b, atoms[rnd(sizeof atoms / sizeof *atoms)]);
        } else {
            static const char *const opens[] = {"(?:", "(", "(?>", "(?=", "(?!", "(?i:"};
            nqx_buf_adds(b, opens[rnd(sizeof opens / sizeof *opens)]);
            int branches = 1 + (int)rnd(3);
            for (int k = 0; k < branches; k++) {
                if (k)
                    nqx_buf_addc(b, '|');
                random_pattern(b, depth + 1);
            }
            nqx_buf_addc(b, ')');
        }
        nqx_buf_adds(b, quantifiers[rnd(sizeof quantifiers / sizeof *quantifiers)]);
    }
}

/* The gate against PCRE2 itself, on random patterns that must end where
 * their subject ends and random subjects of the same letters: wherever
 * PCRE2 matches, the gate lets the window through. Enough patterns are
 * gated, and enough windows turned away, for the test to mean something. */
static void the_tail_gate_never_turns_away_a_random_match(void **state)
{
    (void)state;
    nqx_rules *r = loaded(GOOD_RULE);
    struct matcher m;
    matcher_init(&m, r, NULL);
    static const char *const pieces[] = {"a", "b", "c", "t", "từ",          "Ừ",
                                         "ừ", "k", "K", "s", " ",           "\n",
                                         ".", "7", "à", "A", "\xe2\x84\xaa"};
    size_t gated = 0;
    struct gate_counts c = {0};
    for (int n = 0; n < 1500; n++) {
        nqx_buf src = {0};
        random_pattern(&src, 0);
        static const char *const ends[] = {"$", "[ \\n]*$", "(?=[ \\n]*$)", "\\z",
                                           "$|a$"};
        nqx_buf_adds(&src, ends[rnd(sizeof ends / sizeof *ends)]);
        int code;
        PCRE2_SIZE off;
        struct pattern p = {.src = src.data};
        p.code = pcre2_compile((PCRE2_SPTR)src.data, src.len,
                               PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_DUPNAMES,
                               &code, &off, NULL);
        p.tail_gated = p.code && tail_gate(src.data, false, &p.tail);
        if (p.tail_gated) {
            gated++;
            struct hot_code hot = {.matches = 0};
            p.hot = &hot;
            for (int k = 0; k < 60; k++) {
                char subject[64] = "";
                int pieces_in = (int)rnd(7);
                for (int j = 0; j < pieces_in; j++)
                    strcat(subject, pieces[rnd(sizeof pieces / sizeof *pieces)]);
                size_t len = strlen(subject), start = rnd(2) ? 0 : rnd((uint32_t)len + 1);
                while (start > 0 && ((unsigned char)subject[start] & 0xC0) == 0x80)
                    start--;
                check_gate(&m, &p, src.data, subject, len, start, &c);
            }
            pcre2_code_free(atomic_load(&hot.code));
        }
        pcre2_code_free(p.code);
        nqx_buf_free(&src);
    }
    assert_true(gated > 300);
    assert_true(c.matched > 1000);
    assert_true(c.turned_away > 1000);
    matcher_fini(&m);
    nqx_rules_free(r);
}

/* No match is lost to the gate: every end-anchored rule pattern of the
 * project, tried on blanks alone and before every word of a seed
 * document, matches through pattern_match wherever pcre2 alone finds a
 * match, and the gate turns some windows away. */
static void a_gated_pattern_is_never_turned_away_from_a_match(void **state)
{
    (void)state;
    char *rdir = nqx_rules_locate(NULL);
    nqx_error err;
    nqx_rules *r = NULL;
    assert_non_null(rdir);
    assert_int_equal(nqx_rules_load(rdir, &r, &err), NQX_OK);
    free(rdir);
    size_t len = 0;
    char *text = read_file("corpus/000_4aaa128fdcdd808e.txt", &len);
    assert_non_null(text);
    struct matcher m;
    matcher_init(&m, r, NULL);
    size_t gated = 0;
    struct gate_counts c = {0};
    for (size_t i = 0; i < r->nrules; i++) {
        const struct pattern *ps[] = {&r->rules[i].pattern, &r->rules[i].before,
                                      &r->rules[i].after};
        for (size_t k = 0; k < 3; k++) {
            const struct pattern *p = ps[k];
            if (!p->tail_gated)
                continue;
            gated++;
            /* Subjects of blanks alone, from their start. */
            static const char *const blanks[] = {"", " ", "\n", " \n ", "\n\n"};
            for (size_t b = 0; b < sizeof blanks / sizeof *blanks; b++) {
                struct gate_counts alone = {0}; /* only their matches are counted */
                check_gate(&m, p, r->rules[i].id, blanks[b], strlen(blanks[b]), 0,
                           &alone);
                c.matched += alone.matched;
            }
            for (size_t at = 1; at < len; at++) {
                if (text[at - 1] != ' ' && text[at - 1] != '\n')
                    continue;
                size_t ws = at > 80 ? at - 80 : 0;
                while (ws > 0 && ((unsigned char)text[ws] & 0xC0) == 0x80)
                    ws--;
                check_gate(&m, p, r->rules[i].id, text, at, ws, &c);
            }
        }
    }
    assert_true(gated >= 20);
    assert_true(c.matched > 100);
    assert_true(c.turned_away > c.matched);
    matcher_fini(&m);
    free(text);
    nqx_rules_free(r);
}

/* layout_section_at gives what layout_section gives for a line, asked in
 * any order and again; a line asked with another end, or another text,
 * is worked out afresh. */
static void a_line_layout_is_remembered_for_its_text(void **state)
{
    (void)state;
    nqx_rules *r = loaded("rule s.roman\n    role: section\n"
                          "    pattern: (?<roman>(?-i:[IVX]+))\\.\\s+\n"
                          "    groups: roman: the number\n"
                          "    example: II. Nhiệm vụ => roman=II\n    counter: Ví dụ\n");
    struct matcher m;
    matcher_init(&m, r, NULL);
    const char *t = "I. Mục tiêu\nTăng 5%.\nII. Nhiệm vụ\nIII.";
    size_t lines[][2] = {{0, 14}, {15, 24}, {25, 41}, {42, 46}}; /* bytes */
    const char *labels[] = {"I", NULL, "II", NULL};
    const size_t order[] = {2, 0, 1, 3, 2, 0, 3, 1};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        size_t k = order[i];
        struct section_match sm = {0};
        bool found = layout_section_at(&m, t, lines[k][0], lines[k][1], &sm);
        assert_int_equal(found, labels[k] != NULL);
        if (found) {
            assert_string_equal(sm.label, labels[k]);
            assert_int_equal(sm.end, strlen(labels[k]) + 2);
        }
    }
    assert_int_equal(m.nlayouts, 4);
    struct section_match sm;
    assert_false(
        layout_section_at(&m, t, 25, 28, &sm)); /* "II.": nothing after the dot */
    assert_int_equal(m.nlayouts, 4);
    const char *other = "Ví dụ\nV. Kết luận";
    assert_true(layout_section_at(&m, other, 9, strlen(other), &sm));
    assert_string_equal(sm.label, "V");
    assert_int_equal(m.nlayouts, 1);
    matcher_fini(&m);
    nqx_rules_free(r);
}

/* The same broken pattern alone, and behind the guard that set: starts=
 * compiles in front of it: the offset points into the pattern as written. */
static void a_broken_pattern_names_file_line_and_offset(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "# comment\n"
        "rule broken\n"
        "    role: skip\n"
        "    pattern: (?:abc\n"
        "    example: abc\n    counter: def\n",
        "rule broken\n"
        "    role: body\n"
        "    set: starts=capital\n"
        "    pattern: (?:abc\n"
        "    example: abc\n    counter: def\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        nqx_error err;
        assert_int_equal(load(texts[i], &err, NULL), NQX_E_ENV);
        assert_non_null(strstr(err.file, "t.rules"));
        assert_int_equal(err.line, 4);
        assert_int_equal(err.offset, 6); /* at the end of "(?:abc" */
        char line[800];
        nqx_error_format(&err, line, sizeof line);
        assert_non_null(
            strstr(line, "t.rules:4: offset 6: pattern: missing closing parenthesis"));
    }
}

static void an_offset_inside_a_list_points_at_the_reference(void **state)
{
    (void)state;
    nqx_error err;
    const char *text = "list unit\n    tấn\n"
                       "rule r\n    role: skip\n    pattern: ab{unit}(\n"
                       "    example: x\n    counter: y\n";
    assert_int_equal(load(text, &err, NULL), NQX_E_ENV);
    assert_int_equal(err.line, 5);
    assert_int_equal(err.offset, 9); /* the '(' after {unit} */
}

static void rules_must_carry_examples(void **state)
{
    (void)state;
    nqx_error err;
    assert_int_equal(load("rule lonely\n    role: skip\n    pattern: \\d+\n", &err, NULL),
                     NQX_E_ENV);
    assert_non_null(strstr(err.message, "lonely"));
    assert_non_null(strstr(err.message, "example"));
    assert_int_equal(err.line, 1);
    assert_int_equal(load("rule half\n    role: skip\n    pattern: \\d+\n    example: 5\n", &err,
                          NULL),
                     NQX_E_ENV);
    assert_non_null(strstr(err.message, "counter"));
}

static void ids_are_unique(void **state)
{
    (void)state;
    nqx_error err;
    const char *text = "rule same\n    role: skip\n    pattern: a\n    example: a\n    counter: b\n"
                       "rule same\n    role: skip\n    pattern: b\n    example: b\n    counter: a\n";
    assert_int_equal(load(text, &err, NULL), NQX_E_ENV);
    assert_int_equal(err.line, 6);
    assert_non_null(strstr(err.message, "already used"));
    assert_non_null(strstr(err.message, ":1"));
}

static void other_mistakes(void **state)
{
    (void)state;
    nqx_error err;
    static const struct {
        const char *text;
        size_t line;
        const char *says;
    } cases[] = {
        {"rule r\n    role: dance\n    pattern: a\n    example: a\n    counter: b\n", 2,
         "unknown role"},
        {"rule r\n    role: skip\n    colour: red\n", 3, "unknown field"},
        {"rule r\n    role: skip\n    pattern: {nothing}\n    example: a\n    counter: b\n", 3,
         "unknown list or define {nothing}"},
        {"rule r\n    role: skip\n    pattern: {&nothing}\n    example: a\n    counter: b\n",
         3, "{&nothing}: unknown list"},
        {"define d\n    pattern: a\n"
         "rule r\n    role: skip\n    pattern: {&d}\n    example: a\n    counter: b\n",
         5, "only a list"},
        {"rule r\n    role: comparator\n    before: a$\n    example: a\n    counter: b\n", 1,
         "comparator="},
        {"rule r\n    role: skip\n    pattern: (?<n>a)\n    example: a\n    counter: b\n", 3,
         "not described"},
        {"    indented first\n", 1, "outside a block"},
        {"bogus header\n", 1, "unknown block"},
        {"rule r\n    role: comparator\n    before: a$\n    set: comparator=sideways\n"
         "    example: a\n    counter: b\n",
         4, "bad value"},
        {"rule r\n    role: skip\n    pattern: a\n    pattern: b\n", 4, "twice"},
        {"define d\n    pattern: a\ndefine d\n    pattern: b\n", 3, "already defined"},
        {"rule r\n    role: skip\n    pattern: \xC3(\n", 3, "UTF-8"},
        {"rule r\n    role: body\n    pattern: a\n    set: starts=nolist\n    example: a\n"
         "    counter: b\n",
         4, "no list 'nolist'"},
        {"rule r\n    role: body\n    pattern: a\n    set: starts=\n", 4, "starts="},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (load(cases[i].text, &err, NULL) != NQX_E_ENV)
            fail_msg("case %zu loaded", i);
        if (err.line != cases[i].line || !strstr(err.message, cases[i].says))
            fail_msg("case %zu: line %zu '%s'", i, err.line, err.message);
    }
}

static void a_missing_directory(void **state)
{
    (void)state;
    nqx_error err = {0};
    nqx_rules *r = NULL;
    assert_int_equal(nqx_rules_load("/no/such/rules", &r, &err), NQX_E_ENV);
    assert_null(r);
    assert_non_null(strstr(err.message, "--rules"));
}

/* ICU's full lower case of s, in Vietnamese, with blanks collapsed: what
 * fold_text must give. */
static char *icu_lower(const char *s)
{
    UChar src[64], dst[128];
    int32_t n16 = 0, n8 = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(src, 64, &n16, s, -1, &st);
    int32_t nl = u_strToLower(dst, 128, src, n16, "vi", &st);
    char *out = calloc(1, 512);
    u_strToUTF8(out, 512, &n8, dst, nl, &st);
    assert_true(U_SUCCESS(st));
    collapse_blanks(out, strlen(out));
    return out;
}

/* fold_text lower-cases Latin text a character at a time, and anything
 * else through ICU: both give ICU's full lower case, for every code point
 * the table holds, between letters and before one (Greek capital sigma
 * lower-cases by what follows it), and for Vietnamese words. */
static void fold_text_is_icu_lower_case(void **state)
{
    (void)state;
    for (UChar32 c = 1; c < 0x2100; c++) {
        if (U_IS_SURROGATE(c))
            continue;
        char s[32];
        size_t n = 0;
        for (int k = 0; k < 2; k++) {
            n = 0;
            s[n++] = k ? ' ' : 'A';
            U8_APPEND_UNSAFE(s, n, c);
            s[n++] = k ? ' ' : 'B';
            s[n] = '\0';
            char *got = fold_text(s, n), *want = icu_lower(s);
            if (strcmp(got, want))
                fail_msg("U+%04X: fold_text '%s', ICU '%s'", (unsigned)c, got, want);
            free(got);
            free(want);
        }
    }
    const char *words[] = {"ỦY BAN NHÂN DÂN Tỉnh Đắk Lắk", "ΣΟΦΊΑ ΟΔΟΣ", "İstanbul",
                           "Thành  phố\nHồ Chí Minh", "ǅ Ǆ ǈ"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        char *got = fold_text(words[i], strlen(words[i])), *want = icu_lower(words[i]);
        assert_string_equal(got, want);
        free(got);
        free(want);
    }
}

/* marked_first_ok keeps, for each first byte and set of token flags, what
 * the gate's first tests let through: a byte no rule starts with never; a
 * gate with a rule that starts anywhere always; one whose words need a
 * capital only a capital token; an ASCII letter only where a word of the
 * gate starts with it, folded, and may be written so. */
static void the_first_byte_table_follows_the_gates(void **state)
{
    (void)state;
    enum { CAPITAL = 1, ASCII = 2 }; /* the token flags of scan.c */
    struct gate gates[2] = {{0}};
    gates[0].any = true;
    struct gate_word words[] = {{"các", 0, false}, {"sở", 0, true}};
    gates[1].words = words;
    gates[1].nwords = 2;
    for (size_t i = 0; i < 2; i++)
        gate_note_word(&gates[1], &words[i]);
    struct marked mk = {.gates = gates, .n = 2};
    mk.index['x'] = 1;
    mk.index['c'] = mk.index['C'] = mk.index['s'] = mk.index['S'] = mk.index['t'] = 2;
    mk.index[0xE1] = 2;
    marked_first_ok(&mk);
    assert_int_equal(mk.first_ok['a'], 0); /* no rule starts with "a" */
    assert_int_equal(mk.first_ok['x'], 0xFFFF);
    assert_true(mk.first_ok['c'] >> ASCII & 1);             /* "các" */
    assert_true(mk.first_ok['C'] >> (ASCII | CAPITAL) & 1); /* "Các" */
    assert_false(mk.first_ok['s'] >> ASCII & 1);            /* "sở" needs a capital */
    assert_true(mk.first_ok['S'] >> (ASCII | CAPITAL) & 1); /* "Sở" */
    assert_false(mk.first_ok['t'] >> ASCII & 1);            /* no word starts with t */
    assert_false(mk.first_ok['t'] >> (ASCII | CAPITAL) & 1);
    /* Beyond ASCII the whole word decides, later. */
    assert_true(mk.first_ok[0xE1] >> CAPITAL & 1);
    assert_true(mk.first_ok[0xE1] & 1);
}

/* Every match of the body scan, from the start of t, as "start-end". */
static void body_scan(struct matcher *m, const char *t, size_t len, char *out,
                      size_t size)
{
    size_t s, e, o = 0;
    const struct pattern *p;
    out[0] = '\0';
    for (size_t pos = 0; scan_marked(m, &test_rules->bodies_by_start, t, len, pos,
                                     GATE_TOKEN, &s, &e, &p);
         pos = e > s ? e : s + 1)
        o += (size_t)snprintf(out + o, size - o, "%zu-%zu ", s, e);
}

/* The body scan walks a list of the tokens of the document's text where a
 * name may start, made for that text: its findings are those of a scan of
 * a copy of the text (whose tokens and list are made for the call), on the
 * first document, again after the date scan, and on the next document. */
static void the_body_scan_lists_the_tokens_of_its_text(void **state)
{
    (void)state;
    assert_int_equal(load_test_rules(NULL), 0);
    const char *texts[] = {
        "Giao các ban, ngành và Sở Y tế chủ trì; UBND huyện, Phòng Tài chính - Kế hoạch "
        "phối hợp trước ngày 15/3/2026. Hội Nông dân xã vận động.",
        "Đề nghị Ủy ban MTTQ Việt Nam tỉnh, HĐND xã và các cơ quan, đơn vị có liên quan "
        "thực hiện.",
    };
    struct matcher m;
    matcher_init(&m, test_rules, NULL);
    for (size_t i = 0; i < 2; i++) {
        nqx_doc *doc = normalize_text(texts[i], strlen(texts[i]), true);
        assert_non_null(doc);
        matcher_reset(&m, doc);
        char *copy = nqx_xstrndup(doc->norm, doc->norm_len);
        char want[512], got[512];
        body_scan(&m, copy, doc->norm_len, want, sizeof want);
        assert_true(strlen(want) > 8); /* names were found */
        body_scan(&m, doc->norm, doc->norm_len, got, sizeof got);
        assert_string_equal(got, want);
        size_t s, e;
        const struct pattern *p;
        assert_true(scan_marked(&m, &test_rules->dates_by_start, doc->norm, doc->norm_len,
                                0, GATE_DIGIT, &s, &e, &p) == (i == 0));
        body_scan(&m, doc->norm, doc->norm_len, got, sizeof got);
        assert_string_equal(got, want);
        free(copy);
        matcher_reset(&m, NULL);
        nqx_doc_free(doc);
    }
    matcher_fini(&m);
    free_test_rules(NULL);
}

/* Word bytes for the scans: letters and digits, and every byte beyond
 * ASCII. */
static bool word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* tokens_make reads eight bytes at a time: its token and digit-run starts
 * are those a byte-by-byte reading gives, for texts of every length and
 * every starting point, words running across the blocks of eight. */
static void tokens_are_found_byte_by_byte(void **state)
{
    (void)state;
    static const char pool[] = "ab Z9 0.-,\xC3\xA1\xE1\xBB\x87";
    struct tokens tk = {0};
    unsigned seed = 12345;
    for (int round = 0; round < 4000; round++) {
        char t[40];
        size_t len = (size_t)round % sizeof t;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            t[i] = pool[(seed >> 16) % (sizeof pool - 1)];
        }
        size_t from = len ? (size_t)round / 7 % len : 0;
        tokens_make(t, len, from, &tk);
        size_t n = 0, nd = 0;
        for (size_t i = from; i < len; i++) {
            unsigned char c = (unsigned char)t[i], p = i ? (unsigned char)t[i - 1] : ' ';
            if (word_byte(c) && !word_byte(p)) {
                assert_true(n < tk.n);
                assert_int_equal(tk.at[n++], i);
            }
            if (c >= '0' && c <= '9' && !(p >= '0' && p <= '9')) {
                assert_true(nd < tk.ndigits);
                assert_int_equal(tk.digits[nd++], i);
            }
        }
        assert_int_equal(tk.n, n);
        assert_int_equal(tk.ndigits, nd);
    }
    tokens_free(&tk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fold_text_is_icu_lower_case),
        cmocka_unit_test(tokens_are_found_byte_by_byte),
        cmocka_unit_test(the_first_byte_table_follows_the_gates),
        cmocka_unit_test(the_body_scan_lists_the_tokens_of_its_text),
        cmocka_unit_test(a_good_file_loads),
        cmocka_unit_test(a_called_list_is_written_once),
        cmocka_unit_test(a_family_gives_each_rule_its_first_match),
        cmocka_unit_test(a_family_tries_lookbehind_rules_after_their_words),
        cmocka_unit_test(the_tail_gate_reads_what_a_match_ends_with),
        cmocka_unit_test(a_gated_pattern_is_never_turned_away_from_a_match),
        cmocka_unit_test(the_tail_gate_never_turns_away_a_random_match),
        cmocka_unit_test(a_line_layout_is_remembered_for_its_text),
        cmocka_unit_test(a_broken_pattern_names_file_line_and_offset),
        cmocka_unit_test(an_offset_inside_a_list_points_at_the_reference),
        cmocka_unit_test(rules_must_carry_examples),
        cmocka_unit_test(ids_are_unique),
        cmocka_unit_test(other_mistakes),
        cmocka_unit_test(a_missing_directory),
    };
    return cmocka_run_group_tests_name("rules", tests, make_dir, remove_dir);
}
