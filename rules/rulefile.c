/* Loading rule files: parsing the line-oriented format (rules/README.md),
 * expanding vocabulary lists into patterns, compiling them with PCRE2, and
 * checking that every rule is complete and carries its examples. */
#include "rules/rules_int.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "normalize/normalize.h"


/* A rule file larger than this is refused (they are a few hundred lines). */
#define RULE_FILE_MAX (4u << 20)
/* Defines may use other defines, this deep at most (catches cycles). */
#define EXPAND_DEPTH 12

const char *const rule_role_names[ROLE_COUNT] = {
    "skip", "quantity", "comparator", "predicate", "kind",
    "frame", "children", "tail", "section", "block", "column",
    "date", "date-role", "reference", "ref-issuer", "meta", "body", "task", "furniture",
};

const char *const furniture_names[4] = {"header", "page-number", "stamp", "stamp-field"};

const char *const task_rule_names[4] = {"assign", "subject", "support", "delegate"};

const char *const part_names[2] = {"first", "last"};
const char *const meta_field_names[META_COUNT] = {
    "motto", "number", "place-date", "type", "level", "title-stop",
    "authority", "position", "recipients", "name", "body", "number-blank", "date-blank",
    "appendix",
};

const char *const column_names[4] = {"value", "unit", "other", "label"};

/* ---- Small helpers ------------------------------------------------- */

size_t collapse_blanks(char *s, size_t n)
{
    size_t w = 0;
    bool space = false;
    for (size_t r = 0; r < n; r++) {
        char c = s[r];
        if (c == ' ' || c == '\t' || c == '\n') {
            space = w > 0;
            continue;
        }
        if (space)
            s[w++] = ' ';
        space = false;
        s[w++] = c;
    }
    s[w] = '\0';
    return w;
}

/* The lower case of the code points below LOWER_LIMIT (the Latin letters,
 * Vietnamese's among them), ICU's simple mapping, where it is also the full
 * mapping fold_text asks ICU for: all but U+0130, whose lower case is two
 * code points, and U+03A3, whose lower case depends on the letter after it.
 * 0 marks those (and U+0000): a text that holds one goes through ICU. */
#define LOWER_LIMIT 0x2000
static uint16_t lower_table[LOWER_LIMIT];
static pthread_once_t lower_once = PTHREAD_ONCE_INIT;

static void init_lower_table(void)
{
    for (UChar32 c = 1; c < LOWER_LIMIT; c++)
        lower_table[c] = (uint16_t)u_tolower(c);
    lower_table[0x130] = lower_table[0x3A3] = 0;
}

/* Lower-cases s[0, len) into out by lower_table; false, out left as it
 * may be, when a character is not in it (or s is not UTF-8). */
static bool lower_by_table(const char *s, size_t len, nqx_buf *out)
{
    pthread_once(&lower_once, init_lower_table);
    /* A lower case takes at most half as many bytes again (Ⱥ → ⱥ). */
    nqx_buf_reserve(out, len + len / 2 + 4);
    size_t o = 0;
    for (int32_t i = 0, n = (int32_t)len; i < n;) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c <= 0 || c >= LOWER_LIMIT || !lower_table[c])
            return false;
        U8_APPEND_UNSAFE(out->data, o, lower_table[c]);
    }
    out->len = o;
    out->data[o] = '\0';
    return true;
}

char *fold_text(const char *s, size_t len)
{
    nqx_buf out = {0};
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16 = 0;
    size_t ascii = 0;
    while (ascii < len && (unsigned char)s[ascii] < 0x80)
        ascii++;
    if (ascii == len) { /* ASCII lower-cases alone, in Vietnamese too */
        nqx_buf_reserve(&out, len + 1);
        for (size_t i = 0; i < len; i++)
            out.data[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] | 0x20) : s[i];
        out.len = len;
        out.data[len] = '\0';
    } else if (len < (1u << 24) && !lower_by_table(s, len, &out)) {
        /* A character beyond the table: ICU lower-cases the text. */
        nqx_buf_clear(&out);
        UChar stack16[256], lower16[512];
        UChar *src = stack16, *dst = lower16;
        /* UTF-16 takes at most one unit for each byte of UTF-8. */
        if (len >= 256)
            src = nqx_xmalloc((len + 1) * sizeof *src);
        u_strFromUTF8(src, (int32_t)len + 1, &n16, s, (int32_t)len, &st);
        int32_t cap = 2 * n16 + 8;
        if (cap > 512)
            dst = nqx_xmalloc((size_t)cap * sizeof *dst);
        int32_t nl = u_strToLower(dst, cap, src, n16, "vi", &st);
        int32_t n8 = 0;
        if (U_SUCCESS(st)) {
            nqx_buf_reserve(&out, (size_t)nl * 3 + 1);
            u_strToUTF8(out.data, (int32_t)out.cap, &n8, dst, nl, &st);
            out.len = U_SUCCESS(st) ? (size_t)n8 : 0;
            out.data[out.len] = '\0';
        }
        if (src != stack16)
            free(src);
        if (dst != lower16)
            free(dst);
    }
    if (U_FAILURE(st) || !out.data)
        nqx_buf_clear(&out), nqx_buf_add(&out, s, len);
    out.len = collapse_blanks(out.data, out.len);
    return nqx_buf_steal(&out);
}

const struct list *rules_list(const nqx_rules *rules, const char *name)
{
    if (!rules->lists_by_name) {
        for (size_t i = 0; i < rules->nlists; i++)
            if (!strcmp(rules->lists[i].name, name))
                return &rules->lists[i];
        return NULL;
    }
    size_t lo = 0, hi = rules->nlists;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rules->lists_by_name[mid]->name, name);
        if (!c)
            return rules->lists_by_name[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int list_by_name(const void *a, const void *b)
{
    return strcmp((*(const struct list *const *)a)->name, (*(const struct list *const *)b)->name);
}

/* Names are unique (checked when the files are read). */
/* Equal phrases keep their file order. */
static int by_folded_then_order(const void *a, const void *b)
{
    const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
    int c = strcmp(x->folded, y->folded);
    return c ? c : (x > y) - (x < y);
}

static void index_lists(nqx_rules *r)
{
    const struct list **v = nqx_xmalloc((r->nlists ? r->nlists : 1) * sizeof *v);
    for (size_t i = 0; i < r->nlists; i++) {
        struct list *l = &r->lists[i];
        v[i] = l;
        if (l->is_define || !l->n)
            continue;
        const struct entry **e = nqx_xmalloc(l->n * sizeof *e);
        for (size_t k = 0; k < l->n; k++)
            e[k] = &l->entries[k];
        qsort(e, l->n, sizeof *e, by_folded_then_order);
        l->sorted = e;
    }
    qsort(v, r->nlists, sizeof *v, list_by_name);
    r->lists_by_name = v;
    r->open_end = rules_list(r, "open-end");
}

const char *nqx_rules_list_entry(const nqx_rules *rules, const char *list, size_t i,
                                 const char **value)
{
    const struct list *l = rules_list(rules, list);
    if (value)
        *value = NULL;
    if (!l || l->is_define || i >= l->n)
        return NULL;
    if (value)
        *value = l->entries[i].value;
    return l->entries[i].phrase;
}

static int by_folded(const void *a, const void *b)
{
    return strcmp((*(const struct entry *const *)a)->folded,
                  (*(const struct entry *const *)b)->folded);
}

static void index_units(nqx_rules *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nlists; i++)
        if (!r->lists[i].is_define && !strncmp(r->lists[i].name, "unit", 4))
            n += r->lists[i].n;
    r->units = nqx_xmalloc((n + 1) * sizeof *r->units);
    r->nunits = 0;
    for (size_t i = 0; i < r->nlists; i++)
        if (!r->lists[i].is_define && !strncmp(r->lists[i].name, "unit", 4))
            for (size_t k = 0; k < r->lists[i].n; k++)
                r->units[r->nunits++] = &r->lists[i].entries[k];
    qsort(r->units, r->nunits, sizeof *r->units, by_folded);
}

const struct entry *unit_lookup(const nqx_rules *r, const char *text, size_t len)
{
    char *f = fold_text(text, len);
    struct entry key = {.folded = f};
    const struct entry *k = &key;
    const struct entry **hit = bsearch(&k, r->units, r->nunits, sizeof *r->units, by_folded);
    free(f);
    return hit ? *hit : NULL;
}

/* -1, 0 or 1 as the folded phrase e sorts before, equal to or after
 * f[0, n). */
static int folded_cmp(const struct entry *e, const char *f, size_t n)
{
    int c = strncmp(e->folded, f, n);
    return c ? c : e->folded[n] ? 1 : 0;
}

