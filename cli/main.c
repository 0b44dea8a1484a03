/* nqx: the command line (SPEC §1). The only code that prints to the
 * terminal or exits; everything else returns a status and an error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    OPT_HELP
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
     "write each record to DIR/PATH.xml (PATH: the input's path, extension .xml);\n"
     "required when there is more than one input"},
    {OPT_RULES, 0, "rules", "DIR", "read the rule files from DIR (default: $NQX_RULES, then\n"
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
    {OPT_VALIDATE, 0, "validate", NULL, "check each record against the record schema before\n"
                                        "writing it"},
    {OPT_QUIET, 'q', "quiet", NULL, "do not print warnings"},
    {OPT_HELP, 'h', "help", NULL, "show this help"},
};
#define NOPTIONS (sizeof convert_options / sizeof *convert_options)

struct convert_args {
    const char *output;
    const char *rules;
    const char *encoding;
    const char *charmaps;
    bool text;
    bool validate;
    bool quiet;
    const char **inputs;
    size_t ninputs;
};

static const char *const exit_help =
    "Exit status:\n"
    "  0  every input converted\n"
    "  1  an input was read but could not be converted (invalid bytes for its\n"
    "     encoding, an encoding that cannot be told, binary data), or a record\n"
    "     failed --validate; the other inputs are still converted\n"
    "  2  usage or environment error: bad option, missing or unreadable file or\n"
    "     directory, unreadable or broken rule files\n";

static void print_usage(FILE *f)
{
    fprintf(f, "Usage: nqx convert [OPTIONS] [FILE...|-]\n"
               "       nqx rules test [DIR]\n"
               "       nqx --help | --version\n");
}

static void print_help(void)
{
    print_usage(stdout);
    printf("\nTurns Vietnamese resolution documents (nghị quyết, kế hoạch, thông báo kết\n"
           "luận, báo cáo) into XML records of their numeric targets (namespace\n"
           "urn:nqx:1; schema in output/nqx-record-1.xsd).\n\n"
           "Commands:\n"
           "  convert     one record per input; a single input's record goes to standard\n"
           "              output; FILE '-' or no FILE reads standard input\n"
           "  rules test  run every example embedded in the rule files\n\n"
           "Options of convert:\n");
    for (size_t i = 0; i < NOPTIONS; i++) {
        const struct option_spec *o = &convert_options[i];
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
    printf("\n%s", exit_help);
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

static const struct option_spec *find_option(const char *arg, const char **value)
{
    *value = NULL;
    for (size_t i = 0; i < NOPTIONS; i++) {
        const struct option_spec *o = &convert_options[i];
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
static int parse_convert_args(int argc, char **argv, struct convert_args *a)
{
    a->inputs = calloc((size_t)argc + 1, sizeof *a->inputs);
    if (!a->inputs)
        abort();
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
        const struct option_spec *o = find_option(arg, &value);
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
        case OPT_HELP:
            print_help();
            return EXIT_OK;
        }
    }
    if (!a->ninputs) {
        if (isatty(STDIN_FILENO))
            return usage_error("%s", "no input: give FILE... or '-' for standard input");
        a->inputs[a->ninputs++] = "-";
    }
    if (a->ninputs > 1 && !a->output)
        return usage_error("%s", "several inputs need -o DIR (one record per input)");
    return -1;
}

/* ---- Reporting ------------------------------------------------------------ */

/* GCC style: FILE:LINE:COL: (byte offset N) error: message. */
static void report_error(const nqx_error *e)
{
    if (e->file[0]) {
        fprintf(stderr, "%s:", e->file);
        if (e->line) {
            fprintf(stderr, "%zu:", e->line);
            if (e->column)
                fprintf(stderr, "%zu:", e->column);
        }
        if (e->offset >= 0)
            fprintf(stderr, " (byte offset %lld)", e->offset);
        fputc(' ', stderr);
    }
    fprintf(stderr, "error: %s\n", e->message);
}

static void report_warnings(const nqx_doc *doc)
{
    for (size_t i = 0; i < doc->ndiags; i++) {
        if (doc->diags[i].line)
            fprintf(stderr, "%s:%zu: warning: %s\n", doc->source, doc->diags[i].line,
                    doc->diags[i].message);
        else
            fprintf(stderr, "%s: warning: %s\n", doc->source, doc->diags[i].message);
    }
}

