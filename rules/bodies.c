/* Responsible bodies and tasks (SPEC §3.7).
 *
 * Bodies: one scan with the body rules finds every mention; the gazetteer
 * lists (body-name, body-organ, body-head, body-collective) give each its
 * kind and canonical name, abbreviations expanded, the level word and the
 * place kept: "UBND huyện" is "Ủy ban nhân dân huyện", and "UBND tỉnh" is
 * another body. The header, the signature block and the authors of cited
 * documents are not responsible bodies and are skipped.
 *
 * Tasks: a sentence whose subject is a body followed by a directive verb
 * (task rules with set: task=subject), or that gives work to a body ("Giao
 * X", task=assign), is a task led by that body; the bodies right after
 * "phối hợp với" (task=support) support it; the deadline dates in the
 * sentence (found by the dates engine) and a recurrence word ("hằng quý")
 * are its deadlines. The items of a list under such a sentence ("UBND huyện chỉ
 * đạo:" then "- …") are tasks of the same body. A target inside a task's
 * sentence belongs to it. */
#include "rules/rules_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* How far after "phối hợp với" its bodies are read, and the most bytes
 * between two of them (", ", " và "). */
#define SUPPORT_REACH 240
#define SUPPORT_GAP 8
#define TASK_TEXT_MAX 600
/* The most bytes between two bodies of one subject, and of an opening
 * phrase before the subject. */
#define SUBJECT_GAP 96
#define OPENING_MAX 160
/* The longest line read as a heading that names a body. */
#define HEADING_MAX 240

struct found {
    size_t start, end, body; /* body: 1-based */
};

/* The leads of one task: the bodies of its subject. */
#define LEADS_MAX 8
/* Cells of a table row read; a wider table's last columns are not. */
#define ROW_CELLS 24
/* A table's headings are looked for in its first rows (a title row may
 * stand above them). */
#define HEADING_ROWS 3
struct leads {
    size_t v[LEADS_MAX];
    size_t n;
    bool head;     /* the sentence only names them: the items below are theirs */
    bool assigned; /* handed the task by "Giao", "Đề nghị" …, not its subject */
};

static void add_lead(struct leads *l, size_t body)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == body)
            return;
    if (l->n < LEADS_MAX)
        l->v[l->n++] = body;
}

struct engine {
    struct matcher *m;
    nqx_doc *doc;
    const char *t;
    size_t len;
    struct found *found; /* every mention, in text order */
    size_t nfound, cap;
};

/* ---- Names ----------------------------------------------------------- */

/* The id of a canonical name: ASCII letters and digits, '-' between words
 * ("Ủy ban nhân dân huyện" → "uy-ban-nhan-dan-huyen"). ICU decomposes the
 * letters and their marks are dropped; a letter that does not decompose
 * (đ) is looked up in list id-letter. */
static void make_new_id(struct engine *E, const char *name, char *out, size_t size)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar buf[512], nfd[1024];
    int32_t n = 0;
    u_strFromUTF8(buf, 512, &n, name, -1, &st);
    const UNormalizer2 *norm = unorm2_getNFDInstance(&st);
    int32_t m = U_SUCCESS(st) ? unorm2_normalize(norm, buf, n, nfd, 1024, &st) : 0;
    if (U_FAILURE(st))
        m = 0;
    const struct list *letters = rules_list(E->m->rules, "id-letter");
    size_t k = 0;
    bool dash = false;
    for (int32_t i = 0; i < m && k + 2 < size; i++) {
        UChar c = nfd[i];
        if (u_getCombiningClass(c))
            continue;
        char ascii = 0;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            ascii = (char)c;
        else if (c >= 'A' && c <= 'Z')
            ascii = (char)(c | 0x20);
        else if (c >= 0x80 && letters) {
            char u8[8];
            int32_t len = 0;
            UErrorCode s2 = U_ZERO_ERROR;
            u_strToUTF8(u8, sizeof u8, &len, &c, 1, &s2);
            const struct entry *en = U_SUCCESS(s2) ? list_lookup(letters, u8, (size_t)len) : NULL;
            if (en && en->value)
                ascii = en->value[0];
        }
        if (!ascii) {
            dash = true;
            continue;
        }
        if (dash && k)
            out[k++] = '-';
        out[k++] = ascii;
        dash = false;
    }
    out[k] = '\0';
    if (!k || (out[0] >= '0' && out[0] <= '9')) { /* an XML ID starts with a letter */
        size_t keep = k < size - 6 ? k : size - 6;
        memmove(out + 5, out, keep);
        memcpy(out, "body-", 5);
        out[5 + keep] = '\0';
    }
}

