/* Cited documents (SPEC §3.6): one scan with every reference rule in one
 * pattern finds the head of each citation (a type word, a number, or a law's
 * name); the date written right after it (found by the dates engine) is the
 * cited document's date, and a ref-issuer rule reads who issued it. The type
 * comes from the type word (list doc-type) or from the number's type code
 * (list doc-code). The document's own number is metadata, not a reference. */
#include "rules/rules_int.h"

#include <stdio.h>
#include <string.h>

/* Bytes between a citation's head and its date ("số 58-NQ/TW, ngày …"). */
#define REF_DATE_GAP 12

const char *doc_type_code(const nqx_rules *r, const char *name, size_t len)
{
    const struct list *l = rules_list(r, "doc-type");
    const struct entry *en = l ? list_lookup(l, name, len) : NULL;
    return en ? en->value : NULL;
}

/* The type code of a number: the first of its parts ("58-NQ/TW" → NQ,
 * "05/2020/NĐ-CP" → NĐ) that list doc-code knows. */
static const char *type_of_number(const nqx_rules *r, const char *t, size_t s, size_t e)
{
    const struct list *l = rules_list(r, "doc-code");
    if (!l)
        return NULL;
    for (size_t i = s; i < e;) {
        size_t k = i;
        while (k < e && t[k] != '/' && t[k] != '-')
            k++;
        const struct entry *en = k > i ? list_lookup(l, t + i, k - i) : NULL;
        if (en && en->value)
            return en->value;
        i = k + 1;
    }
    return NULL;
}

/* The first date starting in [from, from + gap] with only spaces and commas
 * before it, or NULL. dates are in text order. */
static nqx_date *date_after(nqx_doc *doc, size_t from, size_t *cursor)
{
    while (*cursor < doc->ndates && doc->dates[*cursor].start < from)
        (*cursor)++;
    if (*cursor >= doc->ndates)
        return NULL;
    nqx_date *d = &doc->dates[*cursor];
    if (d->start > from + REF_DATE_GAP)
        return NULL;
    for (size_t i = from; i < d->start; i++)
        if (doc->norm[i] != ' ' && doc->norm[i] != ',')
            return NULL;
    return d;
}

static bool is_own_number(const nqx_doc *doc, const char *t, size_t s, size_t e)
{
    const char *own = doc->meta.number;
    return own && strlen(own) == e - s && !memcmp(own, t + s, e - s);
}

bool in_subject_of(const nqx_rules *r, const char *t, const nqx_ref *ref, size_t s)
{
    if (ref->end > s)
        return false;
    for (size_t j = ref->end; j < s; j++)
        if (strchr(",;.:()\n", t[j]))
            return false;
    size_t i = ref->end;
    while (i < s && t[i] == ' ')
        i++;
    return phrase_opens(r, "cited-subject", t + i, s - i);
}

/* Does s stand in the subject of the document cited last (by number or
 * date), in the same clause? */
static bool in_cited_subject(const nqx_doc *doc, const nqx_rules *r, size_t s)
{
    if (!doc->nrefs)
        return false;
    const nqx_ref *prev = &doc->refs[doc->nrefs - 1];
    return (prev->number || prev->date) && in_subject_of(r, doc->norm, prev, s);
}

/* The type of the document the title says this one issues or approves
 * ("Ban hành Quy chế …", "Phê duyệt Đề án …": list issuing-verb, then a
 * type word), or NULL. */
static const char *issued_type(const nqx_rules *r, const char *title)
{
    const struct list *verbs = rules_list(r, "issuing-verb");
    if (!title || !verbs)
        return NULL;
    char *f = fold_text(title, strlen(title));
    const char *code = NULL;
    for (size_t i = 0; i < verbs->n && !code; i++) {
        size_t vl = strlen(verbs->entries[i].folded);
        if (strncmp(f, verbs->entries[i].folded, vl) || f[vl] != ' ')
            continue;
        const char *p = f + vl + 1;
        /* The longest type name of one to three words. */
        for (int words = 3; words > 0 && !code; words--) {
            size_t k = 0;
            for (int w = 0; w < words && p[k]; w++) {
                if (w)
                    k++;
                while (p[k] && p[k] != ' ')
                    k++;
            }
            code = doc_type_code(r, p, k);
        }
    }
    free(f);
    return code;
}