/* ---- convert ----------------------------------------------------------------- */

/* DIR/PATH with PATH's extension replaced by .xml; an absolute PATH or one
 * that climbs out with ".." keeps only its file name. */
static char *output_path(const char *dir, const char *input)
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
    nqx_buf_adds(&b, ".xml");
    return nqx_buf_steal(&b);
}

static bool make_parents(const char *path, char *why, size_t size)
{
    char *p = nqx_xstrdup(path);
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

static int convert_one(const struct convert_args *a, const char *input,
                       const nqx_extract_opts *xopts, const nqx_rules *rules,
                       nqx_matcher *matcher, const nqx_schema *schema)
{
    nqx_doc *doc = nqx_doc_new(input);
    nqx_error err = {0};
    nqx_normalize_opts nopts = nqx_rules_normalize_opts(matcher);
    nqx_status st = nqx_extract_file_opts(doc, input, xopts, &err);
    if (!st)
        st = nqx_normalize(doc, &nopts, &err);
    if (!st)
        st = nqx_rules_apply(rules, doc, &err);
    if (st) {
        report_error(&err);
        nqx_doc_free(doc);
        return (int)st;
    }
    if (!a->quiet)
        report_warnings(doc);
    int rc = EXIT_OK;
    if (a->text) {
        print_text(doc);
    } else {
        size_t len;
        char *xml = nqx_record_xml(doc, &len);
        if (schema && nqx_schema_validate(schema, xml, len, input, &err)) {
            report_error(&err);
            rc = EXIT_PROBLEMS;
        } else if (a->output) {
            char *path = output_path(a->output, input);
            char why[600];
            FILE *f = NULL;
            if (!make_parents(path, why, sizeof why)) {
                fprintf(stderr, "%s: error: %s\n", input, why);
                rc = EXIT_USAGE;
            } else if (!(f = fopen(path, "wb")) || fwrite(xml, 1, len, f) != len) {
                fprintf(stderr, "%s: error: cannot write %s: %s\n", input, path,
                        strerror(errno));
                rc = EXIT_USAGE;
            }
            if (f && fclose(f) && rc == EXIT_OK) {
                fprintf(stderr, "%s: error: cannot write %s: %s\n", input, path,
                        strerror(errno));
                rc = EXIT_USAGE;
            }
            free(path);
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
        fprintf(stderr, "nqx: error: cannot find the character maps; give --charmaps DIR or "
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
        fprintf(stderr, "nqx: error: unknown encoding '%s'; give one of %s\n", a->encoding,
                nqx_encoding_list(*maps));
        nqx_charmaps_free(*maps);
        *maps = NULL;
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int cmd_convert(int argc, char **argv)
{
    struct convert_args a = {0};
    int rc = parse_convert_args(argc, argv, &a);
    if (rc >= 0) {
        free(a.inputs);
        return rc;
    }
    nqx_charmaps *charmaps = NULL;
    if ((rc = load_charmaps(&a, &charmaps))) {
        free(a.inputs);
        return rc;
    }
    nqx_rules *rules = NULL;
    if ((rc = load_rules(a.rules, &rules))) {
        nqx_charmaps_free(charmaps);
        free(a.inputs);
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
            nqx_rules_free(rules);
            nqx_charmaps_free(charmaps);
            free(a.inputs);
            return EXIT_USAGE;
        }
        free(path);
    }
    nqx_matcher *matcher = nqx_matcher_new(rules);
    nqx_extract_opts xopts = {a.encoding, charmaps};
    int worst = EXIT_OK;
    for (size_t i = 0; i < a.ninputs; i++) {
        int r = convert_one(&a, a.inputs[i], &xopts, rules, matcher, schema);
        if (r > worst)
            worst = r;
    }
    nqx_matcher_free(matcher);
    nqx_schema_free(schema);
    nqx_rules_free(rules);
    nqx_charmaps_free(charmaps);
    free(a.inputs);
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
            fprintf(stderr, "%s:%zu: error: rule %s: %s: %s\n    %s\n", ex->file, ex->line,
                    ex->rule, ex->counter ? "counter" : "example", why, ex->text);
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
    if (!strcmp(cmd, "rules"))
        return cmd_rules(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}