/* make_new_id, or the id it made for the same name lately. */
static void make_id(struct engine *E, const char *name, char *out, size_t size)
{
    struct id_memo *memo = &E->m->ids[gate_hash(name, strlen(name)) % ID_MEMO];
    if (!memo->name || strcmp(memo->name, name)) {
        make_new_id(E, name, out, size);
        free(memo->name);
        free(memo->id);
        memo->name = nqx_xstrdup(name);
        memo->id = nqx_xstrdup(out);
        return;
    }
    snprintf(out, size, "%s", memo->id);
}

/* An entry's value "kind; canonical": the kind into kind (may be empty) and
 * the canonical name (the phrase itself when the value gives none). */
static void split_value(const struct entry *en, char *kind, size_t ksize, const char **canon,
                        size_t *clen)
{
    const char *v = en->value ? en->value : "";
    const char *semi = strchr(v, ';');
    size_t kl = semi ? (size_t)(semi - v) : strlen(v);
    while (kl && v[kl - 1] == ' ')
        kl--;
    snprintf(kind, ksize, "%.*s", (int)kl, v);
    if (semi) {
        const char *c = semi + 1;
        while (*c == ' ')
            c++;
        *canon = c;
        *clen = strlen(c);
    } else {
        *canon = en->phrase;
        *clen = strlen(en->phrase);
    }
}

/* The non-empty span of a group of the last match. */
static bool in_span(const struct engine *E, const char *name, size_t *gs, size_t *ge,
                    const struct pattern *p)
{
    return group_span(E->m, p, name, gs, ge) && *ge > *gs;
}

/* The body of the match [s, e) of pattern p: its canonical name, kind and
 * abbreviation; returns its 1-based index, or 0 when the gazetteer does not
 * know the name. */
static size_t body_of(struct engine *E, const struct pattern *p, size_t s, size_t e)
{
    const nqx_rules *r = E->m->rules;
    const char *t = E->t;
    nqx_buf name = {0};
    char kind[32] = "";
    bool abbreviated = false, collective = false;
    size_t gs, ge;
    if (in_span(E, "collective", &gs, &ge, p)) {
        char *folded = fold_text(t + gs, ge - gs); /* "Các ban" is "các ban" */
        nqx_buf_adds(&name, folded);
        free(folded);
        snprintf(kind, sizeof kind, "collective");
        collective = true;
    } else if (in_span(E, "head", &gs, &ge, p)) {
        const struct entry *en = list_lookup(rules_list(r, "body-head"), t + gs, ge - gs);
        if (!en)
            en = list_lookup(rules_list(r, "body-purpose-head"), t + gs, ge - gs);
        const char *canon; /* the match as written is the name */
        size_t clen;
        if (en)
            split_value(en, kind, sizeof kind, &canon, &clen);
        nqx_buf_add(&name, t + s, e - s);
    } else if (in_span(E, "name", &gs, &ge, p)) {
        const struct entry *en = list_lookup(rules_list(r, "body-name"), t + gs, ge - gs);
        if (!en) {
            nqx_buf_free(&name);
            return 0;
        }
        const char *canon;
        size_t clen;
        size_t os, oe;
        if (in_span(E, "organ", &os, &oe, p)) {
            const struct entry *oen = list_lookup(rules_list(r, "body-organ"), t + os, oe - os);
            char unused[8];
            const char *ocanon = t + os;
            size_t olen = oe - os;
            if (oen) {
                split_value(oen, unused, sizeof unused, &ocanon, &olen);
                abbreviated |= oen->value && strchr(oen->value, ';');
            }
            nqx_buf_add(&name, ocanon, olen);
            nqx_buf_addc(&name, ' ');
        }
        split_value(en, kind, sizeof kind, &canon, &clen);
        abbreviated |= en->value && strchr(en->value, ';');
        nqx_buf_add(&name, canon, clen);
        if (in_span(E, "level", &gs, &ge, p)) {
            char *level = fold_text(t + gs, ge - gs); /* "Thành phố" → "thành phố" */
            nqx_buf_addc(&name, ' ');
            nqx_buf_adds(&name, level);
            free(level);
        }
        if (in_span(E, "place", &gs, &ge, p)) {
            while (gs < ge && t[gs] == ' ')
                gs++;
            nqx_buf_addc(&name, ' ');
            nqx_buf_add(&name, t + gs, ge - gs);
        }
    } else {
        nqx_buf_free(&name);
        return 0;
    }
    /* A name written across a line end ("Phòng Kinh tế," / "Hạ tầng và Đô
     * thị") is one line. */
    name.len = collapse_blanks(name.data, name.len);
    char id[160] = "";
    /* The id is made once per body, when it is new. */
    if (!nqx_doc_find_body(E->doc, name.data))
        make_id(E, name.data, id, sizeof id);
    char *abbr = abbreviated ? nqx_xstrndup(t + s, e - s) : NULL;
    size_t b = nqx_doc_body(E->doc, id, name.data, abbr, kind, collective);
    free(abbr);
    nqx_buf_free(&name);
    return b;
}

