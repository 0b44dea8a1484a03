/* The command line (SPEC §1): exit statuses, messages that name the file,
 * batches where one bad input does not stop the others. Runs the binary
 * named by $NQX_BIN (default build/nqx). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/helpers.h"

static char tmp[64];

/* Runs nqx with args (NULL-terminated); stdin_path may be NULL. */
static struct nqx_run run_nqx(const char *stdin_path, const char *const *args)
{
    struct nqx_run r = run_nqx_in(tmp, stdin_path, args, NULL);
    assert_true(r.status >= 0);
    return r;
}

static void write_tmp(const char *name, const char *data, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(data, 1, len, f);
    fclose(f);
}

static const char *tmp_path(const char *name)
{
    static char paths[8][128];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 128, "%s/%s", tmp, name);
    return p;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/nqx-cli-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    const char good[] = "Tổng sản lượng lương thực đạt 115.500 tấn trở lên.\n";
    write_tmp("good.txt", good, sizeof good - 1);
    write_tmp("bad.txt", "ab\xE9\n", 4);
    write_tmp("empty.txt", "", 0);
    const char nul[] = "dòng một\ndòng\0 hai đạt 5 tấn\n";
    write_tmp("nul.txt", nul, sizeof nul - 1);
    char bin[512];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(i % 3 ? 0 : 'x');
    write_tmp("binary.dat", bin, sizeof bin);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    return system(cmd);
}

static void help_and_version(void **state)
{
    (void)state;
    struct nqx_run r = run_nqx(NULL, (const char *[]){"--help", NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Exit status:"));
    assert_non_null(strstr(r.out, "--rules DIR"));
    free_nqx_run(&r);
    r = run_nqx(NULL, (const char *[]){"--version", NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "nqx "));
    free_nqx_run(&r);
}

static void usage_errors_exit_2(void **state)
{
    (void)state;
    const char *const *cases[] = {
        (const char *[]){NULL},
        (const char *[]){"frobnicate", NULL},
        (const char *[]){"convert", "--no-such-option", NULL},
        (const char *[]){"convert", "--rules", NULL},
        (const char *[]){"convert", "a.txt", "b.txt", NULL},
        (const char *[]){"rules", "check", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct nqx_run r = run_nqx(NULL, cases[i]);
        if (r.status != 2)
            fail_msg("case %zu: status %d", i, r.status);
        assert_non_null(strstr(r.err, "nqx: "));
        free_nqx_run(&r);
    }
}

static void a_good_file(void **state)
{
    (void)state;
    struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", "--validate", tmp_path("good.txt"),
                                                  NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "value=\"115500\""));
    if (*r.err)
        fail_msg("stderr: %s", r.err);
    free_nqx_run(&r);
    /* The same through standard input. */
    r = run_nqx(tmp_path("good.txt"), (const char *[]){"convert", "-", NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "source=\"-\""));
    assert_non_null(strstr(r.out, "value=\"115500\""));
    free_nqx_run(&r);
    /* --text shows what the rules read, with original line numbers. */
    r = run_nqx(NULL, (const char *[]){"convert", "--text", tmp_path("good.txt"), NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "1\tTổng sản lượng"));
    free_nqx_run(&r);
}

static void bad_inputs(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int status;
        const char *says;
    } cases[] = {
        {"bad.txt", 1, "bad.txt:1:3: (byte offset 2) error: invalid UTF-8"},
        {"binary.dat", 1, "binary.dat: error: binary data"},
        {"missing.txt", 2, "missing.txt: error: cannot open"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", tmp_path(cases[i].name), NULL});
        if (r.status != cases[i].status || !strstr(r.err, cases[i].says))
            fail_msg("%s: status %d, stderr '%s'", cases[i].name, r.status, r.err);
        if (*r.out)
            fail_msg("%s: stdout '%.200s'", cases[i].name, r.out);
        free_nqx_run(&r);
    }
}

/* A VNI-Windows file is detected, --encoding forces, a wrong name stops. */
static void encodings(void **state)
{
    (void)state;
    /* "Tổng sản lượng đạt 5 tấn." in VNI-Windows. */
    const char vni[] = "To\xE5ng sa\xFBn l\xF6\xF4\xF8ng \xF1" "a\xEFt 5 ta\xE1n.\n";
    write_tmp("vni.txt", vni, sizeof vni - 1);
    struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", "--validate", tmp_path("vni.txt"),
                                                  NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "encoding=\"VNI-Windows\""));
    assert_non_null(strstr(r.out, "unit=\"tấn\""));
    free_nqx_run(&r);
    r = run_nqx(NULL, (const char *[]){"convert", "--text", "--encoding", "windows-1258",
                                       tmp_path("vni.txt"), NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "1\tToå"));
    free_nqx_run(&r);
    r = run_nqx(NULL, (const char *[]){"convert", "--encoding=KOI8-R", tmp_path("vni.txt"),
                                       NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown encoding 'KOI8-R'"));
    free_nqx_run(&r);
}

static void damaged_but_convertible(void **state)
{
    (void)state;
    struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", "--validate",
                                                  tmp_path("nul.txt"), NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "nul.txt:2: warning: dropped 1 control character"));
    assert_non_null(strstr(r.out, "value=\"5\""));
    free_nqx_run(&r);
    r = run_nqx(NULL, (const char *[]){"convert", "--validate", tmp_path("empty.txt"), NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "empty.txt: warning: the file is empty"));
    assert_non_null(strstr(r.out, "<targets/>"));
    free_nqx_run(&r);
    r = run_nqx(NULL, (const char *[]){"convert", "-q", tmp_path("empty.txt"), NULL});
    assert_string_equal(r.err, "");
    free_nqx_run(&r);
}