const struct entry *list_find(const struct list *l, const char *folded, size_t len)
{
    if (!l)
        return NULL;
    if (!l->sorted) { /* still loading */
        for (size_t i = 0; i < l->n; i++)
            if (!folded_cmp(&l->entries[i], folded, len))
                return &l->entries[i];
        return NULL;
    }
    size_t lo = 0, hi = l->n;
    while (lo < hi) { /* the first entry not before folded */
        size_t mid = lo + (hi - lo) / 2;
        if (folded_cmp(l->sorted[mid], folded, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && !folded_cmp(l->sorted[lo], folded, len) ? l->sorted[lo] : NULL;
}

const struct entry *list_lookup(const struct list *l, const char *text, size_t len)
{
    if (!l)
        return NULL;
    char *f = fold_text(text, len);
    const struct entry *found = list_find(l, f, strlen(f));
    free(f);
    return found;
}

/* Does the folded text of s[0, n) open (or, with at_end, end) with a
 * phrase of list `name`, as a whole word or words ("Căn cứ" of list
 * "basis", "tầm nhìn đến năm" of list "horizon")? */
bool list_phrase_at(const nqx_rules *r, const char *name, const char *s, size_t n,
                    bool at_end)
{
    const struct list *l = rules_list(r, name);
    if (!l || !n)
        return false;
    char *f = fold_text(s, n);
    size_t fl = strlen(f);
    while (at_end && fl && f[fl - 1] == ' ')
        fl--;
    bool found = false;
    for (size_t k = 0; k < l->n && !found; k++) {
        const char *p = l->entries[k].folded;
        size_t el = strlen(p);
        if (el > fl)
            continue;
        found = at_end
                    ? !strncmp(f + fl - el, p, el) && (el == fl || f[fl - el - 1] == ' ')
                    : !strncmp(f, p, el) && (f[el] == ' ' || f[el] == ',' || !f[el]);
    }
    free(f);
    return found;
}

/* The longest phrase phrase_before and phrase_opens look for, in bytes. */
#define PHRASE_BEFORE_MAX 40
#define PHRASE_OPENING_MAX 32

bool phrase_opens(const nqx_rules *r, const char *name, const char *s, size_t n)
{
    return list_phrase_at(
        r, name, s, nqx_utf8_floor(s, n < PHRASE_OPENING_MAX ? n : PHRASE_OPENING_MAX),
        false);
}

bool phrase_before(const nqx_rules *r, const char *name, const char *t, size_t s,
                   size_t i)
{
    size_t from = i - s > PHRASE_BEFORE_MAX ? i - PHRASE_BEFORE_MAX : s;
    while (from < i && ((unsigned char)t[from] & 0xC0) == 0x80)
        from++;
    return list_phrase_at(r, name, t + from, i - from, true);
}

/* ---- Parsing ------------------------------------------------------- */

struct parser {
    nqx_rules *rules;
    const char *file;
    nqx_error *err;
    /* The block being read. */
    enum { BLOCK_NONE, BLOCK_LIST, BLOCK_DEFINE, BLOCK_RULE } block;
    size_t index;      /* into lists or rules */
    size_t field_indent;
    nqx_buf *field;    /* value being continued, or NULL */
    bool field_is_pattern; /* continued without a space: regex tokens */
    size_t field_line;
};

/* Field values of a rule before compilation. */
struct raw_rule {
    nqx_buf role, pattern, before, after, set, groups, note;
    size_t role_line, pattern_line, before_line, after_line, set_line, groups_line;
};

struct raw_rules {
    struct raw_rule *v;
    size_t n, cap;
};

static nqx_status parse_error(struct parser *p, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static nqx_status parse_error(struct parser *p, size_t line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return nqx_error_set(p->err, NQX_E_ENV, p->file, line, 0, -1, "%s", msg);
}

static bool valid_name(const char *s, size_t n)
{
    if (!n || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '.' || s[i] == '_'))
            return false;
    return true;
}

static nqx_status start_block(struct parser *p, struct raw_rules *raw, const char *s,
                              size_t n, size_t line)
{
    const char *sp = memchr(s, ' ', n);
    size_t kw = sp ? (size_t)(sp - s) : n;
    const char *name = sp ? sp + 1 : s + n;
    while (name < s + n && *name == ' ')
        name++;
    size_t nlen = (size_t)(s + n - name);
    if (!nlen || !valid_name(name, nlen))
        return parse_error(p, line,
                           "expected 'list NAME', 'define NAME' or 'rule ID' (names are "
                           "lower-case letters, digits, '-', '.', '_'), got '%.*s'",
                           (int)(n < 60 ? n : 60), s);
    nqx_rules *r = p->rules;
    p->field = NULL;
    p->field_indent = 0;
    if ((kw == 4 && !strncmp(s, "list", 4)) || (kw == 6 && !strncmp(s, "define", 6))) {
        void *v = r->lists;
        nqx_grow(&v, &r->lists_cap, r->nlists + 1, sizeof *r->lists);
        r->lists = v;
        struct list *l = &r->lists[r->nlists];
        memset(l, 0, sizeof *l);
        l->name = nqx_xstrndup(name, nlen);
        l->file = nqx_xstrdup(p->file);
        l->line = line;
        l->is_define = kw == 6;
        p->index = r->nlists++;
        p->block = l->is_define ? BLOCK_DEFINE : BLOCK_LIST;
        return NQX_OK;
    }
    if (kw == 4 && !strncmp(s, "rule", 4)) {
        void *v = r->rules;
        nqx_grow(&v, &r->rules_cap, r->nrules + 1, sizeof *r->rules);
        r->rules = v;
        struct rule *ru = &r->rules[r->nrules];
        memset(ru, 0, sizeof *ru);
        ru->id = nqx_xstrndup(name, nlen);
        ru->file = nqx_xstrdup(p->file);
        ru->line = line;
        ru->comparator = ru->change = ru->kind = ru->column = -1;
        ru->date_role = ru->part = ru->field = ru->task = ru->furniture = -1;
        ru->scope = SCOPE_CLAUSE;
        ru->window = WINDOW_BEFORE;
        ru->first_example = r->nexamples;
        v = raw->v;
        nqx_grow(&v, &raw->cap, raw->n + 1, sizeof *raw->v);
        raw->v = v;
        memset(&raw->v[raw->n++], 0, sizeof *raw->v);
        p->index = r->nrules++;
        p->block = BLOCK_RULE;
        return NQX_OK;
    }
    return parse_error(p, line, "unknown block '%.*s': expected list, define or rule",
                       (int)kw, s);
}

static void add_example(struct parser *p, const char *value, size_t n, size_t line,
                        bool counter)
{
    nqx_rules *r = p->rules;
    void *v = r->examples;
    nqx_grow(&v, &r->examples_cap, r->nexamples + 1, sizeof *r->examples);
    r->examples = v;
    struct example *ex = &r->examples[r->nexamples++];
    const char *arrow = NULL;
    for (size_t i = 0; i + 2 < n; i++)
        if (value[i] == ' ' && value[i + 1] == '=' && value[i + 2] == '>') {
            arrow = value + i;
            break;
        }
    size_t tl = arrow ? (size_t)(arrow - value) : n;
    while (tl && value[tl - 1] == ' ')
        tl--;
    /* A backslash-n in an example stands for a line break (a heading, then an
     * item under it). */
    nqx_buf text = {0};
    for (size_t i = 0; i < tl; i++) {
        if (value[i] == '\\' && i + 1 < tl && value[i + 1] == 'n') {
            nqx_buf_addc(&text, '\n');
            i++;
        } else {
            nqx_buf_addc(&text, value[i]);
        }
    }
    if (!text.data)
        nqx_buf_reserve(&text, 0);
    ex->pub.text = nqx_buf_steal(&text);
    if (arrow) {
        const char *e = arrow + 3;
        while (*e == ' ')
            e++;
        ex->pub.expect = nqx_xstrndup(e, (size_t)(value + n - e));
    } else {
        ex->pub.expect = nqx_xstrdup("");
    }
    ex->pub.counter = counter;
    ex->pub.file = p->file;
    ex->pub.line = line;
    ex->pub.rule = r->rules[p->index].id;
    r->rules[p->index].nexamples++;
}

static nqx_status parse_field(struct parser *p, struct raw_rules *raw, const char *s,
                              size_t n, size_t line, size_t indent)
{
    /* A continuation line: deeper than the fields, after a field. */
    if (p->field && p->field_indent && indent > p->field_indent) {
        if (!p->field_is_pattern)
            nqx_buf_addc(p->field, ' ');
        nqx_buf_add(p->field, s, n);
        return NQX_OK;
    }
    const char *colon = memchr(s, ':', n);
    size_t kl = colon ? (size_t)(colon - s) : 0;
    if (!colon || !kl)
        return parse_error(p, line, "expected 'key: value', got '%.*s'",
                           (int)(n < 60 ? n : 60), s);
    const char *v = colon + 1;
    while (v < s + n && *v == ' ')
        v++;
    size_t vl = (size_t)(s + n - v);
    p->field_indent = indent;
    p->field = NULL;
    p->field_is_pattern = (kl == 7 && !strncmp(s, "pattern", 7)) ||
                          (kl == 6 && !strncmp(s, "before", 6)) ||
                          (kl == 5 && !strncmp(s, "after", 5));
    p->field_line = line;

    if (p->block == BLOCK_DEFINE) {
        struct list *l = &p->rules->lists[p->index];
        if (kl == 7 && !strncmp(s, "pattern", 7)) {
            if (l->pattern.len)
                return parse_error(p, line, "define '%s' has two patterns", l->name);
            nqx_buf_add(&l->pattern, v, vl);
            p->field = &l->pattern;
            return NQX_OK;
        }
        if (kl == 4 && !strncmp(s, "note", 4))
            return NQX_OK;
        return parse_error(p, line, "a define has only 'pattern:' and 'note:', not '%.*s'",
                           (int)kl, s);
    }

    struct raw_rule *rr = &raw->v[raw->n - 1];
    struct {
        const char *key;
        nqx_buf *buf;
        size_t *line;
    } fields[] = {
        {"role", &rr->role, &rr->role_line},
        {"pattern", &rr->pattern, &rr->pattern_line},
        {"before", &rr->before, &rr->before_line},
        {"after", &rr->after, &rr->after_line},
        {"set", &rr->set, &rr->set_line},
        {"groups", &rr->groups, &rr->groups_line},
        {"note", &rr->note, NULL},
    };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        if (strlen(fields[i].key) != kl || strncmp(s, fields[i].key, kl))
            continue;
        if (fields[i].buf->len)
            return parse_error(p, line, "field '%s' given twice", fields[i].key);
        nqx_buf_add(fields[i].buf, v, vl);
        if (!fields[i].buf->data)
            nqx_buf_reserve(fields[i].buf, 0);
        if (fields[i].line)
            *fields[i].line = line;
        p->field = fields[i].buf;
        return NQX_OK;
    }
    if (kl == 7 && !strncmp(s, "example", 7)) {
        add_example(p, v, vl, line, false);
        return NQX_OK;
    }
    if (kl == 7 && !strncmp(s, "counter", 7)) {
        add_example(p, v, vl, line, true);
        return NQX_OK;
    }
    return parse_error(p, line,
                       "unknown field '%.*s' (role, pattern, before, after, set, groups, "
                       "example, counter, note)",
                       (int)kl, s);
}

static nqx_status parse_entry(struct parser *p, const char *s, size_t n)
{
    struct list *l = &p->rules->lists[p->index];
    void *v = l->entries;
    nqx_grow(&v, &l->cap, l->n + 1, sizeof *l->entries);
    l->entries = v;
    struct entry *e = &l->entries[l->n++];
    const char *eq = NULL;
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == ' ' && s[i + 1] == '=' && s[i + 2] == ' ') {
            eq = s + i;
            break;
        }
    size_t pl = eq ? (size_t)(eq - s) : n;
    e->phrase = nqx_xstrndup(s, pl);
    e->folded = fold_text(s, pl);
    e->value = eq ? nqx_xstrndup(eq + 3, (size_t)(s + n - eq - 3)) : NULL;
    return NQX_OK;
}

static nqx_status parse_file(nqx_rules *rules, struct raw_rules *raw, const char *file,
                             nqx_error *err)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return nqx_error_set(err, NQX_E_ENV, file, 0, 0, -1, "cannot open rule file: %s",
                             strerror(errno));
    nqx_buf b = {0};
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        nqx_buf_add(&b, chunk, got);
        if (b.len > RULE_FILE_MAX)
            break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed || b.len > RULE_FILE_MAX) {
        nqx_buf_free(&b);
        return nqx_error_set(err, NQX_E_ENV, file, 0, 0, -1,
                             failed ? "cannot read rule file" : "rule file too large");
    }
    /* Valid UTF-8, checked with the line it fails on. */
    size_t line = 1;
    for (int32_t i = 0, n = (int32_t)b.len; i < n;) {
        UChar32 c;
        int32_t at = i;
        U8_NEXT((const uint8_t *)b.data, i, n, c);
        if (c < 0) {
            nqx_buf_free(&b);
            return nqx_error_set(err, NQX_E_ENV, file, line, 0, at,
                                 "invalid UTF-8 in rule file; save it as UTF-8");
        }
        if (c == '\n')
            line++;
    }
    size_t nlen;
    char *text = nqx_normalize_string(b.data ? b.data : "", b.len, &nlen);
    nqx_buf_free(&b);

    struct parser p = {.rules = rules, .file = file, .err = err};
    nqx_status st = NQX_OK;
    line = 0;
    for (char *s = text; st == NQX_OK && s < text + nlen;) {
        char *e = memchr(s, '\n', (size_t)(text + nlen - s));
        if (!e)
            e = text + nlen;
        line++;
        size_t n = (size_t)(e - s);
        char *next = e + 1;
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        size_t indent = 0, k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t'))
            indent += s[k++] == '\t' ? 4 : 1;
        const char *body = s + k;
        size_t bl = n - k;
        if (bl == 0 || body[0] == '#') {
            s = next;
            continue;
        }
        if (indent == 0)
            st = start_block(&p, raw, body, bl, line);
        else if (p.block == BLOCK_NONE)
            st = parse_error(&p, line, "indented line outside a block");
        else if (p.block == BLOCK_LIST)
            st = parse_entry(&p, body, bl);
        else
            st = parse_field(&p, raw, body, bl, line, indent);
        s = next;
    }
    free(text);
    return st;
}

