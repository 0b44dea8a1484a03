/* nqx: the command line (SPEC §1). The only code that prints to the
 * terminal or exits; everything else returns a status and an error. */
#include <dirent.h>
#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/utf8.h>

#include "check/check.h"
#include "extract/extract.h"
#include "normalize/normalize.h"
#include "output/output.h"
#include "rules/rules.h"

#ifndef NQX_VERSION
#define NQX_VERSION "0.1.0"
#endif

enum exit_status { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

/* ---- Options: one table drives both parsing and --help ------------------- */

enum opt_id {
    OPT_OUTPUT,
    OPT_RULES,
    OPT_ENCODING,
    OPT_CHARMAPS,
    OPT_TEXT,
    OPT_VALIDATE,
    OPT_QUIET,
    OPT_JOBS,
    OPT_HELP,
    OPT_FORMAT,
    OPT_DISABLE,
    OPT_LANG,
};

struct option_spec {
    enum opt_id id;
    char short_name;
    const char *long_name;
    const char *arg; /* NULL: a flag */
    const char *help;
};

static const struct option_spec convert_options[] = {
    {OPT_OUTPUT, 'o', "output", "DIR",
     "write each record to DIR/PATH.xml (PATH: the input's path, extension .xml;\n"
     "two inputs never share a record: the later keeps its extension, a.docx.xml);\n"
     "required when there is more than one input"},
    {OPT_RULES, 0, "rules", "DIR",
     "read the rule files from DIR (default: $NQX_RULES, then\n"
     "the installed rules, then rules/ in the source tree)"},
    {OPT_ENCODING, 0, "encoding", "NAME",
     "read the inputs in encoding NAME instead of detecting it:\n"
     "UTF-8, UTF-16LE, UTF-16BE, windows-1258, VISCII, TCVN3,\n"
     "VNI-Windows (aliases such as cp1258, tcvn5712-1, vni work)"},
    {OPT_CHARMAPS, 0, "charmaps", "DIR",
     "read the 8-bit character maps from DIR (default:\n"
     "$NQX_CHARMAPS, then the installed maps, then\n"
     "extract/charmaps in the source tree)"},
    {OPT_TEXT, 0, "text", NULL,
     "print the normalized text the rules read, each logical line\n"
     "prefixed with its original line number, instead of the record"},
    {OPT_VALIDATE, 0, "validate", NULL,
     "check each record against the record schema before\n"
     "writing it"},
    {OPT_FORMAT, 0, "format", "FMT",
     "xml (the record, default) or html (one self-contained page:\n"
     "the text with its findings highlighted, the targets, and\n"
     "the diagnostics of 'nqx check')"},
    {OPT_JOBS, 'j', "jobs", "N",
     "convert N inputs at a time, on N threads (default 1; 0: one per\n"
     "core); the records are the same; each input's messages stay together"},
    {OPT_QUIET, 'q', "quiet", NULL, "do not print warnings"},
    {OPT_HELP, 'h', "help", NULL, "show this help"},
    {0, 0, NULL, NULL, NULL},
};

static const struct option_spec check_options[] = {
    {OPT_FORMAT, 0, "format", "FMT",
     "gcc (default: FILE:LINE:COL: error: message [id]), json, or\n"
     "sarif (SARIF 2.1.0)"},
    {OPT_DISABLE, 0, "disable", "ID",
     "do not run check ID (repeatable; ids in the README)"},
    {OPT_LANG, 0, "lang", "LANG",
     "messages in vi or en (default: from LANGUAGE, LC_ALL,\n"
     "LC_MESSAGES, LANG)"},
    {OPT_RULES, 0, "rules", "DIR", "read the rule files from DIR"},
    {OPT_ENCODING, 0, "encoding", "NAME",
     "read the inputs in encoding NAME instead of detecting it:\n"
     "UTF-8, UTF-16LE, UTF-16BE, windows-1258, VISCII, TCVN3,\n"
     "VNI-Windows (aliases such as cp1258, tcvn5712-1, vni work)"},
    {OPT_CHARMAPS, 0, "charmaps", "DIR",
     "read the 8-bit character maps from DIR (default:\n"
     "$NQX_CHARMAPS, then the installed maps, then\n"
     "extract/charmaps in the source tree)"},
    {OPT_HELP, 'h', "help", NULL, "show this help"},
    {0, 0, NULL, NULL, NULL},
};

/* The most threads --jobs starts, and the same number as text for messages. */
#define JOBS_MAX 256
#define TEXT_OF_(x) #x
#define TEXT_OF(x) TEXT_OF_(x)

struct convert_args {
    const char *output;
    const char *rules;
    const char *encoding;
    const char *charmaps;
    const char *format; /* convert: xml, html; check: gcc, json, sarif */
    const char *lang;
    bool text;
    bool validate;
    bool quiet;
    unsigned jobs; /* threads converting at once */
    bool check; /* the check command */
    const char **inputs;
    size_t ninputs;
    const char **disabled;
    size_t ndisabled;
    char **owned; /* the paths found in folders given as inputs */
    size_t nowned, owned_cap;
    /* For each input, the path its record takes under -o DIR when it is
     * not the input's own (a file of a folder given by an absolute path or
     * one with ".."), else NULL. */
    const char **record_as;
};

static const char *const check_exit_help =
    "Exit status of check:\n"
    "  0  no error (there may be warnings and notes)\n"
    "  1  an input has an error, or could not be read as text\n"
    "  2  usage or environment error: bad option, unknown check id, missing file,\n"
    "     broken rule files\n";

static const char *const exit_help =
    "Exit status:\n"
    "  0  every input converted\n"
    "  1  an input was read but could not be converted (invalid bytes for its\n"
    "     encoding, an encoding that cannot be told, a damaged container, binary\n"
    "     data), or a record failed --validate; the other inputs are still converted\n"
    "  2  usage or environment error: bad option, missing or unreadable file or\n"
    "     directory, unreadable or broken rule files\n";

static void print_usage(FILE *f)
{
    fprintf(f, "Usage: nqx convert [OPTIONS] [FILE...|-]\n"
               "       nqx check [OPTIONS] FILE...\n"
               "       nqx rules test [DIR]\n"
               "       nqx --help | --version\n");
}

static void print_options(const struct option_spec *table)
{
    for (const struct option_spec *o = table; o->long_name; o++) {
        char head[48];
        if (o->short_name)
            snprintf(head, sizeof head, "-%c, --%s%s%s", o->short_name, o->long_name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        else
            snprintf(head, sizeof head, "    --%s%s%s", o->long_name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        printf("  %-20s", head);
        for (const char *h = o->help; *h;) {
            const char *nl = strchr(h, '\n');
            size_t n = nl ? (size_t)(nl - h) : strlen(h);
            printf("%s%.*s\n", h == o->help ? "" : "                      ", (int)n, h);
            h += n + (nl ? 1 : 0);
        }
    }
}

static void print_help(void)
{
    print_usage(stdout);
    printf(
        "\nTurns Vietnamese resolution documents (nghị quyết, kế hoạch, thông báo kết\n"
        "luận, báo cáo) into XML records of their numeric targets (namespace\n"
        "urn:nqx:1; schema in output/nqx-record-1.xsd).\n\n"
        "Commands:\n"
        "  convert     one record per input; a single input's record goes to standard\n"
        "              output; FILE '-' or no FILE reads standard input; a folder\n"
        "              stands for the files under it\n"
        "  check       read drafts like a reviewer: one diagnostic per line,\n"
        "              FILE:LINE:COL: error|warning|note: message [check-id]\n"
        "  rules test  run every example embedded in the rule files\n\n"
        "Options of convert:\n");
    print_options(convert_options);
    printf("\nOptions of check:\n");
    print_options(check_options);
    printf("\nChecks:");
    for (size_t i = 0; nqx_check_ids[i]; i++)
        printf("%s%s", i % 5 ? " " : "\n  ", nqx_check_ids[i]);
    printf("\n\n%s\n%s", exit_help, check_exit_help);
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "nqx: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    print_usage(stderr);
    fprintf(stderr, "Try 'nqx --help'.\n");
    return EXIT_USAGE;
}

static const struct option_spec *find_option(const struct option_spec *table,
                                             const char *arg, const char **value)
{
    *value = NULL;
    for (const struct option_spec *o = table; o->long_name; o++) {
        if (arg[1] == '-') {
            size_t n = strlen(o->long_name);
            if (strncmp(arg + 2, o->long_name, n))
                continue;
            if (arg[2 + n] == '\0')
                return o;
            if (arg[2 + n] == '=' && o->arg) {
                *value = arg + 3 + n;
                return o;
            }
        } else if (o->short_name && arg[1] == o->short_name) {
            if (arg[2] && o->arg)
                *value = arg + 2;
            else if (arg[2])
                continue;
            return o;
        }
    }
    return NULL;
}

/* Returns -1 on success, an exit status to stop with otherwise. */
/* ---- Folders ------------------------------------------------------------------ */

/* How deep a folder given as input is searched. */
#define FOLDER_DEPTH_MAX 32

struct path_list {
    const char **v;
    const char **as; /* see convert_args.record_as */
    size_t n, cap, as_cap;
};

static void add_path_as(struct path_list *l, const char *path, const char *as)
{
    void *v = l->v;
    nqx_grow(&v, &l->cap, l->n + 1, sizeof *l->v);
    l->v = v;
    v = l->as;
    nqx_grow(&v, &l->as_cap, l->n + 1, sizeof *l->as);
    l->as = v;
    l->as[l->n] = as;
    l->v[l->n++] = path;
}

static void add_path(struct path_list *l, const char *path)
{
    add_path_as(l, path, NULL);
}

/* Keeps path until the arguments are freed. */
static char *own(struct convert_args *a, char *path)
{
    void *v = a->owned;
    nqx_grow(&v, &a->owned_cap, a->nowned + 1, sizeof *a->owned);
    a->owned = v;
    a->owned[a->nowned++] = path;
    return path;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The path the record of a file of folder root takes: the input's own
 * (NULL), unless root is absolute or climbs with "..", where only root's
 * last name is kept: "/data/archive/2024/b.txt" -> "archive/2024/b.txt". */
static const char *record_path(struct convert_args *a, const char *root, const char *path)
{
    if (root[0] != '/' && !strstr(root, ".."))
        return NULL;
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    size_t k = n;
    while (k > 0 && root[k - 1] != '/')
        k--;
    nqx_buf b = {0};
    nqx_buf_printf(&b, "%.*s%s", (int)(n - k), root + k, path + n);
    return own(a, nqx_buf_steal(&b));
}

/* The files under dir, in name order at every level; hidden entries (".x")
 * are left out and symbolic links to folders are not followed, so that a
 * link cannot make the walk endless. A folder that cannot be read is kept
 * as an input of its own: its error names it. */
static void add_folder(struct convert_args *a, struct path_list *out, const char *root,
                       const char *dir, int depth)
{
    DIR *d = depth < FOLDER_DEPTH_MAX ? opendir(dir) : NULL;
    if (!d) {
        add_path(out, dir);
        return;
    }
    struct path_list names = {0};
    for (struct dirent *e = readdir(d); e; e = readdir(d))
        if (e->d_name[0] != '.')
            add_path(&names, nqx_xstrdup(e->d_name));
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, by_name);
    for (size_t i = 0; i < names.n; i++) {
        nqx_buf b = {0};
        nqx_buf_printf(&b, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names.v[i]);
        char *path = nqx_buf_steal(&b);
        free((char *)names.v[i]);
        struct stat st;
        if (!lstat(path, &st) && S_ISDIR(st.st_mode)) {
            add_folder(a, out, root, path, depth + 1);
            free(path);
            continue;
        }
        if (stat(path, &st) || !S_ISREG(st.st_mode)) {
            free(path); /* a link to a folder, a device, a dangling link */
            continue;
        }
        add_path_as(out, own(a, path), record_path(a, root, path));
    }
    free(names.v);
    free(names.as);
}

/* Inputs that are folders become the files in them: an archivist points
 * nqx at a folder. */
static void expand_folders(struct convert_args *a)
{
    struct path_list out = {0};
    for (size_t i = 0; i < a->ninputs; i++) {
        struct stat st;
        if (strcmp(a->inputs[i], "-") && !stat(a->inputs[i], &st) && S_ISDIR(st.st_mode))
            add_folder(a, &out, a->inputs[i], a->inputs[i], 0);
        else
            add_path(&out, a->inputs[i]);
    }
    free(a->inputs);
    a->inputs = out.v;
    a->record_as = out.as;
    a->ninputs = out.n;
}

static void free_args(struct convert_args *a)
{
    for (size_t i = 0; i < a->nowned; i++)
        free(a->owned[i]);
    free(a->owned);
    free(a->record_as);
    free(a->inputs);
    free(a->disabled);
}

static int parse_convert_args(int argc, char **argv, struct convert_args *a)
{
    const struct option_spec *table = a->check ? check_options : convert_options;
    a->inputs = nqx_xcalloc((size_t)argc + 1, sizeof *a->inputs);
    a->disabled = nqx_xcalloc((size_t)argc + 1, sizeof *a->disabled);
    bool only_files = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (only_files || arg[0] != '-' || !strcmp(arg, "-")) {
            a->inputs[a->ninputs++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_files = true;
            continue;
        }
        const char *value;
        const struct option_spec *o = find_option(table, arg, &value);
        if (!o)
            return usage_error("unknown option '%s'", arg);
        if (o->arg && !value) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs an argument", arg);
            value = argv[++i];
        }
        switch (o->id) {
        case OPT_OUTPUT:
            a->output = value;
            break;
        case OPT_RULES:
            a->rules = value;
            break;
        case OPT_ENCODING:
            a->encoding = value;
            break;
        case OPT_CHARMAPS:
            a->charmaps = value;
            break;
        case OPT_TEXT:
            a->text = true;
            break;
        case OPT_VALIDATE:
            a->validate = true;
            break;
        case OPT_QUIET:
            a->quiet = true;
            break;
        case OPT_JOBS: {
            char *end;
            errno = 0;
            unsigned long n = strtoul(value, &end, 10);
            if (errno || end == value || *end || n > JOBS_MAX)
                return usage_error("--jobs takes a number of threads from 0 (one per "
                                   "core) to " TEXT_OF(JOBS_MAX) ", not '%s'",
                                   value);
            if (!n) {
                long cores = sysconf(_SC_NPROCESSORS_ONLN);
                n = cores < 1 ? 1 : cores > JOBS_MAX ? JOBS_MAX : (unsigned long)cores;
            }
            a->jobs = (unsigned)n;
            break;
        }
        case OPT_FORMAT:
            a->format = value;
            break;
        case OPT_DISABLE:
            if (!nqx_check_known(value))
                return usage_error("unknown check '%s' (see 'nqx --help' for the ids)",
                                   value);
            a->disabled[a->ndisabled++] = value;
            break;
        case OPT_LANG:
            if (strcmp(value, "vi") && strcmp(value, "en"))
                return usage_error("--lang takes vi or en, not '%s'", value);
            a->lang = value;
            break;
        case OPT_HELP:
            print_help();
            return EXIT_OK;
        }
    }
    if (a->check) {
        if (!a->format)
            a->format = "gcc";
        if (strcmp(a->format, "gcc") && strcmp(a->format, "json") &&
            strcmp(a->format, "sarif"))
            return usage_error("--format takes gcc, json or sarif, not '%s'", a->format);
        expand_folders(a);
        if (!a->ninputs)
            return usage_error("%s", "no input: give the FILE... to check");
        return -1;
    }
    if (!a->format)
        a->format = "xml";
    if (strcmp(a->format, "xml") && strcmp(a->format, "html"))
        return usage_error("--format takes xml or html, not '%s'", a->format);
    if (!a->ninputs) {
        if (isatty(STDIN_FILENO))
            return usage_error("%s", "no input: give FILE... or '-' for standard input");
        a->inputs[a->ninputs++] = "-";
    }
    size_t given = a->ninputs;
    expand_folders(a);
    if (given && !a->ninputs)
        return usage_error("%s", "no input: the folders given hold no files");
    if (a->ninputs > 1 && !a->output)
        return usage_error("%s", "several inputs need -o DIR (one record per input)");
    return -1;
}

static void setup_messages(const char *lang);

/* ---- Reporting ------------------------------------------------------------ */

/* GCC style: FILE:LINE:COL: (byte offset N) error: message, on f. */
static void report_error_to(FILE *f, const nqx_error *e)
{
    if (e->file[0]) {
        fprintf(f, "%s:", e->file);
        if (e->line) {
            fprintf(f, "%zu:", e->line);
            if (e->column)
                fprintf(f, "%zu:", e->column);
        }
        if (e->offset >= 0)
            fprintf(f, " (byte offset %lld)", e->offset);
        fputc(' ', f);
    }
    fprintf(f, "error: %s\n", e->message);
}

static void report_error(const nqx_error *e)
{
    report_error_to(stderr, e);
}

static void report_warnings(FILE *f, const nqx_doc *doc)
{
    for (size_t i = 0; i < doc->ndiags; i++) {
        if (doc->diags[i].line)
            fprintf(f, "%s:%zu: warning: %s\n", doc->source, doc->diags[i].line,
                    doc->diags[i].message);
        else
            fprintf(f, "%s: warning: %s\n", doc->source, doc->diags[i].message);
    }
}

/* ---- convert ----------------------------------------------------------------- */

/* DIR/PATH with PATH's extension replaced by ext (".xml"); an absolute PATH or one
 * that climbs out with ".." keeps only its file name. */
static char *output_path(const char *dir, const char *input, const char *ext)
{
    nqx_buf b = {0};
    const char *rel = input;
    if (!strcmp(input, "-"))
        rel = "stdin";
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    if (rel[0] == '/' || strstr(rel, "../") || !strncmp(rel, "..", 2)) {
        const char *slash = strrchr(rel, '/');
        rel = slash ? slash + 1 : rel;
    }
    nqx_buf_printf(&b, "%s/%s", dir, rel);
    char *slash = strrchr(b.data, '/');
    char *dot = strrchr(b.data, '.');
    if (dot && dot > slash)
        b.len = (size_t)(dot - b.data), b.data[b.len] = '\0';
    nqx_buf_adds(&b, ext);
    return nqx_buf_steal(&b);
}

/* path with its final extension (ext) replaced by insert + ext:
 * "out/a.xml", "-2" -> "out/a-2.xml". */
static char *path_with(const char *path, const char *insert, const char *ext)
{
    size_t n = strlen(path) - strlen(ext);
    nqx_buf b = {0};
    nqx_buf_printf(&b, "%.*s%s%s", (int)n, path, insert, ext);
    return nqx_buf_steal(&b);
}

static const char *const *sort_paths; /* for by_path: qsort has no context */

static int by_path(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    int c = strcmp(sort_paths[i], sort_paths[j]);
    return c ? c : (i > j) - (i < j);
}

/* Renames the inputs after the first of each group that shares a path
 * (input order decides): rename(i) gives the new path. Returns how many
 * were renamed. */
static size_t separate(char **paths, const char *const *inputs, size_t n, const char *ext,
                       bool numbered, bool quiet)
{
    size_t *order = nqx_xmalloc((n ? n : 1) * sizeof *order), renamed = 0;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_paths = (const char *const *)paths;
    qsort(order, n, sizeof *order, by_path);
    char **old = nqx_xcalloc(n ? n : 1, sizeof *old);
    for (size_t k = 1; k < n; k++) {
        size_t first = order[k - 1], i = order[k];
        if (strcmp(old[first] ? old[first] : paths[first], paths[i]))
            continue;
        char *path;
        if (numbered) {
            char num[32];
            snprintf(num, sizeof num, "-%zu", i + 1);
            path = path_with(paths[i], num, ext);
        } else {
            /* "a.docx" beside "a.txt": "a.docx.xml" */
            const char *slash = strrchr(inputs[i], '/'), *dot = strrchr(inputs[i], '.');
            path = path_with(paths[i], dot && (!slash || dot > slash) ? dot : "-2", ext);
        }
        old[i] = paths[i];
        paths[i] = path;
        renamed++;
    }
    for (size_t i = 0; i < n; i++)
        if (old[i]) {
            if (!quiet)
                fprintf(stderr,
                        "%s: note: %s is also the record of an earlier input; this one "
                        "goes to %s\n",
                        inputs[i], old[i], paths[i]);
            free(old[i]);
        }
    free(old);
    free(order);
    return renamed;
}

/* The output path of every input. Two inputs must not write one file
 * ("a.txt" and "a.docx"; "x/a.txt" and "../y/a.txt", which keeps only its
 * name): a record would be lost. The later ones keep their input's
 * extension ("a.docx.xml"), then take their input's number ("a-7.xml"),
 * with a note. */
static char **output_paths(const char *dir, const char *const *inputs,
                           const char *const *record_as, size_t n, const char *ext, bool quiet)
{
    char **paths = nqx_xcalloc(n ? n : 1, sizeof *paths);
    for (size_t i = 0; i < n; i++)
        paths[i] = output_path(dir, record_as && record_as[i] ? record_as[i] : inputs[i], ext);
    if (separate(paths, inputs, n, ext, false, quiet))
        separate(paths, inputs, n, ext, true, quiet);
    return paths;
}

/* Makes the directories above path that are missing. The records of a
 * batch share their directories: the one right above is looked at first,
 * and there for all but the first record written into it. */
static bool make_parents(const char *path, char *why, size_t size)
{
    char *p = nqx_xstrdup(path);
    char *last = strrchr(p, '/');
    struct stat st;
    if (last && last != p) {
        *last = '\0';
        bool there = !stat(p, &st) && S_ISDIR(st.st_mode);
        *last = '/';
        if (there) {
            free(p);
            return true;
        }
    }
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(p, 0777) && errno != EEXIST) {
            snprintf(why, size, "cannot create directory %s: %s", p, strerror(errno));
            free(p);
            return false;
        }
        *s = '/';
    }
    free(p);
    return true;
}