static void a_batch_goes_on_past_a_bad_file(void **state)
{
    (void)state;
    const char *out = tmp_path("out");
    struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", "-o", out, tmp_path("good.txt"),
                                                  tmp_path("bad.txt"), tmp_path("empty.txt"),
                                                  NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad.txt:1:3"));
    char path[256];
    struct stat st;
    /* An absolute input keeps only its name under the output directory. */
    snprintf(path, sizeof path, "%s/good.xml", out);
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/empty.xml", out);
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/bad.xml", out);
    assert_int_not_equal(stat(path, &st), 0);
    free_nqx_run(&r);
    /* A missing file in the batch: environment error wins. */
    r = run_nqx(NULL, (const char *[]){"convert", "-o", out, tmp_path("good.txt"),
                                       tmp_path("missing.txt"), NULL});
    assert_int_equal(r.status, 2);
    free_nqx_run(&r);
}

/* Two inputs that would write one record ("good.txt" and "good.md"; the
 * same name in two folders) both keep theirs, with a note. */
static void records_never_overwrite_each_other(void **state)
{
    (void)state;
    const char *out = tmp_path("out2");
    const char *good = "Tỷ lệ hộ nghèo giảm còn dưới 2%.\n";
    write_tmp("good.md", good, strlen(good));
    struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", "-o", out, tmp_path("good.txt"),
                                                  tmp_path("good.md"), tmp_path("good.txt"),
                                                  NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "note:"));
    const char *names[] = {"good.xml", "good.md.xml", "good.txt.xml"};
    for (size_t i = 0; i < 3; i++) {
        char path[256];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", out, names[i]);
        if (stat(path, &st))
            fail_msg("no record %s", path);
    }
    free_nqx_run(&r);
}

/* A folder given as input is the files under it, in name order; hidden
 * files are left out; each record mirrors its file's path. A folder with no
 * file is a usage error. */
static void a_folder_is_its_files(void **state)
{
    (void)state;
    char dir[128], sub[160], path[256];
    snprintf(dir, sizeof dir, "%s/archive", tmp);
    snprintf(sub, sizeof sub, "%s/2024", dir);
    assert_int_equal(mkdir(dir, 0777), 0);
    assert_int_equal(mkdir(sub, 0777), 0);
    const char good[] = "Tỷ lệ hộ nghèo giảm còn dưới 2%.\n";
    write_tmp("archive/a.txt", good, sizeof good - 1);
    write_tmp("archive/2024/b.txt", good, sizeof good - 1);
    write_tmp("archive/.hidden.txt", "ab\xE9\n", 4);
    const char *out = tmp_path("folder-out");
    struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", "-o", out, dir, NULL});
    if (r.status != 0)
        fail_msg("status %d, stderr '%s'", r.status, r.err);
    free_nqx_run(&r);
    /* A folder given by an absolute path keeps only its own name: its
     * files keep their path below it. */
    const char *records[] = {"archive/a.xml", "archive/2024/b.xml"};
    for (size_t i = 0; i < 2; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", out, records[i]);
        if (stat(path, &st))
            fail_msg("no record %s", path);
    }
    snprintf(path, sizeof path, "%s/empty-folder", tmp);
    assert_int_equal(mkdir(path, 0777), 0);
    r = run_nqx(NULL, (const char *[]){"convert", path, NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "hold no files"));
    free_nqx_run(&r);
}

static int by_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of s, sorted, joined again: messages compared without their
 * order. */
static char *sorted_lines(const char *s)
{
    size_t n = 0, cap = 0;
    char **v = NULL, *copy = strdup(s), *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        void *p = v;
        nqx_grow(&p, &cap, n + 1, sizeof *v);
        v = p;
        v[n++] = l;
    }
    qsort(v, n, sizeof *v, by_line);
    nqx_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        nqx_buf_adds(&b, v[i]);
        nqx_buf_addc(&b, '\n');
    }
    nqx_buf_reserve(&b, 0);
    free(v);
    free(copy);
    return nqx_buf_steal(&b);
}