/* ---- Expanding {list} references and compiling ----------------------- */

/* A list becomes a prefix tree of its phrases, emitted as a regex, so that
 * matching costs the length of the phrase rather than the number of phrases
 * (PCRE2 would try a flat alternation branch by branch). Branches are keyed
 * by case-folded code point, as patterns are caseless; a space in a phrase
 * matches any run of white space. A phrase that is a prefix of a longer one
 * makes the rest optional and greedy, so the longest phrase wins. */
struct trie {
    UChar32 key;      /* folded code point; 0x20 for white space */
    char atom[8];     /* its text in the regex */
    bool terminal;    /* a phrase ends here */
    struct trie *kids;
    size_t nkids, cap;
};

static void trie_add(struct trie *t, const char *s, size_t n)
{
    for (int32_t i = 0; i < (int32_t)n;) {
        UChar32 c;
        int32_t at = i;
        U8_NEXT(s, i, (int32_t)n, c);
        if (c < 0)
            continue;
        char atom[8];
        UChar32 key;
        if (c == ' ') {
            while (i < (int32_t)n && s[i] == ' ')
                i++;
            key = ' ';
            snprintf(atom, sizeof atom, "[ \\n]+");
        } else {
            key = u_foldCase(c, U_FOLD_CASE_DEFAULT);
            size_t k = 0;
            if (c < 0x80 && strchr("\\^$.|?*+()[]{}/#-", (int)c))
                atom[k++] = '\\';
            memcpy(atom + k, s + at, (size_t)(i - at));
            atom[k + (size_t)(i - at)] = '\0';
        }
        struct trie *next = NULL;
        for (size_t k = 0; k < t->nkids && !next; k++)
            if (t->kids[k].key == key)
                next = &t->kids[k];
        if (!next) {
            void *v = t->kids;
            nqx_grow(&v, &t->cap, t->nkids + 1, sizeof *t->kids);
            t->kids = v;
            next = &t->kids[t->nkids++];
            memset(next, 0, sizeof *next);
            next->key = key;
            memcpy(next->atom, atom, sizeof atom);
        }
        t = next;
    }
    t->terminal = true;
}

static void trie_emit(const struct trie *t, nqx_buf *b)
{
    if (!t->nkids)
        return;
    bool group = t->nkids > 1 || t->terminal;
    if (group)
        nqx_buf_adds(b, "(?:");
    for (size_t k = 0; k < t->nkids; k++) {
        if (k)
            nqx_buf_addc(b, '|');
        nqx_buf_adds(b, t->kids[k].atom);
        trie_emit(&t->kids[k], b);
    }
    if (group)
        nqx_buf_adds(b, t->terminal ? ")?" : ")");
}

static void trie_free(struct trie *t)
{
    for (size_t k = 0; k < t->nkids; k++)
        trie_free(&t->kids[k]);
    free(t->kids);
}

struct expansion {
    nqx_buf out;
    size_t *src; /* for each output byte, the source offset it comes from */
    size_t src_cap;
    bool in_class; /* inside a [...] character class */
    const struct list *called[8]; /* the lists {&name} calls, each once */
    size_t ncalled;
};

/* The group a list called with {&name} is defined as: "nqx_" and its name,
 * '-' and '.' made '_'. It begins with nqx_, which no rule's groups use, and
 * check_groups lets it be. */
#define CALLED_PREFIX "nqx_"

static bool called_group_name(const char *list, char *out, size_t size)
{
    size_t n = strlen(list);
    if (sizeof CALLED_PREFIX - 1 + n + 1 > size || sizeof CALLED_PREFIX - 1 + n > 32)
        return false; /* PCRE2 names are at most 32 characters */
    memcpy(out, CALLED_PREFIX, sizeof CALLED_PREFIX - 1);
    for (size_t i = 0; i <= n; i++)
        out[sizeof CALLED_PREFIX - 1 + i] =
            list[i] == '-' || list[i] == '.' ? '_' : list[i];
    return true;
}

/* The rules read normalized text, where white space is a single ' ' or a
 * line break and numbers are ASCII digits. \d, \s and \S are compiled to
 * exactly those characters: with UCP they would test Unicode properties,
 * which makes every pattern that scans text two or three times slower. */
static const char *ascii_escape(char e, bool in_class)
{
    switch (e) {
    case 'd':
        return in_class ? "0-9" : "[0-9]";
    case 's':
        return in_class ? " \\n" : "[ \\n]";
    case 'S':
        return in_class ? NULL : "[^ \\n]";
    case 'D':
        return in_class ? NULL : "[^0-9]";
    default:
        return NULL;
    }
}

/* The entries of vocabulary list l as one alternation, into l->pattern. */
static void list_alternation(struct list *l)
{
    struct trie root = {0};
    for (size_t k = 0; k < l->n; k++)
        trie_add(&root, l->entries[k].phrase, strlen(l->entries[k].phrase));
    l->pattern.len = 0;
    trie_emit(&root, &l->pattern);
    trie_free(&root);
}

static void record_src(struct expansion *x, size_t upto, size_t origin)
{
    void *v = x->src;
    nqx_grow(&v, &x->src_cap, upto + 1, sizeof *x->src);
    x->src = v;
    for (size_t i = x->out.len; i < upto; i++)
        x->src[i] = origin;
}

/* {&name}: the call of list l (NULL when there is none) into x->out, the
 * list noted for compile_pattern to define once. */
static nqx_status call_list(struct expansion *x, const struct list *l, const char *name,
                            size_t origin, const char *file, size_t line, nqx_error *err)
{
    char group[40];
    if (!l || l->is_define)
        return nqx_error_set(
            err, NQX_E_ENV, file, line, 0, (long long)origin, "{&%s}: %s", name,
            l ? "a define cannot be called, only a list" : "unknown list");
    if (!called_group_name(name, group, sizeof group))
        return nqx_error_set(err, NQX_E_ENV, file, line, 0, (long long)origin,
                             "{&%s}: the list's name is too long to call", name);
    size_t k = 0;
    while (k < x->ncalled && x->called[k] != l)
        k++;
    if (k == x->ncalled) {
        if (k == sizeof x->called / sizeof *x->called)
            return nqx_error_set(err, NQX_E_ENV, file, line, 0, (long long)origin,
                                 "{&%s}: a pattern calls at most %zu lists", name,
                                 sizeof x->called / sizeof *x->called);
        x->called[x->ncalled++] = l;
    }
    nqx_buf_printf(&x->out, "(?&%s)", group);
    record_src(x, x->out.len, origin);
    return NQX_OK;
}