/* ---- Mentions -------------------------------------------------------- */

/* Is offset s in the signature block ("Nơi nhận", the signer)? */
static bool in_tail(const nqx_meta *meta, size_t s)
{
    return meta->tail_start && s >= meta->tail_start && s < meta->tail_end;
}

/* Is [s, e) where no responsible body is named: the header, the signature
 * block, a cited document's author (or the document's own, where it cites
 * itself), the code of a document number ("UBND" of "2874/QĐ-UBND")? refs
 * are in text order; *cursor moves. */
static bool skipped(const struct engine *E, size_t s, size_t e, size_t *cursor)
{
    const nqx_meta *meta = &E->doc->meta;
    if (s < meta->header_end || in_tail(meta, s) ||
        (s > 0 && (E->t[s - 1] == '-' || E->t[s - 1] == '/')))
        return true;
    while (*cursor < E->doc->nrefs && E->doc->refs[*cursor].end <= s)
        (*cursor)++;
    if (*cursor < E->doc->nrefs && E->doc->refs[*cursor].start <= s &&
        e <= E->doc->refs[*cursor].end)
        return true;
    const nqx_span *own = E->doc->unlisted_cites;
    size_t i = nqx_lower_bound(own, E->doc->nunlisted_cites, sizeof *own,
                               offsetof(nqx_span, end), s + 1);
    return i < E->doc->nunlisted_cites && own[i].start <= s && e <= own[i].end;
}

static void find_mentions(struct engine *E)
{
    const nqx_rules *r = E->m->rules;
    const struct pattern *p;
    size_t s, e, cursor = 0;
    for (size_t pos = 0; scan_marked(E->m, &r->bodies_by_start, E->t, E->len, pos, GATE_TOKEN,
                                     &s, &e, &p);) {
        size_t rule = marked_rule_of(E->m);
        pos = e > s ? e : s + 1;
        /* The pattern's trailing place group may have taken a space. */
        while (e > s && E->t[e - 1] == ' ')
            e--;
        if (skipped(E, s, e, &cursor))
            continue;
        size_t b = body_of(E, p, s, e);
        if (!b)
            continue;
        matcher_trace(E->m, rule, s);
        char *text = nqx_xstrndup(E->t + s, e - s);
        nqx_doc_add_mention(E->doc, b, nqx_doc_line(E->doc, s, NULL), text, s, e);
        free(text);
        void *v = E->found;
        nqx_grow(&v, &E->cap, E->nfound + 1, sizeof *E->found);
        E->found = v;
        E->found[E->nfound++] = (struct found){s, e, b};
    }
}

/* ---- Tasks ----------------------------------------------------------- */

/* The first mention starting in [s, e), by binary search; NULL if none. */
static const struct found *mention_in(const struct engine *E, size_t s, size_t e)
{
    size_t lo = nqx_lower_bound(E->found, E->nfound, sizeof *E->found,
                                offsetof(struct found, start), s);
    return lo < E->nfound && E->found[lo].start < e ? &E->found[lo] : NULL;
}

/* Does a task rule of this kind match t[from, to)? Anchored rules match at
 * from; *end is where the match ends. */