static void print_text(const nqx_doc *doc)
{
    for (size_t s = 0; s < doc->norm_len;) {
        const char *nl = memchr(doc->norm + s, '\n', doc->norm_len - s);
        size_t e = nl ? (size_t)(nl - doc->norm) : doc->norm_len;
        printf("%zu\t%.*s\n", nqx_doc_line(doc, s, NULL), (int)(e - s), doc->norm + s);
        s = e + 1;
    }
}

/* The HTML view of doc, with the diagnostics of every check. */
static char *html_page(const nqx_rules *rules, const nqx_doc *doc, size_t *len)
{
    nqx_findings found = {0};
    nqx_check(rules, doc, NULL, 0, &found);
    nqx_html_note *notes = nqx_xcalloc(found.n + 1, sizeof *notes);
    for (size_t i = 0; i < found.n; i++) {
        const nqx_finding *f = &found.items[i];
        notes[i] =
            (nqx_html_note){f->line, nqx_severity_names[f->severity], f->id, f->message};
    }
    char *page = nqx_record_html(doc, notes, found.n, len);
    free(notes);
    nqx_findings_free(&found);
    return page;
}

/* What convert and check need once per run: the character maps, the rules
 * and their matcher, and the options the stages take from them. */
struct pipeline {
    nqx_charmaps *charmaps;
    nqx_rules *rules;
    nqx_matcher *matcher;
    nqx_extract_opts xopts;
    nqx_normalize_opts nopts;
};