static nqx_status expand(const nqx_rules *r, const char *s, size_t n, struct expansion *x,
                         int depth, bool top, size_t top_origin, const char *file,
                         size_t line, nqx_error *err)
{
    if (depth > EXPAND_DEPTH)
        return nqx_error_set(err, NQX_E_ENV, file, line, 0, -1,
                             "defines nest too deep (a define that uses itself?)");
    for (size_t i = 0; i < n;) {
        size_t origin = top ? i : top_origin;
        if (s[i] == '\\' && i + 1 < n) {
            const char *a = ascii_escape(s[i + 1], x->in_class);
            if (a)
                nqx_buf_adds(&x->out, a);
            else
                nqx_buf_add(&x->out, s + i, 2);
            record_src(x, x->out.len, origin);
            i += 2;
            continue;
        }
        if (x->in_class && s[i] == '[' && i + 1 < n && s[i + 1] == ':') {
            /* A POSIX class such as [:alpha:] inside a class. */
            size_t j = i + 2;
            while (j + 1 < n && !(s[j] == ':' && s[j + 1] == ']'))
                j++;
            size_t e = j + 1 < n ? j + 2 : n;
            nqx_buf_add(&x->out, s + i, e - i);
            record_src(x, x->out.len, origin);
            i = e;
            continue;
        }
        if (!x->in_class && s[i] == '[') {
            /* "[]...]" and "[^]...]": a ']' first is a member. */
            size_t j = i + 1;
            if (j < n && s[j] == '^')
                j++;
            if (j < n && s[j] == ']')
                j++;
            nqx_buf_add(&x->out, s + i, j - i);
            record_src(x, x->out.len, origin);
            x->in_class = true;
            i = j;
            continue;
        }
        if (x->in_class && s[i] == ']')
            x->in_class = false;
        if (s[i] == '{') {
            /* {name}, or {&name}: a call of the list's one copy (call_list). */
            bool call = i + 1 < n && s[i + 1] == '&';
            size_t a = i + 1 + call, j = a;
            while (j < n && s[j] != '}')
                j++;
            if (j < n && valid_name(s + a, j - a)) {
                char name[128];
                snprintf(name, sizeof name, "%.*s", (int)(j - a), s + a);
                const struct list *l = rules_list(r, name);
                if (call) {
                    nqx_status st = call_list(x, l, name, origin, file, line, err);
                    if (st)
                        return st;
                    i = j + 1;
                    continue;
                }
                if (!l)
                    return nqx_error_set(err, NQX_E_ENV, file, line, 0, (long long)origin,
                                         "unknown list or define {%s}", name);
                nqx_buf_adds(&x->out, "(?:");
                if (l->is_define) {
                    record_src(x, x->out.len, origin);
                    nqx_status st = expand(r, l->pattern.data ? l->pattern.data : "",
                                           l->pattern.len, x, depth + 1, false, origin,
                                           file, line, err);
                    if (st)
                        return st;
                } else {
                    nqx_buf_add(&x->out, l->pattern.data ? l->pattern.data : "", l->pattern.len);
                }
                nqx_buf_addc(&x->out, ')');
                record_src(x, x->out.len, origin);
                i = j + 1;
                continue;
            }
        }
        nqx_buf_addc(&x->out, s[i]);
        record_src(x, x->out.len, origin);
        i++;
    }
    return NQX_OK;
}

static void index_groups(struct pattern *p)
{
    uint32_t count = 0, size = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(p->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(p->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info(p->code, PCRE2_INFO_NAMETABLE, &table);
    p->groups = nqx_xcalloc(count + 1, sizeof *p->groups);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = table + i * size;
        p->groups[i].number = (uint16_t)(e[0] << 8 | e[1]);
        snprintf(p->groups[i].name, sizeof p->groups[i].name, "%s", (const char *)e + 2);
    }
    p->ngroups = count;
}

static nqx_status compile_pattern(nqx_rules *r, struct pattern *p, const nqx_buf *src,
                                  size_t line, uint32_t flags, const char *file,
                                  const char *what, nqx_error *err)
{
    p->line = line;
    if (!src->len)
        return NQX_OK;
    struct expansion x = {0};
    nqx_status st = expand(r, src->data, src->len, &x, 0, true, 0, file, line, err);
    if (st) {
        nqx_buf_free(&x.out);
        free(x.src);
        return st;
    }
    /* The lists the pattern calls, once each, where nothing matches them
     * but the calls: under the pattern's own options, at its top level. */
    for (size_t k = 0; k < x.ncalled; k++) {
        char group[40];
        called_group_name(x.called[k]->name, group, sizeof group);
        nqx_buf_printf(&x.out, "(?(DEFINE)(?<%s>", group);
        nqx_buf_add(&x.out, x.called[k]->pattern.data ? x.called[k]->pattern.data : "",
                    x.called[k]->pattern.len);
        nqx_buf_adds(&x.out, "))");
        record_src(&x, x.out.len, src->len);
    }
    int code;
    PCRE2_SIZE off;
    p->code = pcre2_compile((PCRE2_SPTR)x.out.data, x.out.len,
                            PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_DUPNAMES | flags,
                            &code, &off, r->cctx);
    if (!p->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        size_t at = off < x.out.len && x.src ? x.src[off] : src->len;
        nqx_buf_free(&x.out);
        free(x.src);
        return nqx_error_set(err, NQX_E_ENV, file, line, 0, (long long)at, "%s: %s", what,
                             (char *)msg);
    }
    p->hot = nqx_xcalloc(1, sizeof *p->hot);
    p->anchored = flags & PCRE2_ANCHORED;
    p->src = nqx_buf_steal(&x.out);
    p->tail_gated = !(flags & PCRE2_MULTILINE) &&
                    tail_gate(p->src, flags & PCRE2_ENDANCHORED, &p->tail);
    index_groups(p);
    free(x.src);
    return NQX_OK;
}

static int parse_enum(const char *v, size_t n, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (names[i] && strlen(names[i]) == n && !strncmp(v, names[i], n))
            return (int)i;
    return -1;
}

static nqx_status parse_set(struct rule *ru, const nqx_buf *set, size_t line, nqx_error *err)
{
    static const char *const scopes[] = {NULL, "clause", "heading", "both", "sentence"};
    static const char *const yesno[] = {"no", "yes"};
    static const char *const forecasts[] = {"no", "yes", "projection"};
    int weak = 0, baseline = 0, forecast = 0;
    static const char *const changes[] = {"none", "increase", "decrease", "exceed"};
    const char *s = set->data ? set->data : "";
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq)
            return nqx_error_set(err, NQX_E_ENV, ru->file, line, 0, -1,
                                 "set: expected key=value, got '%.*s'", (int)(e - s), s);
        size_t kl = (size_t)(eq - s), vl = (size_t)(e - eq - 1);
        const char *v = eq + 1;
        int *slot = NULL, val = -1;
        if (kl == 10 && !strncmp(s, "comparator", 10))
            slot = &ru->comparator, val = parse_enum(v, vl, nqx_cmp_names, NQX_CMP_RANGE + 1);
        else if (kl == 6 && !strncmp(s, "change", 6))
            slot = &ru->change, val = parse_enum(v, vl, changes, 4);
        else if (kl == 4 && !strncmp(s, "kind", 4))
            slot = &ru->kind, val = parse_enum(v, vl, nqx_kind_names, 3);
        else if (kl == 5 && !strncmp(s, "scope", 5))
            slot = &ru->scope, val = parse_enum(v, vl, scopes, 5);
        else if (kl == 4 && !strncmp(s, "weak", 4))
            slot = &weak, val = parse_enum(v, vl, yesno, 2);
        else if (kl == 6 && !strncmp(s, "column", 6))
            slot = &ru->column, val = parse_enum(v, vl, column_names, 4);
        else if (kl == 9 && !strncmp(s, "date-role", 9))
            slot = &ru->date_role, val = parse_enum(v, vl, nqx_date_role_names, 6);
        else if (kl == 4 && !strncmp(s, "part", 4))
            slot = &ru->part, val = parse_enum(v, vl, part_names, 2);
        else if (kl == 8 && !strncmp(s, "baseline", 8))
            slot = &baseline, val = parse_enum(v, vl, yesno, 2);
        else if (kl == 8 && !strncmp(s, "forecast", 8))
            slot = &forecast, val = parse_enum(v, vl, forecasts, 3);
        else if (kl == 4 && !strncmp(s, "task", 4))
            slot = &ru->task, val = parse_enum(v, vl, task_rule_names, 4);
        else if (kl == 9 && !strncmp(s, "furniture", 9))
            slot = &ru->furniture, val = parse_enum(v, vl, furniture_names, 4);
        else if (kl == 5 && !strncmp(s, "field", 5))
            slot = &ru->field, val = parse_enum(v, vl, meta_field_names, META_COUNT);
        else if (kl == 6 && !strncmp(s, "starts", 6)) {
            if (!vl)
                return nqx_error_set(err, NQX_E_ENV, ru->file, line, 0, -1,
                                     "set: starts= needs 'capital' or list names");
            free(ru->starts);
            ru->starts = nqx_xstrndup(v, vl);
            s = e;
            continue;
        } else if (kl == 6 && !strncmp(s, "window", 6)) {
            int w = atoi(v);
            if (w < 8 || w > 400)
                return nqx_error_set(err, NQX_E_ENV, ru->file, line, 0, -1,
                                     "set: window=%.*s: give 8 to 400 bytes", (int)vl, v);
            ru->window = (size_t)w;
            s = e;
            continue;
        }
        if (!slot)
            return nqx_error_set(err, NQX_E_ENV, ru->file, line, 0, -1,
                                 "set: unknown key '%.*s' (baseline, column, comparator, "
                                 "change, date-role, field, forecast, furniture, kind, part, scope, "
                                 "starts, task, weak, window)",
                                 (int)kl, s);
        if (val < 0)
            return nqx_error_set(err, NQX_E_ENV, ru->file, line, 0, -1,
                                 "set: bad value '%.*s' for %.*s", (int)vl, v, (int)kl, s);
        *slot = val;
        s = e;
    }
    ru->weak = weak;
    ru->baseline = baseline;
    ru->forecast = (nqx_forecast)forecast;
    return NQX_OK;
}

