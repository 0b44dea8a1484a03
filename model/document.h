/* The document model that passes from stage to stage.
 *
 *   extract/    fills source identity, text and its line structure
 *   normalize/  fills norm (the text the rules read) and the map back to text
 *   rules/      fills the findings (targets, ...)
 *   output/     only reads it
 *
 * Line numbers always refer to the original input: line i of `text` is line i
 * of the file (extract keeps the line structure; it only re-encodes, drops
 * characters and unifies line ends), and every position of `norm` maps back
 * to a position of `text` through `anchors`. */
#ifndef NQX_DOCUMENT_H
#define NQX_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/util.h"

/* What a library call returns. The values are the command line's exit
 * statuses (SPEC §1). */
typedef enum nqx_status {
    NQX_OK = 0,
    NQX_E_INPUT = 1, /* the input was read but cannot be converted */
    NQX_E_ENV = 2,   /* a file cannot be opened or read, rules are broken */
} nqx_status;

/* An error: where it happened and what to do about it. */
typedef struct nqx_error {
    nqx_status status;
    char file[512];
    size_t line;      /* 1-based; 0 when not applicable */
    size_t column;    /* 1-based; 0 when not applicable */
    long long offset; /* byte offset in the file; -1 when not applicable */
    char message[512];
} nqx_error;