void refs_extract(struct matcher *m, nqx_doc *doc)
{
    const nqx_rules *r = m->rules;
    const struct pattern *p;
    const char *t = doc->norm;
    size_t len = doc->norm_len, cursor = 0;
    if (!t)
        return;
    const char *issued = issued_type(r, doc->meta.title);
    size_t s, e;
    for (size_t pos = 0; scan_marked(m, &r->refs_by_start, t, len, pos, GATE_CITATION, &s, &e, &p);) {
        size_t rule = marked_rule_of(m);
        pos = e > s ? e : s + 1;
        if (rule == SIZE_MAX)
            continue;
        /* "(sau đây gọi tắt là Nghị định số 120/2020/NĐ-CP)": a short
         * name for what was just cited. */
        if (phrase_before(r, "short-name", t, 0, s))
            continue;
        size_t ts, te, ns = 0, ne = 0;
        bool has_type = group_span(m, p, "type", &ts, &te);
        bool has_number = group_span(m, p, "number", &ns, &ne);
        nqx_date *d = date_after(doc, e, &cursor);
        /* A rule that finds a type word alone says in its own pattern what
         * makes it a citation (a date, an author or a subject after it). */
        size_t end = d ? d->end : e;
        nqx_date_role d_role = d ? d->role : NQX_ROLE_PERIOD;
        if (d)
            d->role = NQX_ROLE_REFERENCE;

        /* The author is part of some names ("Nghị quyết Đại hội Đảng bộ
         * huyện lần thứ XXI"): the rule's own group issuer; else "của X". */
        size_t is = 0, ie = 0;
        size_t we = end + WINDOW_AFTER < len ? end + WINDOW_AFTER : len;
        we = nqx_utf8_floor(t, we);
        bool own_issuer = group_span(m, p, "issuer", &is, &ie);
        for (size_t i = 0; i < r->nby_role[ROLE_REF_ISSUER] && !own_issuer; i++) {
            const struct rule *ru = &r->rules[r->by_role[ROLE_REF_ISSUER][i]];
            if (pattern_match(m, &ru->pattern, t, we, end, 0) &&
                group_span(m, &ru->pattern, "issuer", &is, &ie)) {
                while (ie > is && t[ie - 1] == ' ')
                    ie--;
                matcher_trace(m, r->by_role[ROLE_REF_ISSUER][i], end);
                break;
            }
        }
        if (ie > end)
            end = ie;
        if (has_number && is_own_number(doc, t, ns, ne)) {
            /* "(Kèm theo Quyết định số … ngày … của …)": the document
             * itself; its date is not a period either. */
            *nqx_doc_add_unlisted_cite(doc) = (nqx_span){s, end};
            pos = end > pos ? end : pos;
            continue;
        }
        const char *type = has_type ? doc_type_code(r, t + ts, te - ts) : NULL;
        if (!type && has_number)
            type = type_of_number(r, t, ns, ne);
        /* "Quyết định số 225/QĐ-TTg … của Thủ tướng Chính phủ phê duyệt
         * Chương trình mục tiêu quốc gia …": a document named in the
         * subject of the one just cited is what that one is about. */
        if (has_type && !has_number && !d && ie <= is && in_cited_subject(doc, r, s)) {
            *nqx_doc_add_unlisted_cite(doc) = (nqx_span){s, end};
            pos = end > pos ? end : pos;
            continue;
        }
        /* The type word alone, with no number or author, of the document's
         * own type, or of the type its title says it issues ("Phê duyệt Đề
         * án …"): the document speaking of itself, or of what it issues. */
        bool own_type = type && ((doc->meta.type && !strcmp(type, doc->meta.type)) ||
                                 (issued && !strcmp(type, issued)));
        if (has_type && e == te && !has_number && ie <= is && own_type) {
            /* "triển khai Kế hoạch theo …", "thực hiện Đề án": no date or
             * title after it; it cites nothing. */
            if (!d && !(te + 1 < len && capital_at(t, len, te + 1)))
                continue;
            /* "Kế hoạch giai đoạn 2026 - 2030", "Đề án năm 2028": named by
             * its years, which stay a period, not a cited document's date. */
            if (d && iso_years_only(d->value)) {
                d->role = d_role;
                continue;
            }
        }
        matcher_trace(m, rule, s);
        nqx_ref *ref = nqx_doc_add_ref(doc);
        ref->line = nqx_doc_line(doc, s, NULL);
        ref->start = s;
        ref->end = end;
        ref->rule = r->rules[rule].id;
        if (has_number)
            ref->number = nqx_arena_strndup(&doc->arena, t + ns, ne - ns);
        ref->type = type;
        if (ie > is)
            ref->issuer = nqx_arena_strndup(&doc->arena, t + is, ie - is);
        if (d && !strchr(d->value, '/'))
            ref->date = d->value; /* a day, a month or a year; not a period */
        ref->text = nqx_arena_strndup(&doc->arena, t + s, end - s);
        pos = end > pos ? end : pos;
    }
}