/* The document of input through extract, normalize and the rules; NULL,
 * with the error reported on msg and *status raised to its status, when a
 * stage fails. */
static nqx_doc *pipeline_run(const struct pipeline *p, const char *input, int *status,
                             FILE *msg)
{
    nqx_doc *doc = nqx_doc_new(input);
    nqx_error err = {0};
    nqx_status st = nqx_extract_file_opts(doc, input, &p->xopts, &err);
    if (!st)
        st = nqx_normalize(doc, &p->nopts, &err);
    if (!st)
        st = nqx_matcher_apply(p->matcher, doc, &err);
    if (!st)
        return doc;
    report_error_to(msg, &err);
    nqx_doc_free(doc);
    if ((int)st > *status)
        *status = (int)st;
    return NULL;
}

/* Converts one input, its messages on msg. */
static int convert_one(const struct convert_args *a, const char *input, const char *path,
                       const struct pipeline *p, const nqx_schema *schema, FILE *msg)
{
    int rc = EXIT_OK;
    nqx_doc *doc = pipeline_run(p, input, &rc, msg);
    if (!doc)
        return rc;
    if (!a->quiet)
        report_warnings(msg, doc);
    if (a->text) {
        print_text(doc);
    } else {
        size_t len;
        nqx_error err = {0};
        bool html = !strcmp(a->format, "html");
        char *xml = html ? html_page(p->rules, doc, &len) : nqx_record_xml(doc, &len);
        if (!html && schema && nqx_schema_validate(schema, xml, len, input, &err)) {
            report_error_to(msg, &err);
            rc = EXIT_PROBLEMS;
        } else if (path) {
            char why[600];
            FILE *f = NULL;
            if (!make_parents(path, why, sizeof why)) {
                fprintf(msg, "%s: error: %s\n", input, why);
                rc = EXIT_USAGE;
            } else if (!(f = fopen(path, "wb")) || fwrite(xml, 1, len, f) != len) {
                fprintf(msg, "%s: error: cannot write %s: %s\n", input, path,
                        strerror(errno));
                rc = EXIT_USAGE;
            }
            if (f && fclose(f) && rc == EXIT_OK) {
                fprintf(msg, "%s: error: cannot write %s: %s\n", input, path,
                        strerror(errno));
                rc = EXIT_USAGE;
            }
        } else {
            fwrite(xml, 1, len, stdout);
        }
        free(xml);
    }
    nqx_doc_free(doc);
    return rc;
}