static bool task_rule(struct engine *E, int kind, size_t from, size_t to, size_t *start,
                      size_t *end)
{
    const nqx_rules *r = E->m->rules;
    for (size_t i = 0; i < r->nby_role[ROLE_TASK]; i++) {
        const struct rule *ru = &r->rules[r->by_role[ROLE_TASK][i]];
        if (ru->task != kind || !pattern_match(E->m, &ru->pattern, E->t + from, to - from, 0, 0))
            continue;
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(E->m->md);
        *start = from + ov[0];
        *end = from + ov[1];
        matcher_trace(E->m, r->by_role[ROLE_TASK][i], from);
        return true;
    }
    return false;
}

/* The section at a position, as the targets engine marked it, or NULL
 * before the first. */
static const struct section_mark *section_at(const struct engine *E, size_t at)
{
    const struct section_mark *v = E->m->sections;
    size_t lo = 0, hi = E->m->nsections;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].at <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &v[lo - 1] : NULL;
}

/* Is [s, …) in a section that tells what was done ("I. KẾT QUẢ THỰC HIỆN"):
 * there a body and a verb report an action, they give no task. */
static bool in_report(const struct engine *E, size_t s)
{
    const struct section_mark *sm = section_at(E, s);
    return sm && sm->reports;
}

/* A recurrence word of list "recurrence" in [s, e): its value, or NULL. */
static const char *recurrence_in(const struct engine *E, size_t s, size_t e)
{
    const struct list *l = rules_list(E->m->rules, "recurrence");
    if (!l || e <= s)
        return NULL;
    char *folded = fold_text(E->t + s, e - s);
    const char *found = NULL;
    for (size_t i = 0; i < l->n && !found; i++)
        if (strstr(folded, l->entries[i].folded))
            found = l->entries[i].value;
    free(folded);
    return found;
}

/* Adds body to the task's supports unless it leads it or supports it
 * already. */
static void add_support(nqx_task *task, const struct leads *leads, size_t body)
{
    for (size_t k = 0; k < leads->n; k++)
        if (leads->v[k] == body)
            return;
    for (size_t k = 0; k < task->nsupport; k++)
        if (task->support[k] == body)
            return;
    task->support = nqx_xrealloc(task->support, (task->nsupport + 1) * sizeof *task->support);
    task->support[task->nsupport++] = body;
}

static void add_deadline(nqx_task *task, const char *value)
{
    task->deadlines =
        nqx_xrealloc(task->deadlines, (task->ndeadlines + 1) * sizeof *task->deadlines);
    task->deadlines[task->ndeadlines++] = value;
}

static void add_task(struct engine *E, const struct leads *leads, size_t s, size_t e)
{
    nqx_doc *doc = E->doc;
    nqx_task *task = nqx_doc_add_task(doc);
    task->line = nqx_doc_line(doc, s, NULL);
    task->start = s;
    task->end = e;
    task->leads = nqx_xmalloc(leads->n * sizeof *task->leads);
    memcpy(task->leads, leads->v, leads->n * sizeof *task->leads);
    task->nleads = leads->n;
    const struct section_mark *sm = section_at(E, s);
    task->section = sm ? sm->section : NULL;
    size_t te = e - s > TASK_TEXT_MAX ? s + nqx_utf8_floor(E->t + s, TASK_TEXT_MAX) : e;
    task->text = nqx_arena_strndup(&doc->arena, E->t + s, te - s);
    /* Supports: the bodies right after "phối hợp với", one after another. */
    size_t ps, pe;
    for (size_t from = s; from < e && task_rule(E, TASK_SUPPORT, from, e, &ps, &pe); from = pe) {
        size_t at = pe, reach = pe + SUPPORT_REACH < e ? pe + SUPPORT_REACH : e;
        for (const struct found *f = mention_in(E, at, reach); f && f->start <= at + SUPPORT_GAP;
             f = mention_in(E, at, reach)) {
            add_support(task, leads, f->body);
            at = f->end;
        }
        if (pe <= from)
            break;
    }
    /* Dates and targets are in text order: each task looks only at its own
     * (a document of many tasks stays linear). */
    size_t lo = nqx_lower_bound(doc->dates, doc->ndates, sizeof *doc->dates,
                                offsetof(nqx_date, start), s);
    for (size_t i = lo; i < doc->ndates && doc->dates[i].start < e; i++)
        if (doc->dates[i].role == NQX_ROLE_DEADLINE && doc->dates[i].end <= e)
            add_deadline(task, doc->dates[i].value);
    task->recurrence = recurrence_in(E, s, e);
    lo = nqx_lower_bound(doc->targets, doc->ntargets, sizeof *doc->targets,
                         offsetof(nqx_target, start), s);
    for (size_t i = lo; i < doc->ntargets && doc->targets[i].start < e; i++)
        if (!doc->targets[i].task && doc->targets[i].end <= e)
            doc->targets[i].task = doc->ntasks;
}