/* Every named group of p must be described in the rule's groups: field. */
static nqx_status check_groups(const struct rule *ru, const struct pattern *p,
                               nqx_error *err)
{
    if (!p->code)
        return NQX_OK;
    uint32_t count = 0, size = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(p->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(p->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info(p->code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++) {
        const char *name = (const char *)table + i * size + 2;
        if (!strncmp(name, CALLED_PREFIX, sizeof CALLED_PREFIX - 1))
            continue; /* a list the pattern calls */
        char key[64];
        snprintf(key, sizeof key, "%s:", name);
        if (!ru->groups || !strstr(ru->groups, key))
            return nqx_error_set(err, NQX_E_ENV, ru->file, p->line, 0, -1,
                                 "rule %s: named group '%s' is not described in 'groups:' "
                                 "(write '%s: what it captures')",
                                 ru->id, name, name);
    }
    return NQX_OK;
}

/* The items of set: starts=…, one by one: *item gets the next (its length
 * is returned), 0 at the end. */
static size_t next_start_item(const char **c, const char **item)
{
    while (**c == ',')
        (*c)++;
    *item = *c;
    size_t n = strcspn(*c, ",");
    *c += n;
    return n;
}

static bool is_item(const char *item, size_t n, const char *name)
{
    return strlen(name) == n && !strncmp(item, name, n);
}

/* The list an item of set: starts=… names, or NULL (the rules are still
 * loading: no index by name yet). */
static const struct list *starts_list(const nqx_rules *r, const char *item, size_t n)
{
    for (size_t i = 0; i < r->nlists; i++)
        if (!r->lists[i].is_define && is_item(item, n, r->lists[i].name))
            return &r->lists[i];
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first words (case-folded, sorted, each once) of the entries of the
 * lists set: starts=… names; *untold when an entry has none (it starts
 * with a mark, or its first word is too long). The caller frees. */
static char **first_words(const nqx_rules *r, const char *starts, size_t *n, bool *untold)
{
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    *untold = false;
    const char *c = starts, *item;
    for (size_t len; (len = next_start_item(&c, &item));) {
        const struct list *l = starts_list(r, item, len);
        for (size_t k = 0; l && k < l->n; k++) {
            char w[GATE_WORD_MAX];
            const char *ph = l->entries[k].phrase;
            size_t wl = folded_word(ph, strlen(ph), 0, w, sizeof w);
            if (wl == SIZE_MAX || !wl) {
                *untold = true;
                continue;
            }
            void *p = v;
            nqx_grow(&p, &cap, *n + 1, sizeof *v);
            v = p;
            v[(*n)++] = nqx_xstrdup(w);
        }
    }
    if (*n)
        qsort(v, *n, sizeof *v, by_name);
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if (kept && !strcmp(v[i], v[kept - 1]))
            free(v[i]);
        else
            v[kept++] = v[i];
    }
    *n = kept;
    return v;
}

static void free_words(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool starts_capital(const char *starts)
{
    const char *c = starts, *item;
    for (size_t n; (n = next_start_item(&c, &item));)
        if (is_item(item, n, "capital"))
            return true;
    return false;
}

/* set: starts=… is compiled into the pattern as lookaheads before it, so
 * that what the scan's gate (struct gate) turns away could not match:
 * "capital" is a capital letter; list names, the first word of one of
 * their entries (in either case) ending before a letter or digit. The
 * pattern becomes GUARD(?:PATTERN); *skew is the length of GUARD(?:. */
static nqx_status guard_pattern(nqx_rules *r, struct rule *ru, nqx_buf *pattern, size_t line,
                                size_t *skew, nqx_error *err)
{
    *skew = 0;
    if (!ru->starts || !pattern->len)
        return NQX_OK;
    const char *c = ru->starts, *item;
    for (size_t n; (n = next_start_item(&c, &item));) {
        if (!is_item(item, n, "capital") && !starts_list(r, item, n))
            return nqx_error_set(err, NQX_E_ENV, ru->file, line, 0, -1,
                                 "rule %s: set: starts=%s: no list '%.*s' (give capital or "
                                 "names of lists)",
                                 ru->id, ru->starts, (int)n, item);
    }
    nqx_buf g = {0};
    if (starts_capital(ru->starts))
        nqx_buf_adds(&g, "(?-i:(?=\\p{Lu}))");
    size_t nwords;
    bool untold;
    char **words = first_words(r, ru->starts, &nwords, &untold);
    if (nwords && !untold) {
        nqx_buf_adds(&g, "(?=(?:");
        for (size_t i = 0; i < nwords; i++) {
            nqx_buf_adds(&g, i ? "|" : "");
            nqx_buf_adds(&g, words[i]);
        }
        nqx_buf_adds(&g, ")(?![\\p{L}\\d]))");
    }
    free_words(words, nwords);
    nqx_buf_adds(&g, "(?:");
    *skew = g.len;
    nqx_buf_add(&g, pattern->data, pattern->len);
    nqx_buf_addc(&g, ')');
    nqx_buf_free(pattern);
    *pattern = g;
    return NQX_OK;
}

static nqx_status finish_rule(nqx_rules *r, struct rule *ru, struct raw_rule *rr,
                              nqx_error *err)
{
    if (!rr->role.len)
        return nqx_error_set(err, NQX_E_ENV, ru->file, ru->line, 0, -1,
                             "rule %s has no 'role:'", ru->id);
    int role = parse_enum(rr->role.data, rr->role.len, rule_role_names, ROLE_COUNT);
    if (role < 0)
        return nqx_error_set(err, NQX_E_ENV, ru->file, rr->role_line, 0, -1,
                             "rule %s: unknown role '%s'", ru->id, rr->role.data);
    ru->role = (rule_role)role;
    nqx_status st = parse_set(ru, &rr->set, rr->set_line, err);
    if (st)
        return st;
    if (rr->groups.len)
        ru->groups = nqx_xstrdup(rr->groups.data);

    /* How the main pattern is anchored depends on the role. */
    uint32_t anchor = 0;
    switch (ru->role) {
    case ROLE_SKIP:
    case ROLE_QUANTITY:
    case ROLE_SECTION:
    case ROLE_BLOCK:
    case ROLE_FURNITURE:
    case ROLE_FRAME:
    case ROLE_COLUMN:
    case ROLE_REF_ISSUER:
        anchor = PCRE2_ANCHORED;
        break;
    case ROLE_KIND: /* a sentence's cue is tried at its start only */
        if (ru->scope == SCOPE_SENTENCE)
            anchor = PCRE2_ANCHORED;
        break;
    default:
        break;
    }
    size_t skew;
    if ((st = guard_pattern(r, ru, &rr->pattern, rr->set_line, &skew, err)))
        return st;
    if ((st = compile_pattern(r, &ru->pattern, &rr->pattern, rr->pattern_line, anchor,
                              ru->file, "pattern", err))) {
        /* Back to the pattern as written: without the guard in front of it
         * and the parenthesis closed after it. */
        if (err && skew && err->offset >= (long long)skew) {
            long long written = (long long)(rr->pattern.len - skew - 1);
            err->offset -= (long long)skew;
            if (err->offset > written)
                err->offset = written;
        }
        return st;
    }
    if (
        (st = compile_pattern(r, &ru->before, &rr->before, rr->before_line,
                              PCRE2_ENDANCHORED, ru->file, "before", err)) ||
        (st = compile_pattern(r, &ru->after, &rr->after, rr->after_line, PCRE2_ANCHORED,
                              ru->file, "after", err)))
        return st;

    const char *missing = NULL;
    bool has_pattern = ru->pattern.code, has_ctx = ru->before.code || ru->after.code;
    switch (ru->role) {
    case ROLE_SKIP:
        if (!has_pattern && !has_ctx)
            missing = "'pattern:' or 'before:'";
        break;
    case ROLE_COMPARATOR:
        if (!has_ctx)
            missing = "'before:' or 'after:'";
        else if (ru->comparator < 0)
            missing = "'set: comparator=…'";
        break;
    case ROLE_PREDICATE:
        if (!has_pattern)
            missing = "'pattern:'";
        else if (ru->change < 0)
            missing = "'set: change=…'";
        break;
    case ROLE_KIND:
        if (!has_pattern)
            missing = "'pattern:'";
        else if (ru->kind < 0)
            missing = "'set: kind=…'";
        break;
    case ROLE_COLUMN:
        if (!has_pattern)
            missing = "'pattern:'";
        else if (ru->column < 0)
            missing = "'set: column=…'";
        break;
    case ROLE_DATE_ROLE:
        if (!has_ctx)
            missing = "'before:' or 'after:'";
        else if (ru->date_role < 0)
            missing = "'set: date-role=…'";
        break;
    case ROLE_META:
        if (!has_pattern)
            missing = "'pattern:'";
        else if (ru->field < 0)
            missing = "'set: field=…'";
        break;
    case ROLE_TASK:
        if (!has_pattern)
            missing = "'pattern:'";
        else if (ru->task < 0)
            missing = "'set: task=…'";
        break;
    case ROLE_FURNITURE:
        if (!has_pattern)
            missing = "'pattern:'";
        else if (ru->furniture < 0)
            missing = "'set: furniture=…'";
        break;
    default:
        if (!has_pattern)
            missing = "'pattern:'";
        break;
    }
    if (missing)
        return nqx_error_set(err, NQX_E_ENV, ru->file, ru->line, 0, -1,
                             "rule %s (role %s) needs %s", ru->id, rule_role_names[ru->role],
                             missing);
    if ((st = check_groups(ru, &ru->pattern, err)) || (st = check_groups(ru, &ru->before, err)) ||
        (st = check_groups(ru, &ru->after, err)))
        return st;

    /* A rule is tested by its examples, or it does not load. */
    bool pos = false, neg = false;
    for (size_t i = ru->first_example; i < ru->first_example + ru->nexamples; i++) {
        if (r->examples[i].pub.counter)
            neg = true;
        else
            pos = true;
    }
    if (!pos || !neg)
        return nqx_error_set(err, NQX_E_ENV, ru->file, ru->line, 0, -1,
                             "rule %s needs at least one 'example:' and one 'counter:'",
                             ru->id);
    return NQX_OK;
}

/* Compiles a pattern made of rule patterns; `what` names them in the error. */
static nqx_status compile_combined(nqx_rules *r, struct pattern *p, const nqx_buf *src,
                                   uint32_t flags, const char *what, nqx_error *err)
{
    int code;
    PCRE2_SIZE off;
    p->code = pcre2_compile((PCRE2_SPTR)src->data, src->len,
                            PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_DUPNAMES | flags,
                            &code, &off, r->cctx);
    if (!p->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        return nqx_error_set(err, NQX_E_ENV, r->dir, 0, 0, -1, "%s do not combine: %s", what,
                             (char *)msg);
    }
    p->hot = nqx_xcalloc(1, sizeof *p->hot);
    return NQX_OK;
}

static nqx_status build_layout_any(nqx_rules *r, nqx_error *err)
{
    nqx_buf b = {0};
    for (size_t i = 0; i < r->nrules; i++) {
        const struct rule *ru = &r->rules[i];
        if ((ru->role != ROLE_SECTION && ru->role != ROLE_BLOCK) || !ru->pattern.src)
            continue;
        nqx_buf_printf(&b, "%s(?:%s)(*MARK:%zu)", b.len ? "|" : "", ru->pattern.src, i);
    }
    nqx_status st = b.len ? compile_combined(r, &r->layout_any, &b, PCRE2_ANCHORED,
                                             "section and block patterns", err)
                          : NQX_OK;
    if (!st && b.len)
        index_groups(&r->layout_any);
    nqx_buf_free(&b);
    return st;
}

/* The furniture rules in one pattern: a line is tested once, not once per
 * rule. Each rule's first match must cover the whole line, as when it is
 * tried alone: an atomic group keeps its first match, and the next rule is
 * tried when that does not reach the end. The mark names the rule. */
static nqx_status build_furniture_any(nqx_rules *r, nqx_error *err)
{
    nqx_buf b = {0};
    for (size_t i = 0; i < r->nby_role[ROLE_FURNITURE]; i++) {
        size_t k = r->by_role[ROLE_FURNITURE][i];
        if (r->rules[k].pattern.src)
            nqx_buf_printf(&b, "%s(?>%s)\\z(*MARK:%zu)", b.len ? "|" : "",
                           r->rules[k].pattern.src, k);
    }
    nqx_status st = b.len ? compile_combined(r, &r->furniture_any, &b, PCRE2_ANCHORED,
                                             "furniture patterns", err)
                          : NQX_OK;
    nqx_buf_free(&b);
    return st;
}

/* The words a pattern needs right before where it is tried, when it starts
 * by looking behind for them, as "(?<=từ[ \n]|từ)" does, and has no other
 * alternative: each alternative of the lookbehind is letters alone,
 * perhaps followed by one blank ([ \n], as \s is compiled). The
 * lookbehind then matches only where the word before the place (or before
 * the blank just before it) ends with one of them, case aside. Adds them,
 * folded, to f's words (once each) and returns true; false, adding
 * nothing, for anything else. */
static bool lookbehind_words(const char *src, struct family *f)
{
    if (strncmp(src, "(?<=", 4) || top_level_alternation(src))
        return false;
    char found[16][GATE_WORD_MAX];
    size_t nfound = 0;
    for (size_t i = 4;;) {
        size_t ws = i;
        for (;;) {
            UChar32 c;
            int32_t k = (int32_t)i;
            U8_NEXT(src, k, -1, c);
            /* Letters, which folded_word folds whole: a mark or anything
             * else ends the word. */
            if (c <= 0 || !(U_GET_GC_MASK(c) & U_GC_L_MASK))
                break;
            i = (size_t)k;
        }
        if (i == ws || nfound == sizeof found / sizeof *found ||
            folded_word(src + ws, i - ws, 0, found[nfound], GATE_WORD_MAX) == SIZE_MAX)
            return false;
        nfound++;
        if (!strncmp(src + i, "[ \\n]", 5))
            i += 5;
        if (src[i] == ')')
            break;
        if (src[i++] != '|')
            return false;
    }
    for (size_t k = 0; k < nfound; k++) {
        bool known = false;
        for (size_t j = 0; j < f->nwords && !known; j++)
            known = !strcmp(f->words[j], found[k]);
        if (known)
            continue;
        f->words = nqx_xrealloc(f->words, (f->nwords + 1) * sizeof *f->words);
        f->words[f->nwords++] = nqx_xstrdup(found[k]);
    }
    return true;
}

static nqx_status build_family(nqx_rules *r, struct family *f, rule_role role, nqx_error *err)
{
    f->n = r->nby_role[role];
    f->rule = nqx_xmalloc((f->n + 1) * sizeof *f->rule);
    f->same = nqx_xmalloc((f->n + 1) * sizeof *f->same);
    nqx_buf b = {0}, w = {0};
    uint32_t groups = 0;
    for (size_t k = 0; k < f->n; k++) {
        const struct rule *ru = &r->rules[r->by_role[role][k]];
        f->rule[k] = r->by_role[role][k];
        if (!ru->pattern.src) {
            nqx_buf_free(&b);
            nqx_buf_free(&w);
            return nqx_error_set(err, NQX_E_ENV, ru->file, ru->line, 0, -1,
                                 "rule %s needs a 'pattern:' (role %s)", ru->id,
                                 rule_role_names[role]);
        }
        /* A pattern written again by another rule is tried once: the
         * rule has the first one's match. */
        f->same[k] = SIZE_MAX;
        for (size_t j = 0; j < k && f->same[k] == SIZE_MAX; j++)
            if (f->same[j] == SIZE_MAX &&
                !strcmp(r->rules[f->rule[j]].pattern.src, ru->pattern.src))
                f->same[k] = j;
        if (f->same[k] != SIZE_MAX)
            continue;
        uint32_t own = 0;
        pcre2_pattern_info(ru->pattern.code, PCRE2_INFO_CAPTURECOUNT, &own);
        groups += own;
        nqx_buf *to = lookbehind_words(ru->pattern.src, f) ? &w : &b;
        nqx_buf_printf(to, "%s(?>%s)(?C\"%zu\")(*F)", to->len ? "|" : "", ru->pattern.src,
                       k);
    }
    char what[64];
    snprintf(what, sizeof what, "the %s rules", rule_role_names[role]);
    /* No start optimizations: they could decide that the pattern (which
     * never matches) need not be tried, and skip the callouts. */
    uint32_t flags = PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE;
    nqx_status st = b.len ? compile_combined(r, &f->all, &b, flags, what, err) : NQX_OK;
    if (!st && w.len)
        st = compile_combined(r, &f->after_word, &w, flags, what, err);
    nqx_buf_free(&b);
    nqx_buf_free(&w);
    if (groups > r->max_captures)
        r->max_captures = groups;
    return st;
}

/* All kind rules of a scope in one unanchored pattern, each alternative
 * marked with its rule index. */
static nqx_status build_cues(nqx_rules *r, struct pattern *p, int scope, nqx_error *err)
{
    nqx_buf b = {0};
    for (size_t i = 0; i < r->nby_role[ROLE_KIND]; i++) {
        const struct rule *ru = &r->rules[r->by_role[ROLE_KIND][i]];
        if (ru->scope & scope)
            nqx_buf_printf(&b, "%s(?:%s)(*MARK:%zu)", b.len ? "|" : "", ru->pattern.src,
                           r->by_role[ROLE_KIND][i]);
    }
    nqx_status st = b.len ? compile_combined(r, p, &b, 0, "the kind rules", err) : NQX_OK;
    nqx_buf_free(&b);
    return st;
}

/* The bytes a rule's pattern can start with; all when PCRE2 cannot tell. */
static void start_bytes(const struct rule *ru, uint8_t bits[32])
{
    const uint8_t *first = NULL;
    uint32_t unit = 0;
    if (!pcre2_pattern_info(ru->pattern.code, PCRE2_INFO_FIRSTBITMAP, &first) && first) {
        memcpy(bits, first, 32);
    } else if (!pcre2_pattern_info(ru->pattern.code, PCRE2_INFO_FIRSTCODETYPE, &unit) &&
               unit == 1 &&
               !pcre2_pattern_info(ru->pattern.code, PCRE2_INFO_FIRSTCODEUNIT, &unit) &&
               unit < 256) {
        /* The unit of a caseless pattern stands for both cases: take both
         * (a superset is always safe). */
        uint32_t other = unit;
        if ((unit | 0x20) >= 'a' && (unit | 0x20) <= 'z')
            other = unit ^ 0x20;
        memset(bits, 0, 32);
        bits_add(bits, unit);
        bits_add(bits, other);
    } else {
        memset(bits, 0xff, 32);
    }
}

/* Adds what starts= allows to g: any capital, or the first word of each
 * entry of its lists (written with a capital when it says capital too). */
static void gate_add(const nqx_rules *r, struct gate *g, const char *starts)
{
    bool capital = starts_capital(starts);
    size_t n;
    bool untold;
    char **words = first_words(r, starts, &n, &untold);
    if (!n && !untold) { /* capital alone */
        g->capital = capital;
        g->any |= !capital;
    } else if (untold) {
        g->any = true;
    }
    for (size_t i = 0; i < n && !untold; i++) {
        void *v = g->words;
        nqx_grow(&v, &g->words_cap, g->nwords + 1, sizeof *g->words);
        g->words = v;
        g->words[g->nwords++] = (struct gate_word){.word = words[i], .capital = capital};
        words[i] = NULL;
    }
    free_words(words, n);
}

static int by_gate_word(const void *a, const void *b)
{
    return strcmp(((const struct gate_word *)a)->word, ((const struct gate_word *)b)->word);
}

/* The gate of a group of rules (mask: positions in by_role[role]). */
static void build_gate(const nqx_rules *r, struct gate *g, rule_role role, uint64_t mask)
{
    memset(g, 0, sizeof *g);
    for (size_t i = 0; i < r->nby_role[role]; i++) {
        if (!(mask >> i & 1))
            continue;
        const struct rule *ru = &r->rules[r->by_role[role][i]];
        if (!ru->starts)
            g->any = true;
        else
            gate_add(r, g, ru->starts);
    }
    if (!g->nwords)
        return;
    /* One entry a word: it needs a capital only if every rule says so. */
    qsort(g->words, g->nwords, sizeof *g->words, by_gate_word);
    size_t n = 1;
    for (size_t i = 1; i < g->nwords; i++) {
        if (!strcmp(g->words[i].word, g->words[n - 1].word)) {
            g->words[n - 1].capital &= g->words[i].capital;
            free(g->words[i].word);
        } else {
            g->words[n++] = g->words[i];
        }
    }
    g->nwords = n;
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    g->slots = nqx_xcalloc(size, sizeof *g->slots);
    g->mask = size - 1;
    for (size_t i = 0; i < n; i++) {
        g->words[i].hash = gate_hash(g->words[i].word, strlen(g->words[i].word));
        size_t k = g->words[i].hash & g->mask;
        while (g->slots[k])
            k = (k + 1) & g->mask;
        g->slots[k] = (uint32_t)(i + 1);
        gate_note_word(g, &g->words[i]);
    }
}

static void free_gate(struct gate *g)
{
    for (size_t i = 0; i < g->nwords; i++)
        free(g->words[i].word);
    free(g->slots);
    free(g->words);
}

/* The rules of a role grouped by the byte they can start with (struct
 * marked), each group one anchored pattern of marked alternatives in file
 * order, and its gate. */
static nqx_status build_marked(nqx_rules *r, struct marked *mk, rule_role role, nqx_error *err)
{
    size_t n = r->nby_role[role];
    if (!n)
        return NQX_OK;
    if (n > 64)
        return nqx_error_set(err, NQX_E_ENV, r->dir, 0, 0, -1,
                             "more than 64 %s rules: merge some", rule_role_names[role]);
    uint64_t mask[256] = {0};
    for (size_t i = 0; i < n; i++) {
        uint8_t bits[32];
        start_bytes(&r->rules[r->by_role[role][i]], bits);
        for (int b = 0; b < 256; b++)
            if (bits_has(bits, (size_t)b))
                mask[b] |= (uint64_t)1 << i;
    }
    uint64_t seen[256];
    size_t groups = 0;
    mk->by_start = nqx_xcalloc(256, sizeof *mk->by_start);
    mk->gates = nqx_xcalloc(256, sizeof *mk->gates);
    nqx_status st = NQX_OK;
    for (int b = 0; b < 256 && !st; b++) {
        if (!mask[b])
            continue;
        size_t g = 0;
        while (g < groups && seen[g] != mask[b])
            g++;
        if (g == groups) {
            seen[groups++] = mask[b];
            nqx_buf src = {0};
            for (size_t i = 0; i < n; i++) {
                if (!(mask[b] >> i & 1))
                    continue;
                size_t k = r->by_role[role][i];
                nqx_buf_printf(&src, "%s(?:%s)(*MARK:%zu)", src.len ? "|" : "",
                               r->rules[k].pattern.src, k);
            }
            char what[64];
            snprintf(what, sizeof what, "the %s rules", rule_role_names[role]);
            struct pattern *p = &mk->by_start[g];
            st = compile_combined(r, p, &src, PCRE2_ANCHORED, what, err);
            nqx_buf_free(&src);
            if (st)
                break;
            index_groups(p);
            build_gate(r, &mk->gates[g], role, mask[b]);
            uint32_t captures = 0;
            pcre2_pattern_info(p->code, PCRE2_INFO_CAPTURECOUNT, &captures);
            if (captures > r->max_captures)
                r->max_captures = captures;
        }
        mk->index[b] = (uint8_t)(g + 1);
    }
    mk->n = groups;
    if (!st)
        marked_first_ok(mk);
    return st;
}

static void free_raw(struct raw_rules *raw)
{
    for (size_t i = 0; i < raw->n; i++) {
        struct raw_rule *rr = &raw->v[i];
        nqx_buf_free(&rr->role);
        nqx_buf_free(&rr->pattern);
        nqx_buf_free(&rr->before);
        nqx_buf_free(&rr->after);
        nqx_buf_free(&rr->set);
        nqx_buf_free(&rr->groups);
        nqx_buf_free(&rr->note);
    }
    free(raw->v);
}

static nqx_status check_unique(const nqx_rules *r, nqx_error *err)
{
    for (size_t i = 0; i < r->nlists; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(r->lists[i].name, r->lists[j].name))
                return nqx_error_set(err, NQX_E_ENV, r->lists[i].file, r->lists[i].line, 0,
                                     -1, "'%s' is already defined at %s:%zu",
                                     r->lists[i].name, r->lists[j].file, r->lists[j].line);
    for (size_t i = 0; i < r->nrules; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(r->rules[i].id, r->rules[j].id))
                return nqx_error_set(err, NQX_E_ENV, r->rules[i].file, r->rules[i].line, 0,
                                     -1, "rule id '%s' is already used at %s:%zu",
                                     r->rules[i].id, r->rules[j].file, r->rules[j].line);
    return NQX_OK;
}

nqx_status nqx_rules_load(const char *dir, nqx_rules **out, nqx_error *err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return nqx_error_set(err, NQX_E_ENV, dir, 0, 0, -1,
                             "cannot open the rules directory: %s; give one with --rules "
                             "DIR or NQX_RULES",
                             strerror(errno));
    nqx_rules *r = nqx_xcalloc(1, sizeof *r);
    r->dir = nqx_xstrdup(dir);
    size_t files_cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n > 6 && !strcmp(de->d_name + n - 6, ".rules") && de->d_name[0] != '.') {
            void *v = r->files;
            nqx_grow(&v, &files_cap, r->nfiles + 1, sizeof *r->files);
            r->files = v;
            nqx_buf path = {0};
            nqx_buf_printf(&path, "%s/%s", dir, de->d_name);
            r->files[r->nfiles++] = nqx_buf_steal(&path);
        }
    }
    closedir(d);
    if (!r->nfiles) {
        nqx_rules_free(r);
        return nqx_error_set(err, NQX_E_ENV, dir, 0, 0, -1,
                             "no *.rules files in the rules directory");
    }
    qsort(r->files, r->nfiles, sizeof *r->files, by_name);

    r->cctx = pcre2_compile_context_create(NULL);
    struct raw_rules raw = {0};
    nqx_status st = NQX_OK;
    for (size_t i = 0; i < r->nfiles && !st; i++)
        st = parse_file(r, &raw, r->files[i], err);
    if (!st)
        st = check_unique(r, err);
    for (size_t i = 0; i < r->nlists && !st; i++)
        if (!r->lists[i].is_define)
            list_alternation(&r->lists[i]);
    for (size_t i = 0; i < r->nrules && !st; i++)
        st = finish_rule(r, &r->rules[i], &raw.v[i], err);
    free_raw(&raw);
    if (st) {
        nqx_rules_free(r);
        return st;
    }
    for (size_t i = 0; i < r->nrules; i++) {
        rule_role role = r->rules[i].role;
        void *v = r->by_role[role];
        size_t cap = r->nby_role[role];
        nqx_grow(&v, &cap, r->nby_role[role] + 1, sizeof(size_t));
        r->by_role[role] = v;
        r->by_role[role][r->nby_role[role]++] = i;
    }
    index_units(r);
    for (size_t i = 0; i < r->nrules; i++) {
        const struct pattern *ps[] = {&r->rules[i].pattern, &r->rules[i].before,
                                      &r->rules[i].after};
        for (size_t k = 0; k < 3; k++) {
            uint32_t n = 0;
            if (ps[k]->code && !pcre2_pattern_info(ps[k]->code, PCRE2_INFO_CAPTURECOUNT, &n) &&
                n > r->max_captures)
                r->max_captures = n;
        }
    }
    index_lists(r);
    if ((st = build_layout_any(r, err)) || (st = build_furniture_any(r, err)) ||
        (st = build_family(r, &r->skips, ROLE_SKIP, err)) ||
        (st = build_cues(r, &r->clause_cues, SCOPE_CLAUSE, err)) ||
        (st = build_marked(r, &r->dates_by_start, ROLE_DATE, err)) ||
        (st = build_marked(r, &r->refs_by_start, ROLE_REFERENCE, err)) ||
        (st = build_marked(r, &r->bodies_by_start, ROLE_BODY, err))) {
        nqx_rules_free(r);
        return st;
    }
    *out = r;
    return NQX_OK;
}

static void free_pattern(struct pattern *p)
{
    free(p->groups);
    free(p->src);
    pcre2_code_free(p->code);
    if (p->hot)
        pcre2_code_free(atomic_load(&p->hot->code));
    free(p->hot);
}

static void free_family(struct family *f)
{
    free_pattern(&f->all);
    free_pattern(&f->after_word);
    for (size_t i = 0; i < f->nwords; i++)
        free(f->words[i]);
    free(f->words);
    free(f->rule);
    free(f->same);
}

static void free_marked(struct marked *mk)
{
    if (!mk->by_start)
        return;
    for (size_t i = 0; i < 256; i++) {
        free_pattern(&mk->by_start[i]);
        free_gate(&mk->gates[i]);
    }
    free(mk->by_start);
    free(mk->gates);
}

void nqx_rules_free(nqx_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nlists; i++) {
        struct list *l = &r->lists[i];
        for (size_t k = 0; k < l->n; k++) {
            free(l->entries[k].phrase);
            free(l->entries[k].folded);
            free(l->entries[k].value);
        }
        free(l->entries);
        free(l->sorted);
        free(l->name);
        free(l->file);
        nqx_buf_free(&l->pattern);
    }
    free(r->lists);
    free(r->lists_by_name);
    for (size_t i = 0; i < r->nrules; i++) {
        struct rule *ru = &r->rules[i];
        free(ru->id);
        free(ru->file);
        free(ru->groups);
        free(ru->starts);
        free_pattern(&ru->pattern);
        free_pattern(&ru->before);
        free_pattern(&ru->after);
    }
    free(r->rules);
    for (size_t i = 0; i < r->nexamples; i++) {
        free((char *)r->examples[i].pub.text);
        free((char *)r->examples[i].pub.expect);
    }
    free(r->examples);
    for (size_t i = 0; i < ROLE_COUNT; i++)
        free(r->by_role[i]);
    for (size_t i = 0; i < r->nfiles; i++)
        free(r->files[i]);
    free(r->files);
    free_pattern(&r->layout_any);
    free_family(&r->skips);
    free_pattern(&r->clause_cues);
    free_pattern(&r->furniture_any);
    free_marked(&r->dates_by_start);
    free_marked(&r->bodies_by_start);
    free_marked(&r->refs_by_start);
    pcre2_compile_context_free(r->cctx);
    free(r->units);
    free(r->dir);
    free(r);
}

