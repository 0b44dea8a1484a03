/* The targets engine (SPEC §3.1–3.4).
 *
 * One pass over the normalized text, a logical line at a time:
 *   - section markers update the section path and the heading context
 *     (target / result / estimate) that items under a heading inherit;
 *   - a line without a digit is done with;
 *   - otherwise each clause (split on ';', '|' and sentence ends) is scanned
 *     for number tokens; each token goes through the `skip` rules (dates,
 *     years, document numbers, ordinals, qualifiers...), then the
 *     `quantity` rules (value, scale, unit), anchored at the token;
 *   - for each quantity the `comparator` rules look just before and after
 *     it, the `predicate` rules find the verb before it (đạt, tăng, giảm,
 *     vượt), the `kind` rules the cues around it; a quantity that sits
 *     inside the indicator of the next one ("trẻ dưới 5 tuổi từ 11,2% trở
 *     xuống") is a qualifier and dropped; "trong đó" makes what follows
 *     children of what precedes.
 * Every rule runs on a bounded window around its candidate, so the work per
 * candidate is bounded and the whole pass is linear in the text. */
#include "rules/rules_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* Longest indicator and clause text kept in a record; longer ones are cut at
 * a word boundary and marked with an ellipsis. */
#define INDICATOR_MAX 300
#define TEXT_MAX 600
/* A counted noun phrase ("xã đạt chuẩn nông thôn mới") is at most this long. */
#define NOUN_PHRASE_MAX 120
/* Lines at the top of a document searched for its title's cues. */
#define TITLE_LINES 12
#define TITLE_LINE_MAX 300
/* How many times a text must name itself by a normative type to be one. */
#define NORMATIVE_SELF_MIN 3
/* Heading cues are read from this many bytes of a heading line. */
#define HEADING_CUE_SPAN 160
/* Clause cues for a quantity are read this far on either side of it, so a
 * clause of any length costs the same per quantity. */
#define CLAUSE_CUE_SPAN 160
#define SECTION_DEPTH 8
/* How far the close of the parentheses a "trong đó" stands in is looked for. */
#define PAREN_MAX 400

#define KIND_NONE (-1)
#define KIND_MIXED (-2)
#define KIND_PENDING (-3) /* not read yet: read when a quantity needs it */

/* A heading context: a kind and the rule that gave it. A context still
 * KIND_PENDING keeps the span of its heading, read on first use. */
struct context {
    int kind;
    size_t rule;
    size_t from, to;
};

struct level {
    char kind; /* as in section_match */
    char label[48];
    struct context context;
};

struct qty {
    size_t ns, ne;      /* the number token (or the first of a range) */
    size_t qe;          /* end of the quantity match */
    size_t end;         /* end including a comparator after it */
    size_t unit_s, unit_e;
    size_t of_s, of_e;  /* what a percentage is of ("100% xã, thị trấn") */
    size_t local;       /* where its own words start */
    size_t cmp_start;   /* start of the comparator words before it */
    size_t cue_start;   /* start of the comparator words after it */
    size_t pred_start;  /* start of its predicate verb, or SIZE_MAX */
    size_t pred_end;
    bool counted;
    bool pred_weak;     /* the predicate introduces a qualifier (có) */
    bool after_quantity; /* its words start where an earlier quantity ended */
    bool before_cmp;    /* comparator from words before the number */
    bool dropped;
    int cell;           /* its value cell in a table row with a header, or -1 */
    int comparator;
    int change;
    size_t qrule, crule, prule; /* rule indexes; SIZE_MAX for none */
    char value[NUMBER_MAX_DIGITS + 2];
    char min[NUMBER_MAX_DIGITS + 2];
    char max[NUMBER_MAX_DIGITS + 2];
    char unit[256];
    char base_unit[160];
    int scale_exp;
};

/* A kind cue found in a clause. */
struct cue {
    size_t start, end;
    int kind;
    size_t rule;
};

/* A table: rows are lines whose cells the normalizer joined with " | ".
 * When column rules name cells of a table's first row, that row is its
 * header: a number in a value column takes the row's unit cell when it has
 * no unit of its own ("Đơn vị tính"), the row's label cell as indicator,
 * and the kind its column header gives ("Thực hiện 2025", "Kế hoạch 2026")
 * when its own cell gives none. */
#define TABLE_COLUMNS 16

struct table {
    bool in_table; /* the previous line was a row */
    bool header;   /* the first row named columns */
    int unit_col, label_col;
    int role[TABLE_COLUMNS];
    struct context kind[TABLE_COLUMNS];
    nqx_span cell[TABLE_COLUMNS]; /* cells of the current row */
    int ncells;
};

struct engine {
    struct matcher *m;
    nqx_doc *doc;
    const char *t; /* doc->norm */
    size_t len;
    struct level stack[SECTION_DEPTH];
    size_t depth;
    struct context intro; /* from an introducing line, until the next marker */
    struct context root;  /* from the title */
    bool seen_marker;
    bool await_heading; /* the last line was a section marker alone */
    size_t lines_seen;
    int doc_year;  /* the latest year named in the title; 0 when none */
    size_t sent_start; /* where the current sentence starts */
    char section[160];
    struct qty *q;
    size_t nq, qcap;
    struct cue *cues; /* kind cues of the current clause */
    size_t ncues, cues_cap;
    size_t *skip_ends; /* where each skip rule's pattern ends at a number */
    size_t skip_cap;
    /* "trong đó": children of target parent (1-based) until the sentence
     * ends, or until parent_end when the marker stands in parentheses
     * ("đạt 60% (trong đó đào tạo nghề 40%); …"); a marker seen but not
     * yet resolved (its parent may be in the same clause, still to be
     * emitted) waits in marker. A level's parent is parent_level: the
     * level the whole's sentence gave before the changes that follow it
     * ("11.580 tỷ đồng, vượt 11,69% so dự toán; trong đó: thu nội địa
     * 11.080 tỷ đồng"); a change's is the last target ("tăng 8,5%, trong
     * đó: công nghiệp tăng 16,06%"). */
    size_t parent, parent_level;
    size_t marker;
    size_t marker_clause; /* where the marker's clause starts */
    size_t clause_start;  /* where the clause being read starts */
    size_t parent_end;
    size_t line_first_target; /* index of the first target of this line */
    /* A line ending with a "trong đó:" its line did not resolve: the whole
     * (1-based; and the level one) the lines below break down, the next
     * line or a list of items. */
    size_t carry, carry_level;
    bool carry_next; /* the line being read is the one right after */
    size_t line_whole, line_whole_level; /* what the line read takes of it */
    size_t line_end;          /* where the line being read ends */
    /* The indicator of the sentence's last target: a quantity with no words
     * of its own ("...; ước cả năm đạt 560 tỷ đồng") shares it. */
    const char *prev_indicator;
    struct table table;
};

static void trace(struct engine *E, size_t rule, size_t off)
{
    matcher_trace(E->m, rule, off);
}