/* The bodies named one after another from the mention f on, joined by
 * commas, "và" or words that are no body ("các Tổ đại biểu"), up to the
 * first that a task rule of kind `stop` follows: the subject of a sentence
 * may name several bodies; words that hand the task on (task=delegate)
 * end it too. Their indexes go to leads (at most LEADS_MAX); returns where
 * the last one ends. */
static size_t subject_chain(struct engine *E, const struct found *f, size_t e, int stop,
                            struct leads *leads)
{
    size_t end = f->end, ms, me;
    add_lead(leads, f->body);
    for (const struct found *g = f + 1; g < E->found + E->nfound && g->start < e &&
                                        g->start <= end + SUBJECT_GAP;
         g++) {
        bool joined = true; /* ";" joins a list of subjects, a verb ends each clause */
        for (size_t k = end; k < g->start && joined; k++)
            joined = E->t[k] != '.' && E->t[k] != ':';
        if (!joined || task_rule(E, stop, end, e, &ms, &me) ||
            task_rule(E, TASK_DELEGATE, end, e, &ms, &me))
            break;
        add_lead(leads, g->body);
        end = g->end;
    }
    return end;
}

/* Does a meeting's date stand in [s, e) ("Ngày 03/10/2024, Ban Thường vụ
 * tổ chức hội nghị …" tells what happened; it gives no task)? */
static bool meeting_in(const struct engine *E, size_t s, size_t e)
{
    const nqx_doc *doc = E->doc;
    size_t i = nqx_lower_bound(doc->dates, doc->ndates, sizeof *doc->dates,
                               offsetof(nqx_date, start), s);
    for (; i < doc->ndates && doc->dates[i].start < e; i++)
        if (doc->dates[i].role == NQX_ROLE_MEETING)
            return true;
    return false;
}

/* Does a numbered citation follow the verb at `at` ("Tỉnh ủy ban hành
 * Nghị quyết số 01-NQ/TU ngày …")? The document exists: the sentence
 * tells what was done, it gives no task. */
static bool issued_at(const struct engine *E, size_t at)
{
    const nqx_doc *doc = E->doc;
    while (at < E->len && E->t[at] == ' ')
        at++;
    size_t i = nqx_lower_bound(doc->refs, doc->nrefs, sizeof *doc->refs,
                               offsetof(nqx_ref, start), at);
    return i < doc->nrefs && doc->refs[i].start == at && doc->refs[i].number;
}

/* The leads of the sentence [s, e): the bodies after "Giao"/"Đề nghị"; or
 * its subject's bodies when a directive verb follows them; or, when the
 * subject asks others ("Ban Thường vụ yêu cầu các cấp ủy, MTTQ … tập
 * trung"), the bodies it asks. */
static void leads_of(struct engine *E, size_t s, size_t e, struct leads *leads)
{
    size_t ms, me;
    leads->n = 0;
    leads->head = false;
    leads->assigned = false;
    if (task_rule(E, TASK_ASSIGN, s, e, &ms, &me)) {
        leads->assigned = true;
        const struct found *f = mention_in(E, me, e);
        if (f && f->start == me) {
            size_t end = subject_chain(E, f, e, TASK_SUBJECT, leads);
            /* "Đề nghị X và Y" with nothing after: the head of a list of
             * X's and Y's tasks, not a task itself. */
            while (end < e && (E->t[end] == ' ' || E->t[end] == ':' || E->t[end] == '.'))
                end++;
            leads->head = end == e;
        }
        return;
    }
    /* The subject starts the sentence, or follows an opening phrase and its
     * comma ("Trên cơ sở kết quả đánh giá, các cấp ủy … rà soát"). */
    const struct found *f = mention_in(E, s, e);
    if (!f || (f->start != s &&
               (f->start > s + OPENING_MAX || f->start < s + 2 || E->t[f->start - 1] != ' ' ||
                E->t[f->start - 2] != ',' || meeting_in(E, s, f->start))))
        return;
    size_t end = subject_chain(E, f, e, TASK_SUBJECT, leads);
    if (task_rule(E, TASK_DELEGATE, end, e, &ms, &me)) {
        const struct found *g = mention_in(E, me, e);
        leads->n = 0;
        if (g && g->start == me)
            subject_chain(E, g, e, TASK_SUBJECT, leads);
        return;
    }
    /* The verb follows the subject, maybe after more of the subject's list
     * that names no body ("…, các Tổ đại biểu và đại biểu HĐND tỉnh giám
     * sát"): only when the list goes on (a comma, "và"). */
    if (task_rule(E, TASK_SUBJECT, end, e, &ms, &me)) {
        if (issued_at(E, me))
            leads->n = 0;
        return;
    }
    bool list_goes_on = end < e && (E->t[end] == ',' || !strncmp(E->t + end, " và ", 5));
    size_t limit = end + SUBJECT_GAP < e ? end + SUBJECT_GAP : e;
    for (size_t k = end; k <= limit && list_goes_on; k++) {
        if (k < e && (E->t[k] == '.' || E->t[k] == ';' || E->t[k] == ':'))
            break;
        if ((k == end || E->t[k - 1] == ' ') && task_rule(E, TASK_SUBJECT, k, e, &ms, &me))
            return;
    }
    leads->n = 0;
}