static int load_rules(const char *explicit_dir, nqx_rules **rules)
{
    char *dir = nqx_rules_locate(explicit_dir);
    if (!dir) {
        fprintf(stderr, "nqx: error: cannot find the rule files; give --rules DIR or set "
                        "NQX_RULES\n");
        return EXIT_USAGE;
    }
    nqx_error err = {0};
    nqx_status st = nqx_rules_load(dir, rules, &err);
    free(dir);
    if (st) {
        report_error(&err);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The character maps, and the forced encoding checked against them, so
 * that a wrong name stops before any input is read. */
static int load_charmaps(const struct convert_args *a, nqx_charmaps **maps)
{
    char *dir = nqx_charmaps_locate(a->charmaps);
    if (!dir) {
        fprintf(stderr,
                "nqx: error: cannot find the character maps; give --charmaps DIR or "
                "set NQX_CHARMAPS\n");
        return EXIT_USAGE;
    }
    nqx_error err = {0};
    nqx_status st = nqx_charmaps_load(dir, maps, &err);
    free(dir);
    if (st) {
        report_error(&err);
        return EXIT_USAGE;
    }
    if (a->encoding && !nqx_encoding_name(a->encoding, *maps)) {
        fprintf(stderr, "nqx: error: unknown encoding '%s'; give one of %s\n",
                a->encoding, nqx_encoding_list(*maps));
        nqx_charmaps_free(*maps);
        *maps = NULL;
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int pipeline_open(const struct convert_args *a, struct pipeline *p)
{
    memset(p, 0, sizeof *p);
    int rc = load_charmaps(a, &p->charmaps);
    if (!rc && (rc = load_rules(a->rules, &p->rules))) {
        nqx_charmaps_free(p->charmaps);
        p->charmaps = NULL;
    }
    if (rc)
        return rc;
    p->matcher = nqx_matcher_new(p->rules);
    p->xopts = (nqx_extract_opts){a->encoding, p->charmaps};
    p->nopts = nqx_rules_normalize_opts(p->matcher);
    return EXIT_OK;
}

static void pipeline_close(struct pipeline *p)
{
    nqx_matcher_free(p->matcher);
    nqx_rules_free(p->rules);
    nqx_charmaps_free(p->charmaps);
}

/* ---- Several inputs at a time (--jobs) ---------------------------------------- */

/* What the threads of a batch share: the rules, maps and options (read
 * only), the next input to take, the worst status so far, and the lock
 * under which a thread prints the messages of one input at once. */
struct batch {
    const struct convert_args *a;
    const struct pipeline *p;
    const nqx_schema *schema;
    char **paths;
    atomic_size_t next;
    atomic_int worst;
    pthread_mutex_t lock;
};

static void raise_status(atomic_int *worst, int rc)
{
    int seen = atomic_load(worst);
    while (rc > seen && !atomic_compare_exchange_weak(worst, &seen, rc))
        ;
}

/* A thread of the batch: inputs one at a time until none is left, with a
 * matcher of its own on the shared rules. The messages of an input are
 * gathered and printed together. */
static void *convert_inputs(void *arg)
{
    struct batch *b = arg;
    struct pipeline p = *b->p;
    p.matcher = nqx_matcher_new(p.rules);
    p.nopts = nqx_rules_normalize_opts(p.matcher);
    for (size_t i; (i = atomic_fetch_add(&b->next, 1)) < b->a->ninputs;) {
        char *text = NULL;
        size_t len = 0;
        FILE *msg = open_memstream(&text, &len);
        int rc = convert_one(b->a, b->a->inputs[i], b->paths ? b->paths[i] : NULL, &p,
                             b->schema, msg ? msg : stderr);
        if (msg && !fclose(msg) && len) {
            pthread_mutex_lock(&b->lock);
            fwrite(text, 1, len, stderr);
            pthread_mutex_unlock(&b->lock);
        }
        free(text);
        raise_status(&b->worst, rc);
    }
    nqx_matcher_free(p.matcher);
    return NULL;
}

/* Converts every input with the given number of threads (fewer when
 * there are fewer inputs, or when a thread cannot be started); returns the
 * worst status. */
static int convert_batch(const struct convert_args *a, const struct pipeline *p,
                         const nqx_schema *schema, char **paths)
{
    struct batch b = {.a = a, .p = p, .schema = schema, .paths = paths};
    atomic_init(&b.next, 0);
    atomic_init(&b.worst, EXIT_OK);
    pthread_mutex_init(&b.lock, NULL);
    size_t n = a->jobs < a->ninputs ? a->jobs : a->ninputs;
    pthread_t *threads = nqx_xcalloc(n, sizeof *threads);
    size_t started = 0;
    while (started < n && !pthread_create(&threads[started], NULL, convert_inputs, &b))
        started++;
    if (!started) /* no thread at all: this one does the work */
        convert_inputs(&b);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&b.lock);
    return atomic_load(&b.worst);
}

static int cmd_convert(int argc, char **argv)
{
    struct convert_args a = {0};
    int rc = parse_convert_args(argc, argv, &a);
    if (rc >= 0) {
        free_args(&a);
        return rc;
    }
    if (!strcmp(a.format, "html"))
        setup_messages(NULL);
    struct pipeline p;
    if ((rc = pipeline_open(&a, &p))) {
        free_args(&a);
        return rc;
    }
    nqx_schema *schema = NULL;
    if (a.validate) {
        char *path = nqx_schema_locate();
        nqx_error err = {0};
        if (!path || nqx_schema_load(path, &schema, &err)) {
            if (!path)
                fprintf(stderr, "nqx: error: cannot find the record schema "
                                "nqx-record-1.xsd\n");
            else
                report_error(&err);
            free(path);
            pipeline_close(&p);
            free_args(&a);
            return EXIT_USAGE;
        }
        free(path);
    }
    char **paths =
        a.output && !a.text
            ? output_paths(a.output, a.inputs, a.record_as, a.ninputs,
                           !strcmp(a.format, "html") ? ".html" : ".xml", a.quiet)
            : NULL;
    int worst = EXIT_OK;
    if (a.jobs > 1 && paths) {
        worst = convert_batch(&a, &p, schema, paths);
    } else {
        for (size_t i = 0; i < a.ninputs; i++) {
            int r =
                convert_one(&a, a.inputs[i], paths ? paths[i] : NULL, &p, schema, stderr);
            if (r > worst)
                worst = r;
        }
    }
    for (size_t i = 0; paths && i < a.ninputs; i++)
        free(paths[i]);
    free(paths);
    nqx_schema_free(schema);
    pipeline_close(&p);
    free_args(&a);
    return worst;
}

/* ---- check ------------------------------------------------------------------- */

#ifndef NQX_LOCALEDIR
#define NQX_LOCALEDIR "/usr/local/share/locale"
#endif

/* Where the message catalogs are: $NQX_LOCALEDIR, else the installed
 * locale directory when it holds ours, else the build tree's (an
 * uninstalled binary run from the source tree). */
static const char *locale_dir(void)
{
    const char *env = getenv("NQX_LOCALEDIR");
    if (env && *env)
        return env;
    struct stat st;
    if (!stat(NQX_LOCALEDIR "/vi/LC_MESSAGES/nqx.mo", &st))
        return NQX_LOCALEDIR;
#ifdef NQX_BUILD_LOCALEDIR
    return NQX_BUILD_LOCALEDIR;
#else
    return NQX_LOCALEDIR;
#endif
}

/* Messages in lang ("vi", "en"), else in the language of the environment.
 * Only LC_MESSAGES changes: numbers are read and written the C way. */
static void setup_messages(const char *lang)
{
    const char *want = lang;
    static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; !want && i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            want = v;
    }
    bool vi = want && !strncmp(want, "vi", 2);
    /* gettext ignores LANGUAGE in the C locale, and a machine may lack a
     * vi_VN locale: C.UTF-8 (always there in glibc) lets LANGUAGE choose. */
    const char *cur = setlocale(LC_MESSAGES, "");
    if (vi && (!cur || !strcmp(cur, "C") || !strcmp(cur, "POSIX")))
        setlocale(LC_MESSAGES, "C.UTF-8");
    if (lang || vi)
        setenv("LANGUAGE", vi ? "vi" : "en", 1);
    bindtextdomain("nqx", locale_dir());
    bind_textdomain_codeset("nqx", "UTF-8");
}

/* A JSON string: JSON text is UTF-8, and a file name need not be, so a
 * byte that is not part of a valid UTF-8 character becomes U+FFFD. */
static void json_string(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    int32_t n = (int32_t)strnlen(s, INT32_MAX);
    putchar('"');
    for (int32_t i = 0; i < n;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0)
            fputs("\\ufffd", stdout);
        else if (c == '"' || c == '\\')
            printf("\\%c", (char)c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c < 0x20)
            printf("\\u%04x", (unsigned)c);
        else
            fwrite(p + at, 1, (size_t)(i - at), stdout);
    }
    putchar('"');
}

/* SARIF's artifactLocation.uri is a URI reference: a path's bytes other
 * than unreserved characters and '/' are percent-encoded (a space, '%',
 * '#', '?' and non-ASCII names would otherwise make it invalid). */
static void sarif_uri(const char *path)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            putchar(*p);
        else
            printf("%%%02X", *p);
    }
    putchar('"');
}