static size_t utf8_ceil(const char *s, size_t i, size_t len)
{
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

static size_t window_start(const struct engine *E, size_t lo, size_t at, size_t width)
{
    size_t w = at > lo + width ? at - width : lo;
    return utf8_ceil(E->t, w, at);
}

static size_t window_end(const struct engine *E, size_t at, size_t hi, size_t width)
{
    if (hi - at <= width)
        return hi;
    return nqx_utf8_floor(E->t, at + width);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_sentence_mark(char c)
{
    return c == '.' || c == '!' || c == '?';
}

/* Is position i (a '.', '!' or '?') the end of a sentence? */
static bool sentence_end(const struct engine *E, size_t i, size_t le)
{
    if (i + 1 >= le)
        return true;
    if (E->t[i + 1] != ' ')
        return false;
    if (i + 2 >= le)
        return true;
    unsigned char c = (unsigned char)E->t[i + 2];
    /* Followed by a capital (ASCII or a lead byte of a Vietnamese capital:
     * approximate by not being lower-case ASCII), a digit or a bullet. */
    return !(c >= 'a' && c <= 'z');
}

/* Bytes the clause splitter stops at: digits, sentence marks, ';' and '|'.
 * Everything else is skipped in a tight loop. */
static const bool splitter_stop[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
    ['7'] = 1, ['8'] = 1, ['9'] = 1, ['.'] = 1, ['!'] = 1, ['?'] = 1, [';'] = 1,
    ['|'] = 1,
};

static const struct rule *rule_at(const struct engine *E, rule_role role, size_t i)
{
    return &E->m->rules->rules[E->m->rules->by_role[role][i]];
}

static size_t rule_index(const struct engine *E, rule_role role, size_t i)
{
    return E->m->rules->by_role[role][i];
}

/* Does the rule's `before` match right before `at` (looking no further
 * back than lo)? */
static bool before_matches(struct engine *E, const struct rule *ru, size_t lo, size_t at,
                           size_t *start)
{
    size_t ws = window_start(E, lo, at, ru->window);
    if (!pattern_match(E->m, &ru->before, E->t, at, ws, 0))
        return false;
    if (start)
        *start = pcre2_get_ovector_pointer(E->m->md)[0];
    return true;
}

/* Does p match anchored at `at`, within [at, hi)? */
static bool at_matches(struct engine *E, const struct pattern *p, size_t at, size_t hi,
                       size_t *end)
{
    size_t we = window_end(E, at, hi, WINDOW_AFTER);
    if (!pattern_match(E->m, p, E->t, we, at, 0))
        return false;
    if (end)
        *end = pcre2_get_ovector_pointer(E->m->md)[1];
    return true;
}

/* ---- Context: headings and their cues ----------------------------------- */

/* The kind the heading-scope cues in [s, e) agree on. */
static struct context heading_cues(struct engine *E, size_t s, size_t e)
{
    e = window_end(E, s, e, HEADING_CUE_SPAN);
    struct context found = {KIND_NONE, SIZE_MAX, 0, 0};
    const nqx_rules *r = E->m->rules;
    for (size_t i = 0; i < r->nby_role[ROLE_KIND]; i++) {
        const struct rule *ru = rule_at(E, ROLE_KIND, i);
        if (!(ru->scope & SCOPE_HEADING))
            continue;
        if (!pattern_match(E->m, &ru->pattern, E->t, e, s, 0))
            continue;
        if (found.kind == KIND_NONE)
            found = (struct context){ru->kind, rule_index(E, ROLE_KIND, i), 0, 0};
        else if (found.kind != ru->kind)
            return (struct context){KIND_MIXED, SIZE_MAX, 0, 0};
    }
    return found;
}

static const struct context *resolve(struct engine *E, struct context *c)
{
    if (c->kind == KIND_PENDING)
        *c = heading_cues(E, c->from, c->to);
    return c;
}

/* The kind the headings of the first `depth` levels of sections give, the
 * innermost first, or KIND_NONE. */
static int levels_kind(struct engine *E, size_t depth)
{
    for (size_t i = depth; i-- > 0;)
        if (resolve(E, &E->stack[i].context)->kind >= 0)
            return E->stack[i].context.kind;
    return KIND_NONE;
}

/* The context a quantity with no cue of its own takes. */
static struct context context_kind(struct engine *E)
{
    if (resolve(E, &E->intro)->kind >= 0)
        return E->intro;
    for (size_t i = E->depth; i-- > 0;)
        if (resolve(E, &E->stack[i].context)->kind >= 0)
            return E->stack[i].context;
    if (E->root.kind >= 0)
        return E->root;
    return (struct context){NQX_KIND_TARGET, SIZE_MAX, 0, 0};
}

static void render_section(struct engine *E)
{
    size_t o = 0;
    E->section[0] = '\0';
    for (size_t i = 0; i < E->depth; i++) {
        if (E->stack[i].kind == 'p')
            continue;
        /* As snprintf would: what does not fit is cut, and ends the path. */
        size_t sep = o ? 1 : 0, n = strlen(E->stack[i].label),
               room = sizeof E->section - o;
        size_t k = sep + n < room ? sep + n : room - 1;
        char *p = E->section + o;
        if (sep && k)
            p[0] = '.';
        if (k > sep)
            memcpy(p + sep, E->stack[i].label, k - sep);
        p[k] = '\0';
        if (sep + n >= room)
            break;
        o += sep + n;
    }
}

static void push_section(struct engine *E, const struct section_match *sm,
                         struct context context)
{
    /* Keep the levels above this marker's level. */
    size_t keep = 0;
    switch (sm->kind) {
    case 'p':
        keep = 0;
        break;
    case 'r':
    case 'a':
        while (keep < E->depth && E->stack[keep].kind == 'p')
            keep++;
        break;
    case 'n':
        for (size_t i = 0; i < E->depth; i++)
            if (strchr("pra", E->stack[i].kind))
                keep = i + 1;
        break;
    default: /* letter */
        for (size_t i = 0; i < E->depth; i++)
            if (strchr("pran", E->stack[i].kind))
                keep = i + 1;
        break;
    }
    if (keep >= SECTION_DEPTH)
        keep = SECTION_DEPTH - 1;
    E->depth = keep;
    struct level *l = &E->stack[E->depth++];
    l->kind = sm->kind;
    snprintf(l->label, sizeof l->label, "%s", sm->label);
    /* "Điều  4" and the like: one space between words. */
    collapse_blanks(l->label, strlen(l->label));
    l->context = context;
    render_section(E);
}

/* Do the words right before i in [s, i) end with a phrase of list horizon
 * ("tầm nhìn đến năm")? */
static bool after_horizon(const struct engine *E, size_t s, size_t i)
{
    return phrase_before(E->m->rules, "horizon", E->t, s, i);
}

/* The title's year: the latest year (19xx, 20xx) a title line names. */
static void note_years(struct engine *E, size_t s, size_t e)
{
    for (size_t i = s; i + 4 <= e; i++) {
        if ((i > s && is_digit(E->t[i - 1])) || (i + 4 < e && is_digit(E->t[i + 4])))
            continue;
        if (!((E->t[i] == '1' && E->t[i + 1] == '9') || (E->t[i] == '2' && E->t[i + 1] == '0')))
            continue;
        if (!is_digit(E->t[i + 2]) || !is_digit(E->t[i + 3]))
            continue;
        int y = (E->t[i] - '0') * 1000 + (E->t[i + 1] - '0') * 100 + (E->t[i + 2] - '0') * 10 +
                (E->t[i + 3] - '0');
        if (y > E->doc_year && !after_horizon(E, s, i))
            E->doc_year = y;
    }
}

/* The year a sentence's own year is compared with to tell the past: the
 * latest year the title names ("KẾ HOẠCH NĂM 2024"), but no later than the
 * year after the document was issued: "đến năm 2030, tầm nhìn đến năm
 * 2050" in the title of a plan issued in 2025 does not make 2030 past. */
static int present_year(const struct engine *E)
{
    int issued = E->doc->meta.date ? atoi(E->doc->meta.date) : 0;
    if (issued && E->doc_year && issued + 1 < E->doc_year)
        return issued + 1;
    return E->doc_year;
}

/* Where the heading of a marker line [s, e) ends: "2. Y tế: Tiêm chủng cho
 * 58 trẻ ..., đạt 48,3% kế hoạch năm" is headed "Y tế"; what follows is
 * the first item, not the heading. */
static size_t heading_end(const struct engine *E, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (E->t[i] == ':' || E->t[i] == ';' || (is_sentence_mark(E->t[i]) && sentence_end(E, i, e)))
            return i;
    return e;
}

/* Does the quantity at ns stand in the subject of a document its clause
 * [cs, …) cites by number ("Quyết định số 02110/QĐ-UBND ngày 20/11/2025 của UBND
 * tỉnh về công bố tình huống khẩn cấp … đối với 40 xã, phường")? */
static bool in_cited_subject(const struct engine *E, size_t cs, size_t ns)
{
    const nqx_doc *doc = E->doc;
    size_t k = nqx_lower_bound(doc->refs, doc->nrefs, sizeof *doc->refs,
                               offsetof(nqx_ref, start), ns);
    return k && doc->refs[k - 1].number && doc->refs[k - 1].start >= cs &&
           in_subject_of(E->m->rules, E->t, &doc->refs[k - 1], ns);
}

/* Updates sections and contexts for the line [ls, le); returns where the
 * line's own text starts (after a section marker). */
static size_t enter_line(struct engine *E, size_t ls, size_t le)
{
    struct section_match sm;
    const char *line = E->t + ls;
    size_t n = le - ls;
    bool await = E->await_heading;
    E->await_heading = false;
    if (layout_section_at(E->m, E->t, ls, le, &sm)) {
        E->seen_marker = true;
        E->intro = (struct context){KIND_NONE, SIZE_MAX, 0, 0};
        size_t body = ls + sm.end;
        push_section(E, &sm, (struct context){KIND_PENDING, SIZE_MAX, body, heading_end(E, body, le)});
        void *v = E->m->sections;
        nqx_grow(&v, &E->m->sections_cap, E->m->nsections + 1, sizeof *E->m->sections);
        E->m->sections = v;
        size_t k = body;
        while (k < le && (E->t[k] == ' ' || E->t[k] == '.' || E->t[k] == ':'))
            k++;
        /* Whether the section tells what was done: its heading says so
         * ("1. Kết quả đạt được"); an item that is a sentence of its own
         * ("2. Các chi bộ báo cáo kết quả …") takes the section it stands
         * in. The document's title does not count: a report has sections
         * of tasks too. */
        size_t hn = le - k < TITLE_LINE_MAX ? le - k : nqx_utf8_floor(E->t + k, TITLE_LINE_MAX);
        bool titled = line_is_caps(E->t + k, hn) || E->t[le - 1] == ':' ||
                      (le - k < HEADING_CUE_SPAN && !is_sentence_mark(E->t[le - 1]) &&
                       E->t[le - 1] != ';');
        int kind = levels_kind(E, titled ? E->depth : E->depth - 1);
        E->m->sections[E->m->nsections++] = (struct section_mark){
            ls, E->section[0] ? nqx_arena_strdup(&E->doc->arena, E->section) : NULL,
            kind == NQX_KIND_RESULT || kind == NQX_KIND_ESTIMATE};
        E->await_heading = k == le;
        return body;
    }
    E->lines_seen++;
    bool caps = line_is_caps(line, n < TITLE_LINE_MAX ? n : nqx_utf8_floor(line, TITLE_LINE_MAX));
    /* "Phần thứ nhất" alone on its line: the next line is its heading. */
    if (await && E->depth &&
        (caps || (n < HEADING_CUE_SPAN && !is_sentence_mark(line[n - 1])))) {
        E->stack[E->depth - 1].context = (struct context){KIND_PENDING, SIZE_MAX, ls, le};
        return ls;
    }
    /* A table's row is no title: "| TT | Tên nhiệm vụ | Kết quả |" heads
     * columns, and "Kết quả" there is what a task delivers. */
    nqx_span cells[2];
    if (!E->seen_marker && E->lines_seen <= TITLE_LINES && n < TITLE_LINE_MAX &&
        !table_row_cells(E->t, ls, le, cells, 2) && !is_sentence_mark(line[n - 1])) {
        note_years(E, ls, le);
        /* "Căn cứ … tình hình thực tế": a legal basis speaks of other
         * documents and gives the document no kind. */
        struct context k = phrase_opens(E->m->rules, "basis", line, n)
                               ? (struct context){KIND_NONE, SIZE_MAX, 0, 0}
                               : heading_cues(E, ls, le);
        if (k.kind != KIND_NONE && E->root.kind != KIND_MIXED)
            E->root = (E->root.kind == KIND_NONE || E->root.kind == k.kind)
                          ? k
                          : (struct context){KIND_MIXED, SIZE_MAX, 0, 0};
    } else if (caps || (n && line[n - 1] == ':')) {
        /* An introducing line: its cues hold for what follows, until the
         * next section marker. Read its last sentence. */
        size_t s = ls;
        for (size_t i = le; i-- > ls + 1;)
            if (line[i - ls] == ' ' && is_sentence_mark(line[i - ls - 1])) {
                s = i + 1;
                break;
            }
        E->intro = (struct context){KIND_PENDING, SIZE_MAX, s, le};
    }
    return ls;
}

/* ---- Clauses and candidates ----------------------------------------------- */



/* The number token starting at i: digits, and '.' or ',' between digits. */
static size_t token_end(const struct engine *E, size_t i, size_t ce)
{
    while (i < ce) {
        if (is_digit(E->t[i]))
            i++;
        else if ((E->t[i] == '.' || E->t[i] == ',') && i + 1 < ce && is_digit(E->t[i + 1]))
            i++;
        else
            break;
    }
    return i;
}

/* Is the number at ns joined to an earlier one by '-', '–' or '/' (spaces
 * allowed around the sign)? */
static bool follows_number(const struct engine *E, size_t ls, size_t ns)
{
    size_t k = ns;
    while (k > ls && E->t[k - 1] == ' ')
        k--;
    if (k > ls && (E->t[k - 1] == '-' || E->t[k - 1] == '/'))
        k--;
    else
        return false;
    while (k > ls && E->t[k - 1] == ' ')
        k--;
    return k > ls && is_digit(E->t[k - 1]);
}

/* Is quantity q what the one before it is measured against, after a '/'
 * and in the same unit ("Ước thực hiện 15.942,5 tỷ đồng/14.635,1 tỷ đồng,
 * đạt 108,9% dự toán": the plan; "95 điểm/100 điểm")? Not in another unit
 * ("5 dự án/4.360 MW" are two figures). */
static bool measured_against(const struct engine *E, size_t ls, const struct qty *q)
{
    size_t k = q->ns, un = q->unit_e - q->unit_s;
    while (k > ls && E->t[k - 1] == ' ')
        k--;
    if (k == ls || E->t[k - 1] != '/' || !un)
        return false;
    k--;
    while (k > ls && E->t[k - 1] == ' ')
        k--;
    return k - ls >= un && !memcmp(E->t + k - un, E->t + q->unit_s, un) &&
           (k - un == ls || E->t[k - un - 1] == ' ' || is_digit(E->t[k - un - 1]));
}

/* Does the number at ns open its line of the input, followed by a word
 * with a capital, there or on the next line ("110" / "Tổ chức phối hợp
 * …", "131 Đề án mở mới …")? Then it numbers a row of a table flattened
 * from a PDF, whose lines the normalizer joined to the one before. */
static bool row_number_alone(const struct engine *E, size_t ns, size_t ne)
{
    if (ns == 0 || E->t[ns - 1] == '\n')
        return false; /* a line start of the normalized text: skip.line-number's */
    const nqx_doc *doc = E->doc;
    size_t line = nqx_doc_line(doc, ns, NULL); /* 1-based */
    if (!line || line > doc->nlines)
        return false;
    size_t s = doc->line_starts[line - 1],
           e = line < doc->nlines ? doc->line_starts[line] - 1 : doc->text_len;
    while (s < e && doc->text[s] == ' ')
        s++;
    if (e - s < ne - ns || memcmp(doc->text + s, E->t + ns, ne - ns))
        return false;
    size_t n = s + (ne - ns), end = e;
    if (n < end && doc->text[n] != ' ')
        return false;
    while (n < end && doc->text[n] == ' ')
        n++;
    if (n == end) { /* alone on its line: the next one */
        if (line == doc->nlines)
            return false;
        n = doc->line_starts[line];
        end = line + 1 < doc->nlines ? doc->line_starts[line + 1] : doc->text_len;
        while (n < end && doc->text[n] == ' ')
            n++;
    }
    return n < end && capital_at(doc->text, end, n);
}

static bool is_letter_byte(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool skip_candidate(struct engine *E, size_t ls, size_t ns, size_t ne, size_t le,
                           size_t *span_end)
{
    const struct family *f = &E->m->rules->skips;
    size_t we = window_end(E, ns, le, WINDOW_AFTER);
    /* One match tries every skip pattern at the number; the contexts of
     * those that match are then checked in file order. */
    size_t n = f->n;
    void *v = E->skip_ends;
    nqx_grow(&v, &E->skip_cap, n, sizeof *E->skip_ends);
    size_t *ends = E->skip_ends = v;
    if (!family_match(E->m, f, E->t, we, ns, ends))
        return false;
    for (size_t k = 0; k < n; k++) {
        if (ends[k] == SIZE_MAX)
            continue;
        const struct rule *ru = &E->m->rules->rules[f->rule[k]];
        size_t end = ends[k];
        if (ru->before.code && !before_matches(E, ru, ls, ns, NULL))
            continue;
        if (ru->after.code && !at_matches(E, &ru->after, end, le, &end))
            continue;
        trace(E, f->rule[k], ns);
        *span_end = end > ne ? end : ne;
        return true;
    }
    return false;
}

/* Lower-cased, single-spaced copy of [s, e) into out; "tỷ đồng /ha" keeps
 * its words; spaces around '/' are removed. */
static void unit_text(const char *s, size_t n, char *out, size_t size)
{
    bool ascii = true;
    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    if (ascii) {
        size_t o = 0;
        for (size_t i = 0; i < n && o + 1 < size; i++) {
            char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
            if (c == ' ' && (o == 0 || out[o - 1] == ' ' || out[o - 1] == '/' ||
                             (i + 1 < n && s[i + 1] == '/')))
                continue;
            out[o++] = c;
        }
        out[o] = '\0';
        return;
    }
    char *f = fold_text(s, n);
    size_t o = 0;
    for (size_t i = 0; f[i] && o + 1 < size; i++) {
        if (f[i] == ' ' && (f[i + 1] == '/' || (o && out[o - 1] == '/')))
            continue;
        out[o++] = f[i];
    }
    out[o] = '\0';
    free(f);
}

/* The unit as the record gives it: a symbol keeps the case its list gives
 * it (USD, GDP), anything else is lower case. */
static void canonical_unit(struct engine *E, const char *s, size_t n, char *out, size_t size)
{
    const struct entry *e = unit_lookup(E->m->rules, s, n);
    if (e) {
        size_t l = strlen(e->phrase);
        if (l >= size)
            l = nqx_utf8_floor(e->phrase, size - 1);
        memcpy(out, e->phrase, l);
        out[l] = '\0';
        return;
    }
    unit_text(s, n, out, size);
}

/* out = a + b + c, cut to size on a character boundary. */
static void concat3(char *out, size_t size, const char *a, const char *b, const char *c)
{
    size_t o = 0;
    const char *parts[] = {a, b, c};
    for (size_t i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && o + 1 < size; p++)
            out[o++] = *p;
    out[nqx_utf8_floor(out, o) < o && o + 1 >= size ? nqx_utf8_floor(out, o) : o] = '\0';
}

/* Parses the quantity at ns of the subject t (E->t, or a table cell with
 * its row's unit put after the number); offsets in q are t's. */
static bool parse_quantity_in(struct engine *E, const char *t, size_t ns, size_t le,
                              struct qty *q)
{
    const nqx_rules *r = E->m->rules;
    for (size_t i = 0; i < r->nby_role[ROLE_QUANTITY]; i++) {
        const struct rule *ru = rule_at(E, ROLE_QUANTITY, i);
        size_t we = window_end(E, ns, le, WINDOW_AFTER);
        if (t != E->t)
            we = le;
        if (!pattern_match(E->m, &ru->pattern, t, we, ns, 0))
            continue;
        size_t end = pcre2_get_ovector_pointer(E->m->md)[1];
        const struct pattern *p = &ru->pattern;
        size_t vs, ve, s1, e1, s2, e2, us, ue, ss, se, ps, pe;
        memset(q, 0, sizeof *q);
        q->pred_start = SIZE_MAX;
        q->crule = q->prule = SIZE_MAX;
        bool unit = group_span(E->m, p, "unit", &us, &ue);
        bool count = !unit && group_span(E->m, p, "count", &us, &ue);
        if (!unit && !count)
            continue;
        q->counted = count;
        q->unit_s = us;
        q->unit_e = ue;
        q->of_s = q->of_e = SIZE_MAX;
        size_t os, oe;
        if (group_span(E->m, p, "of", &os, &oe) && oe > os)
            q->of_s = os, q->of_e = oe;
        if (group_span(E->m, p, "min", &s1, &e1) && group_span(E->m, p, "max", &s2, &e2)) {
            if (!parse_vn_number(t + s1, e1 - s1, q->min, sizeof q->min) ||
                !parse_vn_number(t + s2, e2 - s2, q->max, sizeof q->max))
                continue;
            q->comparator = NQX_CMP_RANGE;
        } else if (group_span(E->m, p, "value", &vs, &ve)) {
            if (!parse_vn_number(t + vs, ve - vs, q->value, sizeof q->value))
                continue;
            q->comparator = NQX_CMP_EQ;
        } else {
            continue;
        }
        bool scale = group_span(E->m, p, "scale", &ss, &se);
        bool per = group_span(E->m, p, "per", &ps, &pe);
        /* Every group is read; now build the unit text. */
        char ubuf[96] = "", sbuf[64] = "", pbuf[64] = "";
        canonical_unit(E, t + us, ue - us, ubuf, sizeof ubuf);
        if (per)
            unit_text(t + ps, pe - ps, pbuf, sizeof pbuf);
        /* A rate in words ("trên một vạn dân") is written as one with a
         * slash ("/vạn dân"). */
        if (group_span(E->m, p, "perword", &ps, &pe)) {
            char wbuf[64];
            unit_text(t + ps, pe - ps, wbuf, sizeof wbuf);
            const struct entry *e = list_lookup(rules_list(r, "per-phrase"), wbuf, strlen(wbuf));
            if (e && e->value)
                concat3(pbuf, sizeof pbuf, pbuf, "/", e->value);
        }
        q->scale_exp = 0;
        if (scale) {
            unit_text(t + ss, se - ss, sbuf, sizeof sbuf);
            const struct list *sl = rules_list(r, "scale");
            for (char *w = sbuf; *w;) {
                char *sp = strchr(w, ' ');
                size_t wl = sp ? (size_t)(sp - w) : strlen(w);
                const struct entry *e = list_lookup(sl, w, wl);
                if (e && e->value)
                    q->scale_exp += atoi(e->value);
                w += wl;
                while (*w == ' ')
                    w++;
            }
        }
        concat3(q->base_unit, sizeof q->base_unit, ubuf, pbuf, "");
        concat3(q->unit, sizeof q->unit, sbuf, scale ? " " : "", q->base_unit);
        q->ns = ns;
        q->qe = q->end = end;
        q->qrule = rule_index(E, ROLE_QUANTITY, i);
        return true;
    }
    return false;
}

static bool parse_quantity(struct engine *E, size_t ns, size_t le, struct qty *q)
{
    return parse_quantity_in(E, E->t, ns, le, q);
}

/* ---- Tables ------------------------------------------------------------- */

/* Reads the first row of a table: which columns the column rules name. */
static void read_header(struct engine *E)
{
    struct table *T = &E->table;
    const nqx_rules *r = E->m->rules;
    T->header = false;
    T->unit_col = T->label_col = -1;
    for (int k = 0; k < TABLE_COLUMNS; k++) {
        T->role[k] = COLUMN_VALUE;
        T->kind[k] = (struct context){KIND_NONE, SIZE_MAX, 0, 0};
    }
    for (int k = 0; k < T->ncells; k++) {
        size_t a = T->cell[k].start, b = T->cell[k].end;
        while (b > a && strchr(":.", E->t[b - 1]))
            b--;
        for (size_t i = 0; i < r->nby_role[ROLE_COLUMN]; i++) {
            const struct rule *ru = rule_at(E, ROLE_COLUMN, i);
            if (!pattern_match(E->m, &ru->pattern, E->t, b, a, 0) ||
                pcre2_get_ovector_pointer(E->m->md)[1] != b)
                continue;
            trace(E, rule_index(E, ROLE_COLUMN, i), a);
            T->role[k] = ru->column;
            T->header = true;
            if (ru->column == COLUMN_VALUE && ru->kind >= 0)
                T->kind[k] = (struct context){ru->kind, rule_index(E, ROLE_COLUMN, i), 0, 0};
            if (ru->column == COLUMN_UNIT && T->unit_col < 0)
                T->unit_col = k;
            if (ru->column == COLUMN_LABEL && T->label_col < 0)
                T->label_col = k;
            break;
        }
    }
    if (!T->header)
        return;
    /* Without a named label column, the first of several value columns that
     * its header does not name is the label. */
    int values = 0;
    for (int k = 0; k < T->ncells; k++)
        values += T->role[k] == COLUMN_VALUE;
    for (int k = 0; k < T->ncells && T->label_col < 0 && values > 1; k++)
        if (T->role[k] == COLUMN_VALUE && T->kind[k].kind == KIND_NONE) {
            T->role[k] = COLUMN_LABEL;
            T->label_col = k;
        }
}

/* The value cell of the current row holding pos, or -1. */
static int value_cell_at(const struct engine *E, size_t pos)
{
    const struct table *T = &E->table;
    if (!T->header)
        return -1;
    for (int k = 0; k < T->ncells; k++)
        if (pos >= T->cell[k].start && pos < T->cell[k].end)
            return T->role[k] == COLUMN_VALUE ? k : -1;
    return -1;
}

/* A number without a unit in a value cell: the quantity it makes with the
 * row's unit cell put right after it (or after the second number of the
 * cell, for a range such as "5.600 - 5.800"). */
static bool table_quantity(struct engine *E, size_t ns, size_t ce, struct qty *q)
{
    const struct table *T = &E->table;
    int cell = value_cell_at(E, ns);
    if (cell < 0 || T->unit_col < 0 || T->unit_col >= T->ncells)
        return false;
    size_t us = T->cell[T->unit_col].start, ul = T->cell[T->unit_col].end - us;
    if (!ul || ce > T->cell[cell].end)
        ce = T->cell[cell].end;
    if (!ul)
        return false;
    /* Where the unit may go: after the second number, else the first. */
    size_t ends[2], n = 0;
    for (size_t i = ns; i < ce && n < 2;) {
        if (!is_digit(E->t[i])) {
            i++;
            continue;
        }
        i = ends[n++] = token_end(E, i, ce);
    }
    for (size_t k = n; k-- > 0;) {
        size_t ins = ends[k];
        nqx_buf b = {0};
        nqx_buf_add(&b, E->t + ns, ins - ns);
        nqx_buf_addc(&b, ' ');
        nqx_buf_add(&b, E->t + us, ul);
        size_t u0 = ins - ns + 1, u1 = u0 + ul;
        nqx_buf_add(&b, E->t + ins, ce - ins);
        bool ok = parse_quantity_in(E, b.data, 0, b.len, q) && q->qe >= u1 &&
                  q->unit_s >= u0 && q->unit_e <= u1;
        nqx_buf_free(&b);
        if (!ok)
            continue;
        /* Back to the text: the quantity ends where the unit was put. */
        q->unit_s = us + (q->unit_s - u0);
        q->unit_e = us + (q->unit_e - u0);
        q->of_s = q->of_e = SIZE_MAX;
        q->ns = ns;
        q->qe = q->end = ins;
        return true;
    }
    return false;
}

static size_t skip_bullet(const char *t, size_t s, size_t e);

/* ---- Per quantity: comparator, predicate, kind ------------------------------ */

static void find_comparator(struct engine *E, struct qty *q, size_t suffix_end)
{
    const nqx_rules *r = E->m->rules;
    q->cmp_start = q->ns;
    q->cue_start = SIZE_MAX;
    for (size_t i = 0; i < r->nby_role[ROLE_COMPARATOR]; i++) {
        const struct rule *ru = rule_at(E, ROLE_COMPARATOR, i);
        size_t bs = q->ns, ae = q->qe, cs = SIZE_MAX, ce;
        if (ru->before.code && !before_matches(E, ru, q->local, q->ns, &bs))
            continue;
        if (ru->after.code) {
            if (!at_matches(E, &ru->after, q->qe, suffix_end, &ae))
                continue;
            /* An after context with no cue words (a guard) marks none. */
            if (!group_span(E->m, &ru->after, "cue", &cs, &ce))
                cs = SIZE_MAX;
        }
        q->crule = rule_index(E, ROLE_COMPARATOR, i);
        q->before_cmp = ru->before.code != NULL;
        q->cmp_start = bs;
        q->cue_start = cs;
        q->end = ae;
        if (q->comparator != NQX_CMP_RANGE)
            q->comparator = ru->comparator;
        return;
    }
}

/* Is q a bare item of the list prev's item opens: right after the comma
 * that ends prev's item (words only between), with no comparator and no
 * verb of its own? */
static bool bare_list_item(const struct engine *E, const struct qty *prev, const struct qty *q)
{
    if (q->crule != SIZE_MAX || q->pred_start != SIZE_MAX || q->comparator != NQX_CMP_EQ ||
        q->after_quantity)
        return false;
    size_t k = q->local;
    if (k == 0 || E->t[k - 1] != ',')
        return false;
    for (size_t j = prev->end; j < k - 1; j++)
        if (is_digit(E->t[j]) || E->t[j] == ':' || E->t[j] == '(')
            return false;
    for (; k < q->ns; k++)
        if (E->t[k] != ' ')
            return false;
    return true;
}

/* A bare item of a list goes on with what the words of the list's first
 * item set: its bound ("ít nhất 100 doanh nghiệp khởi nghiệp, 50 doanh
 * nghiệp khoa học"; not "trên", which holds for its own number only, and
 * not onto 100%, which no bound widens) and, in the same unit, its change
 * ("cắt giảm tối thiểu 30% ngành nghề, 100% điều kiện kinh doanh"). */
static void share_list_words(struct engine *E, const struct qty *prev, struct qty *q)
{
    if (!bare_list_item(E, prev, q))
        return;
    if (prev->change != NQX_CHANGE_NONE && !strcmp(prev->unit, q->unit)) {
        q->change = prev->change;
        q->prule = prev->prule;
    }
    if (prev->crule == SIZE_MAX ||
        (prev->comparator != NQX_CMP_GE && prev->comparator != NQX_CMP_LE))
        return;
    /* The bound is words before the number only (not "từ … trở lên"). */
    const struct rule *ru = &E->m->rules->rules[prev->crule];
    if (!ru->before.code || ru->after.code ||
        (prev->comparator == NQX_CMP_GE && !strcmp(q->unit, "%") && !strcmp(q->value, "100")))
        return;
    q->comparator = prev->comparator;
    q->crule = prev->crule;
}

/* The last match of any predicate rule in [lo, hi). */
static void find_predicate(struct engine *E, struct qty *q, size_t lo, size_t hi)
{
    const nqx_rules *r = E->m->rules;
    q->pred_start = SIZE_MAX;
    q->prule = SIZE_MAX;
    q->change = NQX_CHANGE_NONE;
    q->pred_weak = false;
    size_t best = 0, best_end = 0;
    bool found = false;
    /* "Số người mắc bệnh tăng huyết áp ...: tối thiểu 52.000 người": a verb
     * before a label's colon belongs to the label. */
    for (size_t k = hi; k-- > lo;)
        if (E->t[k] == ':') {
            lo = k + 1;
            break;
        }
    for (size_t i = 0; i < r->nby_role[ROLE_PREDICATE]; i++) {
        const struct rule *ru = rule_at(E, ROLE_PREDICATE, i);
        size_t from = lo;
        while (from < hi && pattern_match(E->m, &ru->pattern, E->t, hi, from, 0)) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(E->m->md);
            /* The verb that reaches nearest to the number wins ("giảm
             * còn" is a level, not "giảm"); of two that end at the same
             * place, the longer phrase ("tăng bình quân … đạt 10%/năm" is
             * an increase, not "đạt"). */
            if (!found || ov[1] > best_end || (ov[1] == best_end && ov[0] < best)) {
                found = true;
                best = ov[0];
                best_end = ov[1];
                q->pred_start = ov[0];
                q->pred_end = ov[1];
                q->prule = rule_index(E, ROLE_PREDICATE, i);
                q->change = ru->change;
                q->pred_weak = ru->weak;
            }
            size_t next = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
            from = utf8_ceil(E->t, next, hi);
        }
    }
}

static int by_start(const void *a, const void *b)
{
    const struct cue *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Every clause-scope kind cue of [cs, ce), found once per clause in one
 * pass, sorted by position. */
static void find_cues(struct engine *E, size_t cs, size_t ce)
{
    const nqx_rules *r = E->m->rules;
    E->ncues = 0;
    for (size_t from = cs; from < ce && pattern_match(E->m, &r->clause_cues, E->t, ce, from, 0);) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(E->m->md);
        size_t rule = marked_rule_of(E->m);
        if (rule < r->nrules) {
            void *v = E->cues;
            nqx_grow(&v, &E->cues_cap, E->ncues + 1, sizeof *E->cues);
            E->cues = v;
            E->cues[E->ncues++] = (struct cue){ov[0], ov[1], r->rules[rule].kind, rule};
        }
        from = utf8_ceil(E->t, ov[1] > ov[0] ? ov[1] : ov[0] + 1, ce);
    }
    if (E->ncues > 1)
        qsort(E->cues, E->ncues, sizeof *E->cues, by_start);
}

/* The kind cue nearest to the quantity: in its own words first, then after
 * it, then anywhere near it in the clause; else its parent's kind (1-based
 * parent, 0 for none), the sentence's period, the heading context, the
 * title. */
static int find_kind(struct engine *E, const struct qty *q, size_t cs, size_t ce,
                     size_t suffix_end, size_t parent, nqx_forecast *forecast)
{
    const nqx_rules *r = E->m->rules;
    *forecast = NQX_FORECAST_NONE;
    size_t near_lo = window_start(E, cs, q->ns, CLAUSE_CUE_SPAN);
    size_t near_hi = window_end(E, q->qe, ce, CLAUSE_CUE_SPAN);
    /* The cues after a "trong đó" still to come are its parts' ("phát
     * triển 39 siêu thị, trong đó hiện có 7"). */
    if (E->marker != SIZE_MAX && E->marker >= q->qe && E->marker < near_hi)
        near_hi = E->marker;
    struct {
        size_t lo, hi;
    } spans[] = {
        {q->local > near_lo ? q->local : near_lo, q->ns},
        {q->qe, suffix_end < near_hi ? suffix_end : near_hi},
        {near_lo, near_hi},
    };
    /* The first cue that can lie in the near window. */
    size_t lo = nqx_lower_bound(E->cues, E->ncues, sizeof *E->cues, offsetof(struct cue, start),
                                near_lo);
    for (size_t s = 0; s < 3; s++) {
        const struct cue *best = NULL;
        size_t best_d = 0;
        for (size_t k = lo; k < E->ncues && E->cues[k].start < near_hi; k++) {
            const struct cue *c = &E->cues[k];
            if (c->start < spans[s].lo || c->end > spans[s].hi)
                continue;
            /* A cue past the next quantity is that one's ("… 51.000 ha bị
             * thiệt hại, …, thiệt hại về kinh tế ước tính 16.000 tỷ đồng"). */
            if (s == 2 && c->start >= suffix_end)
                continue;
            size_t d = c->end <= q->ns ? q->ns - c->end : c->start >= q->qe ? c->start - q->qe : 0;
            if (!best || d < best_d || (d == best_d && c->rule < best->rule)) {
                best = c;
                best_d = d;
            }
        }
        if (best) {
            trace(E, best->rule, q->ns);
            *forecast = r->rules[best->rule].forecast;
            return best->kind;
        }
        /* "Ước thực hiện cả năm là 11.580 tỷ đồng, vượt 11,69% so dự
         * toán, tăng 10,48% so cùng kỳ", "ước đạt 754,2 nghìn người
         * (chiếm 45% dân số)": a figure with no cue of its own before it
         * is as estimated as the one it follows in its clause. */
        if (s == 0 && E->doc->ntargets > E->line_first_target) {
            const nqx_target *prev = &E->doc->targets[E->doc->ntargets - 1];
            if (prev->start >= cs && prev->kind == NQX_KIND_ESTIMATE) {
                *forecast = prev->forecast;
                return NQX_KIND_ESTIMATE;
            }
        }
        /* "ước đạt 6.842 tỷ đồng; trong đó: nông nghiệp 1.215 tỷ đồng,
         * tăng 5% so cùng kỳ": a part without a cue of its own shares its
         * whole's kind (the cues further on are its neighbours'). Not one
         * across a sentence: "ước đạt 8,19%. Trong đó: … 10 tháng tăng
         * 15,55%" breaks down a review with figures of their own; a line
         * below a "trong đó:" goes on with its whole's sentence. */
        if (s == 1 && parent && parent <= E->doc->ntargets &&
            (E->doc->targets[parent - 1].start >= E->sent_start || parent == E->line_whole ||
             parent == E->line_whole_level)) {
            *forecast = E->doc->targets[parent - 1].forecast;
            return E->doc->targets[parent - 1].kind;
        }
    }
    if (q->cell >= 0 && E->table.kind[q->cell].kind >= 0) {
        trace(E, E->table.kind[q->cell].rule, q->ns);
        return E->table.kind[q->cell].kind;
    }
    /* "Năm 2023, ..." in a document about 2024 reports the past. */
    size_t ss = skip_bullet(E->t, E->sent_start, q->ns);
    for (size_t i = 0; i < r->nby_role[ROLE_KIND]; i++) {
        const struct rule *ru = rule_at(E, ROLE_KIND, i);
        if (!(ru->scope & SCOPE_SENTENCE) ||
            !pattern_match(E->m, &ru->pattern, E->t, q->ns, ss, PCRE2_ANCHORED))
            continue;
        size_t ys, ye;
        if (group_span(E->m, &ru->pattern, "year", &ys, &ye)) {
            int y = atoi(E->t + ys), now = present_year(E);
            if (!now || y >= now)
                continue;
        }
        trace(E, rule_index(E, ROLE_KIND, i), q->ns);
        return ru->kind;
    }
    struct context c = context_kind(E);
    trace(E, c.rule, q->ns);
    return c.kind;
}

/* ---- Indicator and text -------------------------------------------------------- */

static bool is_trim(char c)
{
    return c == ' ' || c == ',' || c == ';' || c == ':' || c == '-' || c == '.';
}

static void trim_span(const char *t, size_t *s, size_t *e)
{
    while (*s < *e && is_trim(t[*s]))
        (*s)++;
    while (*e > *s && is_trim(t[*e - 1]))
        (*e)--;
}

/* Strips a bullet at the start of [s, e). */
static size_t skip_bullet(const char *t, size_t s, size_t e)
{
    if (s < e && (t[s] == '-' || t[s] == '+') && (s + 1 == e || t[s + 1] == ' '))
        s++;
    else if (e - s >= 3 && !strncmp(t + s, "\xE2\x80\xA2", 3))
        s += 3;
    while (s < e && t[s] == ' ')
        s++;
    return s;
}

/* Copies [s, e) into the arena, cut to max bytes at a word with an ellipsis. */
static const char *arena_span(nqx_doc *doc, const char *t, size_t s, size_t e, size_t max)
{
    if (e - s <= max)
        return nqx_arena_strndup(&doc->arena, t + s, e - s);
    size_t cut = nqx_utf8_floor(t + s, max);
    for (size_t i = cut; i > max / 2; i--)
        if (t[s + i] == ' ') {
            cut = i;
            break;
        }
    char *p = nqx_arena_alloc(&doc->arena, cut + 4);
    memcpy(p, t + s, cut);
    memcpy(p + cut, "\xE2\x80\xA6", 4); /* … and NUL */
    return p;
}

/* Where the words after a quantity's unit stop being its noun phrase: at
 * punctuation, a digit, the comparator words after it, or the earliest
 * `tail` rule match (so với, trước, và ...). */
static size_t noun_phrase_end(struct engine *E, const struct qty *q, size_t limit, size_t *start)
{
    size_t e = q->of_e != SIZE_MAX ? q->of_e : q->qe;
    size_t hi = q->cue_start != SIZE_MAX && q->cue_start < limit ? q->cue_start : limit;
    /* "95% trở lên hộ gia đình ...": the noun comes after the comparator. */
    size_t k = e;
    while (k < hi && E->t[k] == ' ')
        k++;
    if (*start >= e && k == hi && hi == q->cue_start && q->end > hi && q->end < limit) {
        *start = e = q->end;
        hi = limit;
    }
    if (hi > e + NOUN_PHRASE_MAX)
        hi = nqx_utf8_floor(E->t, e + NOUN_PHRASE_MAX);
    size_t from = e;
    while (e < hi && !strchr(",;:(|", E->t[e]) && !is_digit(E->t[e])) {
        /* A quoted name is one word: “Gia đình 5 không 3 sạch”. */
        if (!strncmp(E->t + e, "\xE2\x80\x9C", 3)) {
            size_t c = e + 3;
            while (c + 3 <= hi && strncmp(E->t + c, "\xE2\x80\x9D", 3))
                c++;
            if (c + 3 <= hi) {
                e = c + 3;
                continue;
            }
        }
        e++;
    }
    const nqx_rules *r = E->m->rules;
    for (size_t i = 0; i < r->nby_role[ROLE_TAIL]; i++)
        if (pattern_match(E->m, &rule_at(E, ROLE_TAIL, i)->pattern, E->t, e, from, 0)) {
            size_t at = pcre2_get_ovector_pointer(E->m->md)[0];
            if (at < e) {
                trace(E, rule_index(E, ROLE_TAIL, i), q->ns);
                e = at;
            }
        }
    return e;
}

/* Does a frame rule match at w (within [w, hi))? Its end goes in *end. */
static bool frame_at(struct engine *E, size_t w, size_t hi, size_t *end, size_t at)
{
    const nqx_rules *r = E->m->rules;
    for (size_t k = 0; k < r->nby_role[ROLE_FRAME]; k++)
        if (at_matches(E, &rule_at(E, ROLE_FRAME, k)->pattern, w, hi, end) && *end > w) {
            trace(E, rule_index(E, ROLE_FRAME, k), at);
            return true;
        }
    return false;
}

/* Does the folded text of [s, e) contain the folded word(s) w as a word? */
static bool contains_word(const struct engine *E, size_t s, size_t e, const char *w, size_t wn)
{
    char *hay = fold_text(E->t + s, e - s), *needle = fold_text(w, wn);
    bool found = false;
    size_t nl = strlen(needle);
    for (const char *p = hay; nl && (p = strstr(p, needle)); p++) {
        bool left = p == hay || p[-1] == ' ';
        bool right = p[nl] == '\0' || p[nl] == ' ' || p[nl] == ',';
        if (left && right) {
            found = true;
            break;
        }
    }
    free(hay);
    free(needle);
    return found;
}

static const char *build_indicator(struct engine *E, struct qty *q, const char *prev,
                                   size_t limit)
{
    const struct table *T = &E->table;
    const nqx_span *label_cell =
        q->cell >= 0 && T->label_col >= 0 && T->label_col < T->ncells ? &T->cell[T->label_col]
                                                                       : NULL;
    if (label_cell && label_cell->end > label_cell->start)
        return arena_span(E->doc, E->t, label_cell->start, label_cell->end, INDICATOR_MAX);
    size_t s = q->local;
    size_t e = q->pred_start != SIZE_MAX ? q->pred_start : q->cmp_start;
    if (e > q->ns)
        e = q->ns;
    s = skip_bullet(E->t, s, e);
    /* Words that open a clause but are not the indicator. */
    for (size_t fe; s < e && frame_at(E, s, e, &fe, q->ns);) {
        s = fe;
        while (s < e && E->t[s] == ' ')
            s++;
    }
    /* A frame after a comma opens the quantity's own words: "Tiếp tục chỉ
     * đạo xây dựng sản phẩm OCOP, phấn đấu đến năm 2025 có 17 sản phẩm". */
    for (size_t i = e; i-- > s + 1;) {
        size_t fe;
        if (E->t[i] == ' ' && E->t[i - 1] == ',' && frame_at(E, i + 1, e, &fe, q->ns)) {
            s = fe;
            break;
        }
    }
    /* After an earlier quantity of the clause, the last "và ..." opens
     * this one's words: "02 xã đạt chuẩn ... và 01 xã ...". */
    if (q->after_quantity)
        for (size_t i = e; i-- > s + 1;) {
            size_t fe;
            if (E->t[i] == ' ' && frame_at(E, i + 1, e + (e < q->ns), &fe, q->ns)) {
                s = fe < e ? fe : e;
                break;
            }
        }
    /* "Label: 25 xã" names the indicator before the colon. */
    bool label = false;
    for (size_t i = e; i-- > s;) {
        if (E->t[i] != ':')
            continue;
        size_t as = i + 1, ae = e;
        trim_span(E->t, &as, &ae);
        /* "Tỷ lệ ...: duy trì trên 95%": only clause-opening words follow. */
        for (size_t fe; as < ae && frame_at(E, as, ae + 1, &fe, q->ns);)
            as = fe;
        if (as < ae) {
            s = i + 1;
        } else {
            e = i;
            label = true;
        }
        break;
    }
    trim_span(E->t, &s, &e);

    size_t np_s = q->counted ? q->unit_s : q->of_s != SIZE_MAX ? q->of_s : q->unit_e;
    size_t np_e = noun_phrase_end(E, q, limit, &np_s);
    size_t ts = np_s, te = np_e;
    trim_span(E->t, &ts, &te);


    /* A counted noun joins the words before it when those are a verb
     * ("Xây dựng 05 xã ..." -> "Xây dựng xã ..."); after a predicate the
     * words before are the subject ("Số giường bệnh ... đạt 28 giường"),
     * except that after "có" a noun with qualifiers of its own is the
     * indicator ("Trong 9 tháng có thêm 03 trường được công nhận ..."). */
    bool have_prefix = s < e;
    bool pred = q->pred_start != SIZE_MAX;
    bool np_tail = te > q->unit_e;
    bool use_prefix = have_prefix, use_np = false;
    /* "Tập hợp trên 70% thanh niên": the percentage counts a noun. */
    bool counts = q->counted || q->of_s != SIZE_MAX;
    if (counts && !label && ts < te) {
        /* "đàn lợn 8.450 con": a bare classifier adds nothing to a subject. */
        const struct list *cl = rules_list(E->m->rules, "unit-classifier");
        bool bare_classifier = !np_tail && cl &&
                               list_lookup(cl, E->t + q->unit_s, q->unit_e - q->unit_s);
        if (!pred)
            use_np = !have_prefix ||
                     (!bare_classifier &&
                      !contains_word(E, s, e, E->t + q->unit_s, q->unit_e - q->unit_s));
        else if (q->pred_weak && np_tail)
            use_np = true, use_prefix = false;
    }
    nqx_buf b = {0};
    if (!have_prefix && prev && q->change != NQX_CHANGE_NONE) {
        nqx_buf_adds(&b, prev); /* "đạt 500 tỷ đồng, tăng 8%": the same indicator */
    } else {
        if (use_prefix)
            nqx_buf_add(&b, E->t + s, e - s);
        if (use_np) {
            if (b.len)
                nqx_buf_addc(&b, ' ');
            nqx_buf_add(&b, E->t + ts, te - ts);
        }
        /* "phấn đấu tăng thu ngân sách 15%": the verb's object. */
        size_t os = pred ? q->pred_end : 0, oe = q->cmp_start < q->ns ? q->cmp_start : q->ns;
        if (!b.len && pred)
            trim_span(E->t, &os, &oe);
        if (!b.len && pred && os < oe)
            nqx_buf_add(&b, E->t + os, oe - os);
        if (!b.len && ts < te)
            nqx_buf_add(&b, E->t + ts, te - ts);
        /* "tăng 4.850 ha so với năm 2015, đạt 21.300 ha": the same one. */
        if (!b.len && pred && prev)
            nqx_buf_adds(&b, prev);
    }
    const char *out = b.len ? arena_span(E->doc, b.data, 0, b.len, INDICATOR_MAX) : NULL;
    nqx_buf_free(&b);
    return out;
}

static const char *build_text(struct engine *E, const struct qty *q, size_t cs, size_t ce)
{
    cs = skip_bullet(E->t, cs, ce);
    while (ce > cs && E->t[ce - 1] == ' ')
        ce--;
    if (ce - cs <= TEXT_MAX)
        return nqx_arena_strndup(&E->doc->arena, E->t + cs, ce - cs);
    /* A long clause: the part around the quantity. */
    size_t s = q->ns > cs + TEXT_MAX / 2 ? q->ns - TEXT_MAX / 2 : cs;
    s = utf8_ceil(E->t, s, ce);
    while (s > cs && s < q->ns && E->t[s - 1] != ' ')
        s++;
    const char *body = arena_span(E->doc, E->t, s, ce, TEXT_MAX);
    if (s == cs)
        return body;
    size_t bl = strlen(body);
    char *p = nqx_arena_alloc(&E->doc->arena, bl + 4);
    memcpy(p, "\xE2\x80\xA6", 3);
    memcpy(p + 3, body, bl + 1);
    return p;
}

/* ---- A clause ------------------------------------------------------------------ */

/* Looks for a "trong đó" marker in [cs, ce): targets after it, up to the end
 * of the sentence, are children of the last target before it. */
static void find_children(struct engine *E, size_t cs, size_t ce)
{
    const nqx_rules *r = E->m->rules;
    for (size_t i = 0; i < r->nby_role[ROLE_CHILDREN]; i++) {
        const struct rule *ru = rule_at(E, ROLE_CHILDREN, i);
        if (!pattern_match(E->m, &ru->pattern, E->t, ce, cs, 0))
            continue;
        trace(E, rule_index(E, ROLE_CHILDREN, i), cs);
        E->marker = pcre2_get_ovector_pointer(E->m->md)[0];
        E->marker_clause = cs;
        /* In parentheses opened in its clause, it holds to their close
         * (looked for within PAREN_MAX bytes, to stay linear). */
        E->parent_end = SIZE_MAX;
        size_t k = E->marker;
        while (k > cs && E->t[k - 1] != '(' && E->t[k - 1] != ')')
            k--;
        if (k > cs && E->t[k - 1] == '(') {
            size_t n = E->line_end - E->marker;
            const char *close = memchr(E->t + E->marker, ')', n < PAREN_MAX ? n : PAREN_MAX);
            if (close)
                E->parent_end = (size_t)(close - E->t);
        }
        return;
    }
}

/* The whole of a part of the given change among the targets of its line
 * and sentence up to the 1-based from: the last with that change ("11.580
 * tỷ đồng, vượt 11,69%, tăng 10,48%; trong đó: …": a level's is 11.580, a
 * "vượt"'s is 11,69%), else from. */
static size_t whole_of_sort(const struct engine *E, size_t from, int change)
{
    for (size_t k = from; k > E->line_first_target; k--) {
        const nqx_target *w = &E->doc->targets[k - 1];
        if (w->start < E->sent_start)
            break;
        if ((int)w->change == change)
            return k;
    }
    return from;
}

/* The last target of the line before a "trong đó" marker (1-based), or 0. */
static size_t last_before_marker(const struct engine *E)
{
    for (size_t k = E->doc->ntargets; k-- > E->line_first_target;)
        if (E->doc->targets[k].start < E->marker)
            return k + 1;
    return 0;
}

/* The parent of quantity q: resolves a pending "trong đó" marker before
 * it to the last target of the line that starts before the marker (and
 * the last level of its sentence). */
static size_t parent_for(struct engine *E, const struct qty *q)
{
    size_t ns = q->ns;
    if (ns > E->parent_end) {
        E->parent = E->parent_level = 0;
        E->parent_end = SIZE_MAX;
    }
    /* A quantity before its own clause's marker ("…; chi ngân sách 450 tỷ
     * đồng, trong đó chi đầu tư 200 tỷ đồng") is a new whole. */
    if (E->marker != SIZE_MAX && ns < E->marker && E->marker_clause == E->clause_start &&
        E->parent_end == SIZE_MAX)
        E->parent = E->parent_level = 0;
    if (E->marker != SIZE_MAX && E->marker < ns) {
        size_t last = last_before_marker(E);
        /* A second marker opening its clause ("…, gồm 22 xã, 30 phường;
         * trong đó có 21 xã …") goes on with the whole the first one
         * broke down, not with its last part. */
        bool goes_on = E->parent && E->parent_end == SIZE_MAX &&
                       (!last || E->doc->targets[last - 1].start < E->marker_clause);
        if (!goes_on) {
            E->parent = last;
            E->parent_level = whole_of_sort(E, last, NQX_CHANGE_NONE);
        }
        E->marker = SIZE_MAX;
    }
    /* A change's whole is the whole's change of the same sort ("vượt
     * 11,69% so dự toán, tăng 10,48% so cùng kỳ; trong đó: thu nội địa
     * …, vượt 10,22%, tăng 10,26%"), else the last target. */
    return q->change == NQX_CHANGE_NONE ? E->parent_level : whole_of_sort(E, E->parent, q->change);
}

/* Emits q, its text [cs, ce), with its parent (1-based, 0 for none) as
 * parent_for gave it. */
static void emit_target(struct engine *E, struct qty *q, size_t cs, size_t ce,
                        const char *indicator, int kind, nqx_forecast forecast,
                        size_t parent)
{
    nqx_doc *doc = E->doc;
    nqx_target *t = nqx_doc_add_target(doc);
    t->forecast = forecast;
    t->line = nqx_doc_line(doc, q->ns, NULL);
    t->section = E->section[0] ? nqx_arena_strdup(&doc->arena, E->section) : NULL;
    t->kind = (nqx_kind)kind;
    t->comparator = (nqx_cmp)q->comparator;
    t->change = (nqx_change)q->change;
    t->unit = nqx_arena_strdup(&doc->arena, q->unit);
    char buf[2 * NUMBER_MAX_DIGITS + 16];
    if (q->comparator == NQX_CMP_RANGE) {
        t->min = nqx_arena_strdup(&doc->arena, q->min);
        t->max = nqx_arena_strdup(&doc->arena, q->max);
    } else {
        t->value = nqx_arena_strdup(&doc->arena, q->value);
    }
    if (q->scale_exp > 0) {
        t->base_unit = nqx_arena_strdup(&doc->arena, q->base_unit);
        if (t->value && decimal_shift(t->value, q->scale_exp, buf, sizeof buf))
            t->base_value = nqx_arena_strdup(&doc->arena, buf);
        if (t->min && decimal_shift(t->min, q->scale_exp, buf, sizeof buf))
            t->base_min = nqx_arena_strdup(&doc->arena, buf);
        if (t->max && decimal_shift(t->max, q->scale_exp, buf, sizeof buf))
            t->base_max = nqx_arena_strdup(&doc->arena, buf);
    }
    size_t rule = q->crule != SIZE_MAX ? q->crule : q->prule != SIZE_MAX ? q->prule : q->qrule;
    t->rule = E->m->rules->rules[rule].id;
    t->indicator = indicator;
    t->text = build_text(E, q, cs, ce);
    t->start = q->ns;
    t->end = q->end;
    if (parent && parent <= doc->ntargets - 1)
        t->parent = parent;
}

static void process_clause(struct engine *E, size_t ls, size_t le, size_t cs, size_t ce)
{
    E->clause_start = cs;
    find_children(E, cs, ce);

    /* 1. Candidates: skip what is not a quantity, parse what is. */
    E->nq = 0;
    size_t pos = cs;
    while (pos < ce) {
        size_t ns = pos;
        while (ns < ce && !is_digit(E->t[ns]))
            ns++;
        if (ns >= ce)
            break;
        size_t ne = token_end(E, ns, ce);
        pos = ne;
        /* Glued to a letter or another number (QL45, T3, 2x): a code. */
        if (ns > ls && (is_letter_byte((unsigned char)E->t[ns - 1]) ||
                        ((unsigned char)E->t[ns - 1] >= 0x80 && E->t[ns - 1] != ' ')))
            continue;
        /* The second number of "08-09/12", "14/27", "2021 - 2025": it is a
         * quantity only as part of the first one's range. */
        if (follows_number(E, ls, ns))
            continue;
        /* Only a number with a unit can be a target; the skip rules then
         * say whether it is one. */
        void *v = E->q;
        nqx_grow(&v, &E->qcap, E->nq + 1, sizeof *E->q);
        E->q = v;
        struct qty *q = &E->q[E->nq];
        if (!parse_quantity(E, ns, ce, q) && !table_quantity(E, ns, ce, q))
            continue;
        q->cell = value_cell_at(E, ns);
        if (in_cited_subject(E, cs, ns) || measured_against(E, ls, q) ||
            row_number_alone(E, ns, ne))
            continue;
        size_t span;
        if (skip_candidate(E, ls, ns, ne, le, &span)) {
            pos = span;
            continue;
        }
        trace(E, q->qrule, ns);
        E->nq++;
        pos = q->qe;
    }
    if (!E->nq)
        return;

    /* 2. Each quantity's own words, comparator and predicate. */
    for (size_t i = 0; i < E->nq; i++) {
        struct qty *q = &E->q[i];
        size_t suffix_end = i + 1 < E->nq ? E->q[i + 1].ns : ce;
        q->local = cs;
        q->after_quantity = false;
        if (i) {
            q->local = E->q[i - 1].end;
            q->after_quantity = true;
            for (size_t k = q->ns; k-- > q->local;)
                if (E->t[k] == ',') {
                    q->local = k + 1;
                    q->after_quantity = false;
                    break;
                }
        }
        find_comparator(E, q, suffix_end);
        find_predicate(E, q, window_start(E, q->local, q->cmp_start, PREDICATE_SPAN),
                       q->cmp_start);
        /* A comparator that tells what the figure is ("từ X … lên Y": where
         * a change started) has the last word on its change. */
        if (q->crule != SIZE_MAX && E->m->rules->rules[q->crule].change >= 0)
            q->change = E->m->rules->rules[q->crule].change;
        if (i)
            share_list_words(E, &E->q[i - 1], q);
    }
    /* 3. A quantity inside the indicator of the next one is a qualifier:
     * "trẻ dưới 5 tuổi từ 11,2% trở xuống", "trên 01 ha ... đạt 125 triệu". */
    for (size_t i = 0; i + 1 < E->nq; i++) {
        struct qty *q = &E->q[i], *n = &E->q[i + 1];
        bool weak = q->pred_start == SIZE_MAX || q->pred_weak;
        if (!weak || !(q->before_cmp || q->pred_weak))
            continue;
        if (n->pred_start == SIZE_MAX && !n->before_cmp)
            continue;
        /* Punctuation, or a frame ("và đóng góp trên 1,2 tỷ đồng"), starts
         * the next quantity's own words. */
        bool separated = false;
        for (size_t k = q->end; k < n->ns && !separated; k++) {
            size_t fe;
            separated = E->t[k] == ',' || E->t[k] == ';' || E->t[k] == '(' ||
                        (E->t[k] == ' ' && frame_at(E, k + 1, n->ns, &fe, n->ns));
        }
        if (separated)
            continue;
        q->dropped = true;
        trace(E, q->prule, q->ns);
        n->local = q->local;
        n->after_quantity = q->after_quantity;
        find_predicate(E, n, window_start(E, n->local, n->cmp_start, PREDICATE_SPAN),
                       n->cmp_start);
    }
    /* 4. Emit. Kind cues matter only near the quantities. */
    find_cues(E, window_start(E, cs, E->q[0].ns, CLAUSE_CUE_SPAN),
              window_end(E, E->q[E->nq - 1].qe, ce, CLAUSE_CUE_SPAN));
    for (size_t i = 0; i < E->nq; i++) {
        struct qty *q = &E->q[i];
        if (q->dropped)
            continue;
        size_t suffix_end = i + 1 < E->nq ? E->q[i + 1].ns : ce;
        trace(E, q->crule, q->ns);
        trace(E, q->prule, q->ns);
        nqx_forecast forecast;
        size_t parent = parent_for(E, q);
        int kind = find_kind(E, q, cs, ce, suffix_end, parent, &forecast);
        const char *ind = build_indicator(E, q, E->prev_indicator, suffix_end);
        /* A table cell says little alone: the text is its row. */
        bool cell = q->cell >= 0;
        emit_target(E, q, cell ? ls : cs, cell ? le : ce, ind, kind, forecast, parent);
        E->prev_indicator = ind;
    }
}

/* Splits the line's text [bs, le) into clauses (at ';', '|' and sentence
 * ends) in one pass and processes those that hold a digit. */
static void process_line(struct engine *E, size_t ls, size_t bs, size_t le, size_t whole,
                         size_t whole_level)
{
    E->line_first_target = E->doc->ntargets;
    E->parent = E->line_whole = whole;
    E->parent_level = E->line_whole_level = whole_level;
    E->marker = SIZE_MAX;
    E->parent_end = SIZE_MAX;
    E->line_end = le;
    E->sent_start = bs;
    E->prev_indicator = NULL;
    size_t cs = bs;
    bool digit = false;
    for (size_t i = bs; i <= le; i++) {
        while (i < le && !splitter_stop[(unsigned char)E->t[i]])
            i++;
        char c = i < le ? E->t[i] : '\0';
        if (is_digit(c)) {
            digit = true;
            continue;
        }
        bool sentence = is_sentence_mark(c) && sentence_end(E, i, le);
        if (i < le && !sentence && c != ';' && c != '|')
            continue;
        size_t ce = sentence ? i + 1 : i;
        while (cs < ce && E->t[cs] == ' ')
            cs++;
        if (cs < ce) {
            if (digit)
                process_clause(E, ls, le, cs, ce);
            else
                find_children(E, cs, ce);
        }
        digit = false;
        cs = i + 1;
        if (sentence) {
            /* "trong đó" holds to the end of its sentence. */
            E->parent = E->parent_level = 0;
            E->marker = SIZE_MAX;
            E->parent_end = SIZE_MAX;
            E->prev_indicator = NULL;
            size_t next = i + 1;
            while (next < le && E->t[next] == ' ')
                next++;
            E->sent_start = next;
        }
    }
}

/* The whole a line breaks down when the line before ended with a "trong
 * đó:" ("…10.367,7 tỷ đồng; trong đó:" / "thu nội địa 10.052,7 tỷ đồng,
 * …"): the next line, up to its first sentence's end, or each of the "- "
 * items that follow. Anything else ends the carry. */
static void carried_whole(struct engine *E, size_t ls, size_t bs, size_t le, size_t *whole,
                          size_t *whole_level)
{
    if (!E->carry)
        return;
    bool item = bs == ls && bs < le && (E->t[bs] == '-' || E->t[bs] == '+');
    if (item || E->carry_next) {
        *whole = E->carry;
        *whole_level = E->carry_level;
    }
    if (!item)
        E->carry = E->carry_level = 0;
    E->carry_next = false;
}

/* After a line: does it end with a "trong đó:" its line left unresolved? */
static void carry_whole(struct engine *E, size_t le)
{
    if (E->marker == SIZE_MAX || E->t[le - 1] != ':' || E->doc->ntargets <= E->line_first_target)
        return;
    size_t last = last_before_marker(E);
    if (!last)
        return;
    E->carry = last;
    E->carry_level = whole_of_sort(E, last, NQX_CHANGE_NONE);
    E->carry_next = true;
}

/* The last word of a folded phrase. */
static const char *last_word(const char *phrase)
{
    const char *sp = strrchr(phrase, ' ');
    return sp ? sp + 1 : phrase;
}

/* How many times the text names itself by a normative type ("Nghị định
 * này", "Quy định này": list normative-self), counting up to `enough`:
 * where the last word of a phrase stands as a word, the words before it
 * are read. */
static size_t names_itself_normative(const nqx_rules *r, const char *t, size_t len,
                                     size_t enough)
{
    const struct list *l = rules_list(r, "normative-self");
    size_t found = 0;
    for (size_t i = 0; l && i < l->n && found < enough; i++) {
        const char *w = last_word(l->entries[i].folded);
        size_t wl = strlen(w);
        bool searched = !wl; /* each last word once */
        for (size_t k = 0; k < i && !searched; k++)
            searched = !strcmp(last_word(l->entries[k].folded), w);
        for (const char *p = t;
             !searched && found < enough && (p = memchr(p, w[0], (size_t)(t + len - p)));
             p++) {
            size_t at = (size_t)(p - t), end = at + wl;
            if (len - at < wl || memcmp(p, w, wl) || (at && t[at - 1] != ' ') ||
                (end < len && (is_letter_byte((unsigned char)t[end]) ||
                               (unsigned char)t[end] >= 0x80)))
                continue;
            found += phrase_before(r, "normative-self", t, 0, end);
        }
    }
    return found;
}

/* Is the document a normative legal text (a law, a decree, a circular, a
 * regulation: list normative-type)? Its numbers are norms (fines, fees,
 * ages, limits), not targets to reach or results. */
static bool normative(const struct matcher *m, const nqx_doc *doc)
{
    const struct list *l = rules_list(m->rules, "normative-type");
    for (size_t i = 0; l && doc->meta.type && i < l->n; i++)
        if (!strcmp(l->entries[i].phrase, doc->meta.type))
            return true;
    /* A decision that issues a regulation or publishes procedures is
     * normative too: its title says so (list normative-title). So is a
     * text that names itself a law, a decree, a regulation again and
     * again, whatever its heading (a copy without one, a regulation
     * attached to a decision). */
    return (doc->meta.title && list_phrase_at(m->rules, "normative-title", doc->meta.title,
                                              strlen(doc->meta.title), false)) ||
           names_itself_normative(m->rules, doc->norm, doc->norm_len, NORMATIVE_SELF_MIN) >=
               NORMATIVE_SELF_MIN;
}

void targets_extract(struct matcher *m, nqx_doc *doc)
{
    if (normative(m, doc))
        return;
    struct engine E = {.m = m, .doc = doc, .t = doc->norm, .len = doc->norm_len};
    E.intro = E.root = (struct context){KIND_NONE, SIZE_MAX, 0, 0};
    for (size_t ls = 0; ls < E.len;) {
        const char *nl = memchr(E.t + ls, '\n', E.len - ls);
        size_t le = nl ? (size_t)(nl - E.t) : E.len;
        size_t bs = enter_line(&E, ls, le);
        E.table.ncells = (int)table_row_cells(E.t, ls, le, E.table.cell, TABLE_COLUMNS);
        if (!E.table.ncells) {
            E.table.in_table = E.table.header = false;
        } else if (!E.table.in_table) {
            E.table.in_table = true;
            read_header(&E);
            if (E.table.header) {
                ls = le + 1;
                continue;
            }
        }
        bool digit = false;
        for (size_t k = bs; k < le && !digit; k++)
            digit = (unsigned char)(E.t[k] - '0') < 10;
        size_t whole = 0, whole_level = 0;
        carried_whole(&E, ls, bs, le, &whole, &whole_level);
        if (digit) {
            process_line(&E, ls, bs, le, whole, whole_level);
            carry_whole(&E, le);
        }
        ls = le + 1;
    }
    free(E.q);
    free(E.cues);
    free(E.skip_ends);
}

const struct rules_engine rules_engines[] = {
    {"metadata", meta_extract},  {"dates", dates_extract},
    {"citations", refs_extract}, {"targets", targets_extract},
    {"periods", periods_assign}, {"bodies and tasks", bodies_extract},
};
const size_t nrules_engines = sizeof rules_engines / sizeof *rules_engines;

void rules_run(struct matcher *m, nqx_doc *doc)
{
    for (size_t i = 0; i < nrules_engines; i++)
        rules_engines[i].run(m, doc);
}

nqx_status nqx_matcher_apply(nqx_matcher *matcher, nqx_doc *doc, nqx_error *err)
{
    (void)err;
    struct matcher *m = (struct matcher *)matcher;
    matcher_reset(m, doc);
    rules_run(m, doc);
    if (m->limit_hits)
        nqx_doc_warn(doc, 0,
                     "%zu rule match%s stopped at the match limit; the text around them "
                     "may be missing findings",
                     m->limit_hits, m->limit_hits == 1 ? "" : "es");
    matcher_reset(m, NULL);
    return NQX_OK;
}

nqx_status nqx_rules_apply(const nqx_rules *rules, nqx_doc *doc, nqx_error *err)
{
    nqx_matcher *m = nqx_matcher_new(rules);
    nqx_status st = nqx_matcher_apply(m, doc, err);
    nqx_matcher_free(m);
    return st;
}