/* Where the task of the sentence [s, e) ends: at the first "; " after
 * which another body leads a task of its own ("Đảng đoàn HĐND tỉnh lãnh đạo
 * …; Ban cán sự đảng UBND tỉnh chỉ đạo …"), else at e. The clause before it
 * must be a task too: "Chánh Văn phòng UBND tỉnh; Giám đốc các sở … chịu
 * trách nhiệm" is one subject. */
static size_t clause_end(struct engine *E, size_t s, size_t e)
{
    struct leads other;
    for (const char *k = memchr(E->t + s, ';', e - s); k;
         k = memchr(k + 1, ';', (size_t)(E->t + e - k - 1))) {
        size_t end = (size_t)(k - E->t), at = end + 2;
        const struct found *f = at < e ? mention_in(E, at, e) : NULL;
        if (f && f->start == at && (leads_of(E, at, e, &other), other.n && !other.head) &&
            (leads_of(E, s, end, &other), other.n))
            return end;
    }
    return e;
}

static bool is_bullet(const char *t, size_t s, size_t e)
{
    return s < e && (t[s] == '-' || t[s] == '+' || t[s] == '*');
}

/* What starts a line: a bullet, or a marker of some kind ('n' number, 'l'
 * letter, 'r' Roman …), or nothing (0). */
static char line_marker(struct engine *E, size_t ls, size_t le, size_t *body)
{
    struct section_match sm;
    if (layout_section_at(E->m, E->t, ls, le, &sm)) {
        *body = ls + sm.end;
        return sm.kind;
    }
    if (is_bullet(E->t, ls, le)) {
        *body = ls + 1;
        return '-';
    }
    *body = ls;
    return 0;
}

/* Does s[0..n) hold a blank to fill in: a run of four dots or more, or
 * of two ellipses ("……", "......")? */
static bool form_blank(const char *s, size_t n)
{
    /* Such a run holds two dots in a row or an ellipsis; most sentences
     * hold neither, and memchr tells at once. */
    bool maybe = false;
    const char *end = s + n;
    for (const char *p = s;
         !maybe && (p = memchr(p, '.', (size_t)(end - p))) && p + 1 < end; p++)
        maybe = p[1] == '.';
    for (const char *p = s;
         !maybe && (p = memchr(p, '\xE2', (size_t)(end - p))) && p + 2 < end; p++)
        maybe = p[1] == '\x80' && p[2] == '\xA6';
    if (!maybe)
        return false;
    size_t dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dots++;
        else if (s[i] == '\xE2' && i + 2 < n && s[i + 1] == '\x80' && s[i + 2] == '\xA6') {
            dots += 2; /* … U+2026 */
            i += 2;
        } else
            dots = 0;
        if (dots >= 4)
            return true;
    }
    return false;
}

/* ---- Task tables ------------------------------------------------------ */

/* The columns of a table of tasks (list task-column). */
enum { COL_LEAD, COL_SUPPORT, COL_TEXT, COL_DEADLINE, NCOLS };

/* Does the folded text f hold the folded phrase p as whole words? */
static bool holds_words(const char *f, const char *p)
{
    size_t n = strlen(p);
    for (const char *at = strstr(f, p); at; at = strstr(at + 1, p))
        if ((at == f || at[-1] == ' ' || at[-1] == ',') &&
            (!at[n] || at[n] == ' ' || at[n] == ','))
            return true;
    return false;
}