static void print_gcc(const char *file, size_t line, size_t column, const char *severity,
                      const char *message, const char *id)
{
    printf("%s:%zu:", file, line);
    if (column)
        printf("%zu:", column);
    printf(" %s: %s [%s]\n", severity, message, id);
}

static void print_findings_gcc(const char *file, const nqx_findings *found)
{
    for (size_t i = 0; i < found->n; i++) {
        const nqx_finding *f = &found->items[i];
        print_gcc(file, f->line, f->column, nqx_severity_names[f->severity], f->message,
                  f->id);
        if (f->note)
            print_gcc(file, f->note_line, f->note_column, "note", f->note, f->id);
    }
}

static void print_findings_json(const char *file, const nqx_findings *found, bool first)
{
    printf("%s\n  {\"file\": ", first ? "" : ",");
    json_string(file);
    printf(", \"errors\": %zu, \"warnings\": %zu, \"diagnostics\": [",
           nqx_findings_count(found, NQX_ERROR), nqx_findings_count(found, NQX_WARNING));
    for (size_t i = 0; i < found->n; i++) {
        const nqx_finding *f = &found->items[i];
        printf("%s\n    {\"id\": \"%s\", \"severity\": \"%s\", \"line\": %zu, "
               "\"column\": %zu, \"message\": ",
               i ? "," : "", f->id, nqx_severity_names[f->severity], f->line, f->column);
        json_string(f->message);
        if (f->note) {
            printf(", \"related\": [{\"line\": %zu, \"column\": %zu, \"message\": ",
                   f->note_line, f->note_column);
            json_string(f->note);
            printf("}]");
        }
        printf("}");
    }
    printf("%s]}", found->n ? "\n  " : "");
}