char *nqx_rules_locate(const char *explicit_dir)
{
    return nqx_data_dir(explicit_dir, "NQX_RULES", "rules", "rules");
}

/* ---- Matching -------------------------------------------------------- */

void matcher_init(struct matcher *m, const nqx_rules *rules, nqx_doc *doc)
{
    memset(m, 0, sizeof *m);
    m->rules = rules;
    m->doc = doc;
    /* As small as the patterns allow: PCRE2 resets it on every match. */
    m->md = pcre2_match_data_create(rules->max_captures + 2, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(m->mctx, RULE_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, RULE_DEPTH_LIMIT);
    pcre2_set_heap_limit(m->mctx, RULE_HEAP_LIMIT_KIB);
    m->jit = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
    if (m->jit)
        pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
    if (!m->md || !m->mctx) {
        fprintf(stderr, "nqx: out of memory (PCRE2 match data)\n");
        abort();
    }
}

void matcher_reset(struct matcher *m, nqx_doc *doc)
{
    m->doc = doc;
    m->limit_hits = 0;
    m->nsections = 0;
    m->tokens.n = 0;
    m->tokens_made = false;
    m->nlayouts = 0;
    m->layouts_text = NULL;
}

void matcher_fini(struct matcher *m)
{
    free(m->sections);
    free(m->layouts);
    tokens_free(&m->tokens);
    for (size_t i = 0; i < ID_MEMO; i++) {
        free(m->ids[i].name);
        free(m->ids[i].id);
    }
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);
    pcre2_jit_stack_free(m->jit);
}