/* The column a table heading names (list task-column): the entry it is,
 * else the first it holds as words; NULL for none. */
static const char *column_of(const struct list *l, const char *t, const nqx_span *cell)
{
    char *f = fold_text(t + cell->start, cell->end - cell->start);
    const struct entry *en = list_find(l, f, strlen(f));
    for (size_t i = 0; !en && i < l->n; i++)
        if (holds_words(f, l->entries[i].folded))
            en = &l->entries[i];
    free(f);
    return en ? en->value : NULL;
}

/* Reads the columns of a table from its heading row into col (-1: none);
 * false unless the table is one of tasks: a lead and a task column. */
static bool task_columns(const struct engine *E, const nqx_span *cells, size_t n, int *col)
{
    static const char *const names[NCOLS] = {"lead", "support", "text", "deadline"};
    const struct list *l = rules_list(E->m->rules, "task-column");
    for (int k = 0; k < NCOLS; k++)
        col[k] = -1;
    for (size_t i = 0; l && i < n; i++) {
        const char *name = column_of(l, E->t, &cells[i]);
        for (int k = 0; name && k < NCOLS; k++)
            if (col[k] < 0 && !strcmp(name, names[k]))
                col[k] = (int)i;
    }
    return col[COL_LEAD] >= 0 && col[COL_TEXT] >= 0;
}

/* A row of a table of tasks: a task when its lead cell names a body. */
static void add_row_task(struct engine *E, const nqx_span *cells, size_t n, const int *col)
{
    if ((size_t)col[COL_LEAD] >= n || (size_t)col[COL_TEXT] >= n)
        return;
    nqx_span lead = cells[col[COL_LEAD]], text = cells[col[COL_TEXT]];
    struct leads leads = {0};
    for (const struct found *f = mention_in(E, lead.start, lead.end); f;
         f = mention_in(E, f->end, lead.end))
        add_lead(&leads, f->body);
    if (!leads.n || text.start >= text.end)
        return;
    add_task(E, &leads, text.start, text.end);
    nqx_task *task = &E->doc->tasks[E->doc->ntasks - 1];
    if (col[COL_SUPPORT] >= 0 && (size_t)col[COL_SUPPORT] < n) {
        nqx_span sup = cells[col[COL_SUPPORT]];
        for (const struct found *f = mention_in(E, sup.start, sup.end); f;
             f = mention_in(E, f->end, sup.end))
            add_support(task, &leads, f->body);
    }
    if (col[COL_DEADLINE] >= 0 && (size_t)col[COL_DEADLINE] < n) {
        /* Any date of the column is when the task is due: a deadline,
         * whatever words it is written with ("Quý II năm 2026"). */
        nqx_span due = cells[col[COL_DEADLINE]];
        nqx_doc *doc = E->doc;
        size_t lo = nqx_lower_bound(doc->dates, doc->ndates, sizeof *doc->dates,
                                    offsetof(nqx_date, start), due.start);
        for (size_t i = lo; i < doc->ndates && doc->dates[i].end <= due.end; i++)
            if (doc->dates[i].role != NQX_ROLE_REFERENCE && !doc->dates[i].baseline) {
                add_deadline(task, doc->dates[i].value);
                doc->dates[i].role = NQX_ROLE_DEADLINE;
            }
        if (!task->recurrence)
            task->recurrence = recurrence_in(E, due.start, due.end);
    }
}