static void sarif_location(const char *file, size_t line, size_t column)
{
    printf("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
    sarif_uri(file);
    printf("}, \"region\": {\"startLine\": %zu", line ? line : 1);
    if (column)
        printf(", \"startColumn\": %zu", column);
    printf("}}");
}

static void print_findings_sarif(const char *file, const nqx_findings *found, bool *first)
{
    for (size_t i = 0; i < found->n; i++) {
        const nqx_finding *f = &found->items[i];
        printf("%s\n        {\"ruleId\": \"%s\", \"level\": \"%s\", \"message\": "
               "{\"text\": ",
               *first ? "" : ",", f->id, nqx_severity_names[f->severity]);
        *first = false;
        json_string(f->message);
        printf("}, \"locations\": [");
        sarif_location(file, f->line, f->column);
        printf("}]");
        if (f->note) {
            printf(", \"relatedLocations\": [");
            sarif_location(file, f->note_line, f->note_column);
            printf(", \"id\": 1, \"message\": {\"text\": ");
            json_string(f->note);
            printf("}}]");
        }
        printf("}");
    }
}

static int cmd_check(int argc, char **argv)
{
    struct convert_args a = {.check = true};
    int rc = parse_convert_args(argc, argv, &a);
    if (rc >= 0) {
        free_args(&a);
        return rc;
    }
    setup_messages(a.lang);
    struct pipeline p;
    if ((rc = pipeline_open(&a, &p))) {
        free_args(&a);
        return rc;
    }
    bool json = !strcmp(a.format, "json"), sarif = !strcmp(a.format, "sarif"),
         first = true;
    if (json)
        printf("{\"version\": 1, \"files\": [");
    if (sarif)
        printf("{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", "
               "\"version\": \"2.1.0\",\n  \"runs\": [{\"tool\": {\"driver\": {\"name\": "
               "\"nqx\", \"version\": \"%s\", \"rules\": [",
               NQX_VERSION);
    for (size_t i = 0; sarif && nqx_check_ids[i]; i++)
        printf("%s{\"id\": \"%s\"}", i ? ", " : "", nqx_check_ids[i]);
    if (sarif)
        printf("]}},\n      \"results\": [");
    int worst = EXIT_OK;
    for (size_t i = 0; i < a.ninputs; i++) {
        nqx_doc *doc = pipeline_run(&p, a.inputs[i], &worst, stderr);
        if (!doc)
            continue;
        nqx_findings found = {0};
        nqx_check(p.rules, doc, a.disabled, a.ndisabled, &found);
        if (json)
            print_findings_json(a.inputs[i], &found, first), first = false;
        else if (sarif)
            print_findings_sarif(a.inputs[i], &found, &first);
        else
            print_findings_gcc(a.inputs[i], &found);
        if (nqx_findings_count(&found, NQX_ERROR) && worst < EXIT_PROBLEMS)
            worst = EXIT_PROBLEMS;
        nqx_findings_free(&found);
        nqx_doc_free(doc);
    }
    if (json)
        printf("\n]}\n");
    if (sarif)
        printf("\n      ]}]}\n");
    pipeline_close(&p);
    free_args(&a);
    return worst;
}

/* ---- rules test -------------------------------------------------------------- */

static int cmd_rules(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "test") || argc > 2)
        return usage_error("%s", "expected 'nqx rules test [DIR]'");
    nqx_rules *rules = NULL;
    int rc = load_rules(argc == 2 ? argv[1] : NULL, &rules);
    if (rc)
        return rc;
    nqx_matcher *matcher = nqx_matcher_new(rules);
    nqx_normalize_opts nopts = nqx_rules_normalize_opts(matcher);
    nopts.furniture = NULL; /* an example is a line of text, never a page's furniture */
    size_t n = nqx_rules_example_count(rules), failed = 0;
    for (size_t i = 0; i < n; i++) {
        const nqx_example *ex = nqx_rules_example(rules, i);
        nqx_doc *doc = nqx_doc_new(ex->file);
        nqx_error err = {0};
        char why[600] = "";
        bool ok = !nqx_extract_bytes(doc, ex->text, strlen(ex->text), &err) &&
                  !nqx_normalize(doc, &nopts, &err);
        if (!ok)
            snprintf(why, sizeof why, "cannot read the example: %s", err.message);
        else
            ok = nqx_rules_check_example(rules, ex, doc, why, sizeof why);
        if (!ok) {
            failed++;
            fprintf(stderr, "%s:%zu: error: rule %s: %s: %s\n    %s\n", ex->file,
                    ex->line, ex->rule, ex->counter ? "counter" : "example", why,
                    ex->text);
        }
        nqx_doc_free(doc);
    }
    printf("%zu examples, %zu failed\n", n, failed);
    nqx_matcher_free(matcher);
    nqx_rules_free(rules);
    return failed ? EXIT_PROBLEMS : EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "no command");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        print_help();
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("nqx %s\n", NQX_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "convert"))
        return cmd_convert(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "rules"))
        return cmd_rules(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}