/* The machine code of p, made on its JIT_AFTER-th match (by the one thread
 * that counts it), or NULL while it is not. */
static pcre2_code *hot_code(const struct pattern *p)
{
    struct hot_code *h = p->hot;
    pcre2_code *c = atomic_load_explicit(&h->code, memory_order_acquire);
    if (c || atomic_load_explicit(&h->failed, memory_order_relaxed))
        return c;
    if (atomic_fetch_add_explicit(&h->matches, 1, memory_order_relaxed) != JIT_AFTER - 1)
        return NULL;
    c = pcre2_code_copy(p->code);
    if (!c || pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) != 0) {
        /* No JIT on this platform (or no memory for it): the interpreter
         * goes on. */
        pcre2_code_free(c);
        atomic_store_explicit(&h->failed, true, memory_order_relaxed);
        return NULL;
    }
    atomic_store_explicit(&h->code, c, memory_order_release);
    return c;
}

bool pattern_match(struct matcher *m, const struct pattern *p, const char *subject,
                   size_t len, size_t start, uint32_t options)
{
    if (!p->code || start > len)
        return false;
    if (p->tail_gated) {
        /* The end of the subject, blanks aside, must be one a match of p
         * may have. */
        size_t k = len;
        bool newline = false;
        while (k > start && (subject[k - 1] == ' ' || subject[k - 1] == '\n'))
            newline |= subject[--k] == '\n';
        unsigned char b = k > start ? (unsigned char)subject[k - 1] : 0;
        if (!(k > start && bits_has(p->tail.last, b)) && !(p->tail.nl && newline) &&
            !(p->tail.caret && k == 0))
            return false;
    }
    pcre2_code *jit = hot_code(p);
    /* pcre2_jit_match skips checks pcre2_match makes on every call; the
     * subject is valid UTF-8 and options are those the code was made for. */
    int rc =
        jit && (!(options & PCRE2_ANCHORED) || p->anchored)
            ? pcre2_jit_match(jit, (PCRE2_SPTR)subject, len, start, 0, m->md, m->mctx)
            : pcre2_match(p->code, (PCRE2_SPTR)subject, len, start,
                          options | PCRE2_NO_UTF_CHECK, m->md, m->mctx);
    if (rc >= 0)
        return true;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
        m->limit_hits++;
    return false;
}