/* --jobs: inputs converted three at a time, or one per core (0), give the
 * records, the status and the messages of one at a time (the messages
 * perhaps in another order); a bad number of threads is a usage error. */
static void jobs_change_nothing_but_time(void **state)
{
    (void)state;
    const char *inputs[] = {tmp_path("good.txt"),
                            tmp_path("bad.txt"),
                            tmp_path("empty.txt"),
                            tmp_path("nul.txt"),
                            tmp_path("binary.dat"),
                            "corpus/000_4aaa128fdcdd808e.txt",
                            "corpus/001_6b148786673183a1.txt",
                            "corpus/003_18d23912a9f3419c.txt",
                            "corpus/004_6185c4486b55f039.txt",
                            "corpus/hdnd-xa-nq-2026.txt",
                            "corpus/ubnd-bc-quy3-2024.txt"};
    const size_t n = sizeof inputs / sizeof *inputs;
    const char *jobs[3] = {NULL, "3", "0"};
    struct nqx_run runs[3];
    char out_dirs[3][160];
    for (size_t k = 0; k < 3; k++) {
        const char *args[32] = {"convert", "-o", out_dirs[k]};
        snprintf(out_dirs[k], sizeof out_dirs[k], "%s/jobs-%s", tmp,
                 jobs[k] ? jobs[k] : "none");
        size_t a = 3;
        if (jobs[k]) {
            args[a++] = "-j";
            args[a++] = jobs[k];
        }
        for (size_t i = 0; i < n; i++)
            args[a++] = inputs[i];
        args[a] = NULL;
        runs[k] = run_nqx(NULL, args);
    }
    assert_int_equal(runs[0].status, 1);
    char *e0 = sorted_lines(runs[0].err);
    assert_non_null(strstr(e0, "bad.txt:1:3"));
    for (size_t k = 1; k < 3; k++) {
        assert_int_equal(runs[k].status, runs[0].status);
        char *ek = sorted_lines(runs[k].err);
        assert_string_equal(ek, e0);
        free(ek);
    }
    free(e0);
    const char *records[] = {"good.xml",
                             "empty.xml",
                             "nul.xml",
                             "bad.xml",
                             "binary.xml",
                             "corpus/000_4aaa128fdcdd808e.xml",
                             "corpus/ubnd-bc-quy3-2024.xml"};
    for (size_t i = 0; i < sizeof records / sizeof *records; i++) {
        for (size_t k = 1; k < 3; k++) {
            char p0[256], p1[256];
            size_t l0 = 0, l1 = 0;
            snprintf(p0, sizeof p0, "%s/%s", out_dirs[0], records[i]);
            snprintf(p1, sizeof p1, "%s/%s", out_dirs[k], records[i]);
            char *r0 = read_file(p0, &l0), *r1 = read_file(p1, &l1);
            if (!r0 != !r1 || l0 != l1 || (r0 && memcmp(r0, r1, l0)))
                fail_msg("record %s differs with --jobs %s", records[i], jobs[k]);
            free(r0);
            free(r1);
        }
    }
    for (size_t k = 0; k < 3; k++)
        free_nqx_run(&runs[k]);
    const char *bad[] = {"-1", "x", "3x", "257"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", "-j", bad[i], "-o",
                                                          tmp_path("jobs-bad"),
                                                          tmp_path("good.txt"), NULL});
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "--jobs"));
        free_nqx_run(&r);
    }
}

static void broken_rules(void **state)
{
    (void)state;
    write_tmp("x.rules", "rule r\n    role: skip\n    pattern: (\n", 37);
    struct nqx_run r = run_nqx(NULL, (const char *[]){"convert", "--rules", tmp, tmp_path("good.txt"),
                                                  NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "x.rules:3: (byte offset 1) error: pattern: missing closing"));
    free_nqx_run(&r);
    r = run_nqx(NULL, (const char *[]){"rules", "test", "/no/such/dir", NULL});
    assert_int_equal(r.status, 2);
    free_nqx_run(&r);
    r = run_nqx(NULL, (const char *[]){"rules", "test", NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, " 0 failed"));
    free_nqx_run(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(usage_errors_exit_2),
        cmocka_unit_test(a_good_file),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(encodings),
        cmocka_unit_test(damaged_but_convertible),
        cmocka_unit_test(a_batch_goes_on_past_a_bad_file),
        cmocka_unit_test(records_never_overwrite_each_other),
        cmocka_unit_test(a_folder_is_its_files),
        cmocka_unit_test(jobs_change_nothing_but_time),
        cmocka_unit_test(broken_rules),
    };
    return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