static void find_tasks(struct engine *E)
{
    const char *t = E->t;
    /* The leads of the sentence a list stands under ("UBND huyện chỉ đạo:",
     * "Ban Thường vụ yêu cầu … các nhiệm vụ sau:"), and the marker its items
     * start with: items with that marker are its tasks, a line with another
     * marker ends it, a line with none continues an item. */
    struct leads list_leads = {0}, leads;
    char list_marker = 0;
    bool under_heading = false; /* the list stands under a heading naming its body */
    size_t table_rows = 0;   /* rows of the table read so far, 0 out of one */
    bool task_table = false; /* in a table of tasks, past its heading */
    int cols[NCOLS];
    for (size_t ls = 0; ls < E->len;) {
        const char *nl = memchr(t + ls, '\n', E->len - ls);
        size_t le = nl ? (size_t)(nl - t) : E->len;
        /* A line in capitals is a heading (or a form's header): it ends
         * the list above. */
        if (list_leads.n && line_is_caps(t + ls, le - ls))
            list_leads.n = 0;
        if (in_tail(&E->doc->meta, ls)) {
            /* No list goes on across the signature. */
            list_leads.n = 0;
            ls = E->doc->meta.tail_end;
            continue;
        }
        /* A table of tasks: its heading row names its columns, each row
         * below is read by them. */
        nqx_span cells[ROW_CELLS];
        size_t ncells = table_row_cells(t, ls, le, cells, ROW_CELLS);
        table_rows = ncells ? table_rows + 1 : 0;
        task_table = task_table && ncells;
        if (!task_table && table_rows && table_rows <= HEADING_ROWS &&
            task_columns(E, cells, ncells, cols)) {
            task_table = true;
            list_leads.n = 0;
            ls = le + 1;
            continue;
        }
        if (task_table) {
            add_row_task(E, cells, ncells, cols);
            ls = le + 1;
            continue;
        }
        size_t s;
        char marker = line_marker(E, ls, le, &s);
        bool item = false;
        if (list_leads.n && marker) {
            if (!list_marker && marker != 'r' && marker != 'p' && marker != 'a')
                list_marker = marker;
            item = marker == list_marker;
            if (!item)
                list_leads.n = 0;
        } else if (list_leads.n && under_heading) {
            item = true; /* a paragraph under a heading naming its body */
        }
        /* A heading that names a body ("1. Phòng Văn hóa và Thông tin (cơ
         * quan thường trực …)"): the items under it are that body's tasks. */
        const struct found *hb = marker && marker != '-' ? mention_in(E, s, le) : NULL;
        if (hb && hb->start <= s + 1 && le - ls < HEADING_MAX && t[le - 1] != '.' &&
            (leads_of(E, s, le, &leads), !leads.n)) {
            list_leads.n = 0;
            add_lead(&list_leads, hb->body);
            list_marker = 0;
            under_heading = true;
            ls = le + 1;
            continue;
        }
        /* Sentences: split at ". " before a capital letter or at the end. */
        bool first = true;
        while (s < le) {
            while (s < le && (t[s] == ' ' || t[s] == '.' || t[s] == ':' || t[s] == ')'))
                s++;
            size_t e = s;
            for (;;) {
                const char *dot = memchr(t + e, '.', le - e);
                if (!dot) {
                    e = le;
                    break;
                }
                e = (size_t)(dot - t);
                if (e + 2 < le && t[e + 1] == ' ' && (unsigned char)t[e + 2] >= 'A' &&
                    ((unsigned char)t[e + 2] <= 'Z' || (unsigned char)t[e + 2] >= 0xC3))
                    break;
                e++;
            }
            if (s >= e)
                break;
            /* A form's blank to fill in ("Tên tôi là: ……", "Giám đốc
             * Trung tâm ………"): a template, not a task; it ends a list. */
            if (form_blank(t + s, e - s)) {
                list_leads.n = 0;
                s = e + 1;
                continue;
            }
            leads_of(E, s, e, &leads);
            /* In a section that tells what was done, a body and its verb
             * report an action; only an explicit "Giao X …" still gives a
             * task. */
            if (!leads.assigned && in_report(E, s)) {
                s = e + 1;
                continue;
            }
            if (leads.n && !leads.head)
                e = clause_end(E, s, e);
            if (leads.n && leads.head) {
                list_leads = leads;
                list_marker = 0;
                under_heading = marker && marker != '-';
            } else if (leads.n) {
                add_task(E, &leads, s, e);
                if (e == le && t[le - 1] == ':') {
                    list_leads = leads;
                    list_marker = 0;
                    under_heading = false;
                }
            } else if (item && first && memchr(t + s, ' ', e - s)) {
                /* (a lone word is a marker or a heading cut off: "b.",
                 * "Điều") */
                add_task(E, &list_leads, s, e);
            }
            first = false;
            s = e + 1;
        }
        ls = le + 1;
    }
}

void bodies_extract(struct matcher *m, nqx_doc *doc)
{
    if (!doc->norm || !m->rules->bodies_by_start.n)
        return;
    struct engine E = {.m = m, .doc = doc, .t = doc->norm, .len = doc->norm_len};
    find_mentions(&E);
    find_tasks(&E);
    free(E.found);
}