/* The callout after a family's alternative: the position it names ends
 * its rule's first match here. */
static int family_callout(pcre2_callout_block *b, void *data)
{
    size_t *ends = data;
    ends[strtoul((const char *)b->callout_string, NULL, 10)] = b->current_position;
    return 0;
}

/* Does the word before start (or before the blank just before it) end
 * with one of f's words, folded? True too for a word too long to fold:
 * its rules are then tried. */
static bool after_a_word(const struct family *f, const char *subject, size_t start)
{
    size_t end = start;
    if (end && (subject[end - 1] == ' ' || subject[end - 1] == '\n'))
        end--;
    char w[GATE_WORD_MAX];
    size_t n = folded_word_before(subject, end, w, sizeof w);
    if (n == SIZE_MAX)
        return true;
    for (size_t i = 0; i < f->nwords; i++) {
        size_t wl = strlen(f->words[i]);
        if (wl <= n && !memcmp(w + n - wl, f->words[i], wl))
            return true;
    }
    return false;
}

bool family_match(struct matcher *m, const struct family *f, const char *subject,
                  size_t len, size_t start, size_t *ends)
{
    for (size_t k = 0; k < f->n; k++)
        ends[k] = SIZE_MAX;
    if (!f->n || start > len)
        return false;
    size_t hits = m->limit_hits;
    pcre2_set_callout(m->mctx, family_callout, ends);
    if (f->all.code)
        pattern_match(m, &f->all, subject, len, start, 0);
    if (f->after_word.code && after_a_word(f, subject, start))
        pattern_match(m, &f->after_word, subject, len, start, 0);
    pcre2_set_callout(m->mctx, NULL, NULL);
    for (size_t k = 0; k < f->n; k++)
        if (f->same[k] != SIZE_MAX)
            ends[k] = ends[f->same[k]];
    bool any = false;
    for (size_t k = 0; k < f->n && !any; k++)
        any = ends[k] != SIZE_MAX;
    return any && m->limit_hits == hits;
}

size_t marked_rule_of(struct matcher *m)
{
    PCRE2_SPTR mark = pcre2_get_mark(m->md);
    return mark ? (size_t)strtoul((const char *)mark, NULL, 10) : SIZE_MAX;
}

void matcher_trace(struct matcher *m, size_t rule, size_t offset)
{
    if (m->trace && rule != SIZE_MAX)
        m->trace(m->trace_ctx, rule, offset);
}

bool group_span(struct matcher *m, const struct pattern *p, const char *name, size_t *s,
                size_t *e)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    uint32_t pairs = pcre2_get_ovector_count(m->md);
    for (size_t i = 0; i < p->ngroups; i++) {
        uint32_t g = p->groups[i].number;
        if (g >= pairs || ov[2 * g] == PCRE2_UNSET || p->groups[i].name[0] != name[0] ||
            strcmp(p->groups[i].name, name))
            continue;
        *s = ov[2 * g];
        *e = ov[2 * g + 1];
        return true;
    }
    return false;
}

/* ---- Examples -------------------------------------------------------- */

size_t nqx_rules_example_count(const nqx_rules *rules)
{
    return rules->nexamples;
}

const nqx_example *nqx_rules_example(const nqx_rules *rules, size_t i)
{
    return i < rules->nexamples ? &rules->examples[i].pub : NULL;
}