/* Fills err (when not NULL) and returns st. file may be NULL. */
nqx_status nqx_error_set(nqx_error *err, nqx_status st, const char *file, size_t line,
                         size_t column, long long offset, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Writes "FILE:LINE:COL: MESSAGE" (the parts that apply) into out. */
void nqx_error_format(const nqx_error *err, char *out, size_t size);

/* A warning about the input that did not stop its conversion. */
typedef struct nqx_diag {
    size_t line; /* 1-based line of the original input; 0 for the whole file */
    char *message;
    const char *check;  /* the draft check (check/) it is also a finding of, or NULL */
    size_t column;      /* 1-based column of `subject` (with check); 0 when unknown */
    char *subject;      /* the text it is about (with check), or NULL */
} nqx_diag;

typedef enum nqx_kind { NQX_KIND_TARGET, NQX_KIND_RESULT, NQX_KIND_ESTIMATE } nqx_kind;

typedef enum nqx_cmp {
    NQX_CMP_EQ,
    NQX_CMP_GE,
    NQX_CMP_GT,
    NQX_CMP_LE,
    NQX_CMP_LT,
    NQX_CMP_APPROX,
    NQX_CMP_RANGE,
} nqx_cmp;

typedef enum nqx_change {
    NQX_CHANGE_NONE,
    NQX_CHANGE_INCREASE,
    NQX_CHANGE_DECREASE,
    NQX_CHANGE_EXCEED,
} nqx_change;

/* Names used in the record (SPEC §2), indexed by the enums above. */
extern const char *const nqx_kind_names[];
extern const char *const nqx_cmp_names[];
extern const char *const nqx_change_names[];

/* What an estimate is of: the outcome of the current period ("ước đạt"),
 * a plan's forecast ("dự kiến"), which is a target when its years end
 * after the year of issue, or a projection ("dự báo"), an estimate
 * whatever its years. */
typedef enum {
    NQX_FORECAST_NONE,
    NQX_FORECAST_PLAN,
    NQX_FORECAST_PROJECTION
} nqx_forecast;

/* A numeric target, result or estimate. Strings belong to the document's
 * arena; NULL means the record leaves the attribute out. */
typedef struct nqx_target {
    size_t line;         /* line of the value in the original input */
    const char *section; /* section path such as "I.1" */
    nqx_kind kind;
    nqx_cmp comparator;
    nqx_change change;
    const char *value; /* canonical decimals */
    const char *min;
    const char *max;
    const char *unit;
    const char *base_value; /* value times the unit's scale word */
    const char *base_min;
    const char *base_max;
    const char *base_unit;
    size_t parent; /* 1-based index of the parent target; 0 for none */
    const char *rule;
    const char *indicator;
    const char *text;
    size_t start, end; /* the quantity's span in the normalized text */
    const char *period; /* ISO 8601 period it applies to, or NULL */
    size_t task;        /* 1-based index of the task it belongs to; 0 for none */
    nqx_forecast forecast; /* what sort of estimate; not written in the record */
} nqx_target;

/* A place a body is named. */
typedef struct nqx_mention {
    size_t line;
    const char *text; /* as written (normalized) */
    size_t start, end;
} nqx_mention;

/* A responsible body (SPEC §3.7). */
typedef struct nqx_body {
    const char *id;   /* the canonical name in ASCII: "uy-ban-nhan-dan-huyen" */
    const char *name; /* canonical: "Ủy ban nhân dân huyện" */
    const char *abbr; /* the abbreviation used, or NULL */
    const char *kind; /* "party", "state", "mass", "collective" */
    bool collective;
    nqx_mention *mentions;
    size_t nmentions, mentions_cap;
} nqx_body;

/* Who must do what, by when. */
typedef struct nqx_task {
    size_t line;
    const char *section;
    size_t *leads;    /* 1-based body indexes: the bodies of its subject */
    size_t nleads;
    size_t *support;  /* 1-based body indexes */
    size_t nsupport;
    const char *text;
    const char **deadlines; /* every deadline it states (ISO 8601), in text order */
    size_t ndeadlines;
    const char *recurrence; /* ISO 8601 duration ("P3M"), or NULL */
    size_t start, end;
} nqx_task;

/* What a date is to the document (SPEC §3.5). */
typedef enum nqx_date_role {
    NQX_ROLE_PERIOD,
    NQX_ROLE_ISSUED,
    NQX_ROLE_MEETING,
    NQX_ROLE_DEADLINE,
    NQX_ROLE_EFFECTIVE,
    NQX_ROLE_REFERENCE,
} nqx_date_role;

extern const char *const nqx_date_role_names[];

/* A date or period named in the text. */
typedef struct nqx_date {
    size_t line;          /* line of its first character */
    const char *value;    /* ISO 8601: day, month, year or start/end */
    nqx_date_role role;
    bool baseline;        /* a comparison base ("so với năm 2020") */
    const char *text;     /* as written (normalized) */
    const char *rule;
    size_t start, end;    /* span in the normalized text */
} nqx_date;

/* A span of the normalized text. */
typedef struct nqx_span {
    size_t start, end;
} nqx_span;

/* A document the text cites (SPEC §3.6). */
typedef struct nqx_ref {
    size_t line;
    const char *number; /* "58-NQ/TW", or NULL */
    const char *type;   /* type code "nghi-quyet", or NULL */
    const char *issuer; /* as the text names it, or NULL */
    const char *date;   /* ISO date of the cited document, or NULL */
    const char *text;
    const char *rule;
    size_t start, end;
} nqx_ref;

/* The document's own metadata (SPEC §5); NULL where the document is silent. */
typedef struct nqx_meta {
    const char *type;      /* type code */
    const char *type_name; /* as written: "NGHỊ QUYẾT" */
    const char *number;
    const char *issuer;
    const char *superior;
    const char *place;
    const char *date;      /* ISO */
    const char *date_text;
    const char *title;
    const char *signer_authority;
    const char *signer_position;
    const char *signer_name;
    const char **recipients;
    size_t nrecipients;
    size_t title_start, title_end; /* span of the title (when title is set) */
    size_t date_start, date_end;   /* span of the issue date in the normalized text */
    size_t header_end;             /* where the header ends (0: no header) */
    size_t tail_start;             /* where "Nơi nhận" or the signature starts (0: none) */
    size_t tail_end; /* where it ends: an appendix, a regulation it issues, may follow */
    /* A draft's header leaves the number, or the day of issue, blank for
     * the office to fill in ("Số:    /KH-UBND", "ngày   tháng   năm
     * 2026"): not in the record, but not missing either. */
    bool number_blank, date_blank;
} nqx_meta;

/* Maps normalized text back to extracted text: from `norm` onwards, position
 * norm + k corresponds to text + k (until the next anchor). */
typedef struct nqx_anchor {
    size_t norm;
    size_t text;
} nqx_anchor;

/* Zero bytes after the normalized text (nqx_doc.norm): PCRE2's JIT may
 * read a vector's width past the end of the subject it is given, and the
 * rules match lines of the text in place. */
#define NQX_TEXT_SLACK 64

typedef struct nqx_doc {
    char *source;       /* the name given on the command line ("-" for stdin) */
    char sha256[65];    /* of the original bytes, lower-case hex */
    char encoding[32];  /* the input's encoding, as the record names it */

    /* extract: UTF-8 without NUL or control characters other than tab and
     * LF; LF line ends; line i (1-based) starts at line_starts[i - 1]. */
    char *text;
    size_t text_len;
    size_t *line_starts;
    size_t nlines;
    /* Each line is a paragraph of its own (HTML, DOCX, .doc input): never
     * joined to the line before, as hard-wrapped plain text is. */
    bool lines_are_paragraphs;

    /* normalize: one logical line (paragraph, list item, heading) per line,
     * followed by NQX_TEXT_SLACK zero bytes. */
    char *norm;
    size_t norm_len;
    nqx_anchor *anchors;
    size_t nanchors;

    /* rules */
    nqx_target *targets;
    size_t ntargets;
    size_t targets_cap;

    nqx_date *dates;
    size_t ndates;
    size_t dates_cap;

    nqx_ref *refs;
    size_t nrefs;
    size_t refs_cap;
    /* Citations that are no references: where the document cites itself
     * ("(Kèm theo Quyết định số … của …)" under an appendix's heading), and
     * documents named in the subject of the one just cited ("… phê duyệt
     * Đề án …", "… quy định chi tiết Luật Bảo hiểm xã hội"). The authors and
     * names in them are no bodies of the text. In text order. */
    nqx_span *unlisted_cites;
    size_t nunlisted_cites;
    size_t unlisted_cites_cap;

    nqx_meta meta;

    nqx_body *bodies;
    size_t nbodies;
    size_t bodies_cap;

    nqx_task *tasks;
    size_t ntasks;
    size_t tasks_cap;

    nqx_diag *diags;
    size_t ndiags;
    size_t diags_cap;

    nqx_arena arena; /* owns the findings' strings */
} nqx_doc;

/* A new, empty document named source. Free with nqx_doc_free. */
nqx_doc *nqx_doc_new(const char *source);
void nqx_doc_free(nqx_doc *doc);

/* Records a warning about line (0: the whole file). */
void nqx_doc_warn(nqx_doc *doc, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Takes back the warnings recorded after the first n. */
void nqx_doc_forget_warnings(nqx_doc *doc, size_t n);

/* Records a warning about line that is also the finding of draft check
 * `check` (a static string such as "text.invalid-char"). */
void nqx_doc_warn_line_check(nqx_doc *doc, size_t line, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records a warning that is also the finding of draft check `check` (a
 * static string such as "date.invalid") about norm[start, end). */
void nqx_doc_warn_check(nqx_doc *doc, const char *check, size_t start, size_t end,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Appends a zeroed target and returns it; valid until the next append. */
nqx_target *nqx_doc_add_target(nqx_doc *doc);

/* Appends a zeroed date or reference and returns it; valid until the next
 * append of the same kind. */
nqx_date *nqx_doc_add_date(nqx_doc *doc);
nqx_ref *nqx_doc_add_ref(nqx_doc *doc);
nqx_span *nqx_doc_add_unlisted_cite(nqx_doc *doc);
nqx_task *nqx_doc_add_task(nqx_doc *doc);
/* The 1-based index of the body with this canonical name, or 0. */
size_t nqx_doc_find_body(const nqx_doc *doc, const char *name);
/* The body with this canonical name, added (with its id, kind and
 * abbreviation, which it copies) when new; returns its 1-based index. */
size_t nqx_doc_body(nqx_doc *doc, const char *id, const char *name, const char *abbr,
                    const char *kind, bool collective);
/* Records a mention of body (1-based). */
void nqx_doc_add_mention(nqx_doc *doc, size_t body, size_t line, const char *text,
                         size_t start, size_t end);

/* The position in `text` that normalized position norm_off comes from. */
size_t nqx_doc_text_offset(const nqx_doc *doc, size_t norm_off);
/* The 1-based original line of a position in `text`. */
size_t nqx_doc_text_line(const nqx_doc *doc, size_t text_off);
/* The 1-based original line and column (in characters) of a normalized
 * position; column may be NULL. */
size_t nqx_doc_line(const nqx_doc *doc, size_t norm_off, size_t *column);

#endif
