/*
 * test_serve.c — `rig serve`, the operator page, as an operator and a tool
 * see it: the test writes a records file row by row with the records API,
 * under the EOL's record names (what an EOL run writes, in its order), and
 *
 *   - loads the page in headless Chromium and reads what a person sees
 *     (innerText and computed style, over the DevTools protocol on a pipe):
 *     every position's serial, its step, load point and error while the run
 *     goes on, a big green PASS or red FAIL per position when it is done,
 *     and the link to the run's report — all updated by the server's events
 *     in the one page that stays open, as on a bench monitor;
 *   - reads /api/state and /events over a plain socket;
 *   - checks the page needs nothing from the internet, and that bad input
 *     (a port in use, no such bench, a records file that is not SQLite) is
 *     one line on stderr and a non-zero exit.
 *
 * rig is found beside benchd ($RIG_BENCHD), as in test_cli.c.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "rig/error.h"
#include "rig/records.h"
#include "sim_env.h"

#define BENCH "fixtures/benches/eol-3.ini" /* 3 positions, 3 models: the EOL rack */
#define WAIT_S 30.0 /* generous: the tests run beside others on 2 shared cores, under ASan */

static char rig[PATH_MAX];
static char dir[64];
/* What a test started, for teardown to end if an assertion cut it short. */
static pid_t live_server, live_browser;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void setup(void)
{
    require_sim();
    char benchd[PATH_MAX];
    snprintf(benchd, sizeof benchd, "%s", getenv("RIG_BENCHD"));
    snprintf(rig, sizeof rig, "%s/rig", dirname(benchd));
    cr_assert(access(rig, X_OK) == 0, "no rig binary at %s", rig);
    snprintf(dir, sizeof dir, "/tmp/rig-test-serve-XXXXXX");
    cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[PATH_MAX + 256];
    if (live_browser > 0) {
        kill(-live_browser, SIGKILL); /* its own process group: it and its helpers */
        waitpid(live_browser, NULL, 0);
    }
    if (live_server > 0) {
        kill(live_server, SIGKILL);
        waitpid(live_server, NULL, 0);
    }
    if (!dir[0])
        return;
    char bench_json[128];
    snprintf(bench_json, sizeof bench_json, "%s/bench/bench.json", dir);
    if (access(bench_json, F_OK) == 0) { /* a test stopped before its sim down */
        snprintf(cmd, sizeof cmd, "'%s' sim down --dir '%s/bench' >/dev/null 2>&1", rig, dir);
        (void)!system(cmd);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)!system(cmd);
}

TestSuite(serve, .init = setup, .fini = teardown, .timeout = 150);

/* ---- running rig ---- */

struct server {
    pid_t pid;
    unsigned port;
    char first_line[512];
};

/* Run rig with args to the end; its stderr in err. Returns the exit code. */
static int run_rig(const char *const *args, char *err, size_t errlen)
{
    char errpath[128];
    snprintf(errpath, sizeof errpath, "%s/stderr", dir);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        char *argv[24] = {rig};
        for (int i = 0; args[i] && i < 22; i++)
            argv[i + 1] = (char *)args[i];
        execv(rig, argv);
        _exit(127);
    }
    /* serve runs until stopped: a bad-input case that does not exit is a
     * failure, not a hang. */
    int status = 0;
    double end = now_s() + WAIT_S;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (now_s() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            cr_assert_fail("rig %s %s did not exit", args[0], args[1] ? args[1] : "");
        }
        sleep_ms(20);
    }
    FILE *f = fopen(errpath, "r");
    size_t n = f ? fread(err, 1, errlen - 1, f) : 0;
    err[n] = '\0';
    if (f)
        fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define RUN(err, ...) run_rig((const char *const[]){__VA_ARGS__, NULL}, err, sizeof err)

/* Start `rig serve args --port 0` and read the address it prints. */
static void serve_start(struct server *s, const char *const *args)
{
    int out[2];
    cr_assert(pipe(out) == 0);
    s->pid = fork();
    cr_assert(s->pid >= 0);
    if (s->pid == 0) {
        char errpath[128];
        snprintf(errpath, sizeof errpath, "%s/serve.stderr", dir);
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        dup2(out[1], 1);
        close(out[0]);
        char *argv[24] = {rig, "serve", "--port", "0"};
        for (int i = 0; args[i] && i < 18; i++)
            argv[i + 4] = (char *)args[i];
        execv(rig, argv);
        _exit(127);
    }
    live_server = s->pid;
    close(out[1]);
    size_t n = 0;
    double end = now_s() + WAIT_S;
    while (n < sizeof s->first_line - 1 && !memchr(s->first_line, '\n', n)) {
        struct pollfd p = {out[0], POLLIN, 0};
        int left = (int)((end - now_s()) * 1000);
        cr_assert(left > 0 && poll(&p, 1, left) == 1, "rig serve printed no address");
        ssize_t r = read(out[0], s->first_line + n, sizeof s->first_line - 1 - n);
        cr_assert(r > 0, "rig serve exited before serving");
        n += (size_t)r;
        s->first_line[n] = '\0';
    }
    close(out[0]);
    const char *http = strstr(s->first_line, "http://");
    cr_assert(http, "first line: %s", s->first_line);
    const char *colon = strchr(http + 7, ':');
    cr_assert(colon && sscanf(colon + 1, "%u", &s->port) == 1 && s->port > 0, "first line: %s",
              s->first_line);
}

/* Stop it as an operator does (SIGTERM): it exits 128 + 15, promptly, even
 * with an event stream open. */
static void serve_stop(struct server *s)
{
    kill(s->pid, SIGTERM);
    int status = 0;
    double end = now_s() + 15;
    while (waitpid(s->pid, &status, WNOHANG) == 0) {
        if (now_s() > end) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            cr_assert_fail("rig serve did not stop on SIGTERM");
        }
        sleep_ms(20);
    }
    live_server = 0;
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM,
              "rig serve's exit status on SIGTERM: 0x%x", status);
}

/* ---- plain HTTP over a socket ---- */

static int connect_to(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s", strerror(errno));
    return fd;
}

static void send_request(int fd, const char *path)
{
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);
    cr_assert(write(fd, req, (size_t)n) == n);
}

/* GET path: the status, the headers and the body (malloc'd, NUL-ended). */
static int http_get(unsigned port, const char *path, char *headers, size_t hlen, char **body)
{
    int fd = connect_to(port);
    send_request(fd, path);
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    cr_assert(buf);
    ssize_t r;
    while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert(buf);
        }
    }
    close(fd);
    buf[n] = '\0';
    int status = 0;
    cr_assert(sscanf(buf, "HTTP/1.%*d %d", &status) == 1, "not HTTP: %.80s", buf);
    char *end = strstr(buf, "\r\n\r\n");
    cr_assert(end, "no end of headers");
    if (headers)
        snprintf(headers, hlen, "%.*s", (int)(end - buf), buf);
    *body = strdup(end + 4);
    free(buf);
    return status;
}

static json_t *get_state(unsigned port)
{
    char *body;
    char headers[2048];
    cr_assert_eq(http_get(port, "/api/state", headers, sizeof headers, &body), 200);
    cr_expect(strstr(headers, "application/json"), "%s", headers);
    json_error_t e;
    json_t *j = json_loads(body, 0, &e);
    cr_assert(j, "/api/state is not JSON (%s): %s", e.text, body);
    free(body);
    return j;
}

static const char *pos_str(json_t *state, unsigned i, const char *key)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(state, "positions"), i),
                                             key));
}

/* ---- the run's records, as an EOL writes them ---- */

static const char *const serials[3] = {"24120001", "24120002", "24120003"};

static void rec(struct rig_records *db, unsigned pos, const char *name, double value,
                const char *unit, double lim, const char *verdict)
{
    struct rig_record r = {.name = name, .value = value, .unit = unit, .lo = -lim, .hi = lim,
                           .verdict = verdict, .position = pos,
                           .serial = pos ? serials[pos - 1] : NULL,
                           .firmware = "fnv1a64:0123456789abcdef"};
    cr_assert_eq(rig_record_measurement(db, &r), 0, "%s", rig_last_error());
}

static void records_path(char *buf, size_t len)
{
    snprintf(buf, len, "%s/report/records.sqlite", dir);
}

static struct rig_records *start_run(void)
{
    char path[128], rd[96];
    snprintf(rd, sizeof rd, "%s/report", dir);
    mkdir(rd, 0755);
    records_path(path, sizeof path);
    struct rig_records *db;
    cr_assert_eq(rig_records_open(path, "eol-3", &db), 0, "%s", rig_last_error());
    return db;
}

/* Flash, precheck and the first calibration pass, then verification up to
 * Imin PF 1 — where the run is when the operator looks. */
static void run_until_verification(struct rig_records *db)
{
    for (unsigned p = 1; p <= 3; p++)
        rec(db, p, "eol.flash", 1, "", NAN, "PASS");
    for (unsigned p = 1; p <= 3; p++) {
        rec(db, p, "eol.precheck.pulse1_count", 12, "", NAN, "PASS");
        rec(db, p, "eol.precheck.voltage", 230.1, "V", NAN, "PASS");
    }
    const char *cal[] = {"Iref PF 1", "Iref PF 0.5L", "Ilow PF 1"};
    for (unsigned k = 0; k < 3; k++) {
        char name[64];
        snprintf(name, sizeof name, "eol.cal.pass1.%s", cal[k]);
        for (unsigned p = 1; p <= 3; p++)
            rec(db, p, name, 2.5 + p, "%", 0.2, "INFO");
    }
    for (unsigned p = 1; p <= 3; p++)
        rec(db, p, "eol.cal.i_gain", 0.97, "", NAN, "PASS");
    rec(db, 1, "eol.verify.Iref PF 1", 0.021, "%", 1.0, "PASS");
    rec(db, 2, "eol.verify.Iref PF 1", 0.034, "%", 1.0, "PASS");
    rec(db, 3, "eol.verify.Iref PF 1", -0.017, "%", 1.0, "PASS");
    rec(db, 1, "eol.verify.Imin PF 1", 0.012, "%", 1.0, "PASS");
    rec(db, 2, "eol.verify.Imin PF 1", -1.734, "%", 1.5, "FAIL");
    rec(db, 3, "eol.verify.Imin PF 1", -0.350, "%", 1.5, "PASS");
}

/* The rest: identity, seal, the verdicts (position 2 failed Imin). */
static void finish_run(struct rig_records *db)
{
    rec(db, 1, "eol.verify.worst_error_ratio", 0.021, "", 1, "PASS");
    rec(db, 2, "eol.verify.worst_error_ratio", 1.156, "", 1, "FAIL");
    rec(db, 3, "eol.verify.worst_error_ratio", 0.233, "", 1, "PASS");
    rec(db, 1, "eol.identity.serial", 24120001, "", NAN, "PASS");
    rec(db, 3, "eol.identity.serial", 24120003, "", NAN, "PASS");
    for (unsigned p = 1; p <= 3; p++)
        rec(db, p, "eol.sealed", p != 2, "", NAN, "INFO");
    for (unsigned p = 1; p <= 3; p++) {
        struct rig_record r = {.name = "eol.result", .value = p != 2, .unit = "", .lo = 1,
                               .hi = 1, .verdict = p != 2 ? "PASS" : "FAIL", .position = p,
                               .serial = serials[p - 1], .firmware = "fnv1a64:0123456789abcdef"};
        cr_assert_eq(rig_record_measurement(db, &r), 0, "%s", rig_last_error());
    }
    rec(db, 0, "eol.plan_virtual_s", 1234.5, "s", NAN, "INFO");
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

/* ---- headless Chromium over the DevTools protocol (--remote-debugging-pipe:
 * JSON messages ending in a NUL byte, ours on its fd 3, its on fd 4) ---- */

struct browser {
    pid_t pid;
    int to, from;
    char *buf;
    size_t len, cap;
    char session[128];
    int next_id;
};

static void cdp_send(struct browser *b, const char *method, json_t *params, bool in_session)
{
    json_t *m = json_pack("{s:i, s:s}", "id", ++b->next_id, "method", method);
    if (params)
        json_object_set_new(m, "params", params);
    if (in_session)
        json_object_set_new(m, "sessionId", json_string(b->session));
    char *text = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    size_t n = strlen(text) + 1; /* with its NUL */
    cr_assert(write(b->to, text, n) == (ssize_t)n, "writing to chromium: %s", strerror(errno));
    free(text);
}

/* The answer to the last command sent (events in between are skipped). */
static json_t *cdp_answer(struct browser *b)
{
    double end = now_s() + WAIT_S;
    for (;;) {
        char *nul = b->len ? memchr(b->buf, '\0', b->len) : NULL;
        if (nul) {
            size_t mlen = (size_t)(nul - b->buf) + 1;
            json_t *m = json_loads(b->buf, 0, NULL);
            memmove(b->buf, b->buf + mlen, b->len - mlen);
            b->len -= mlen;
            if (m && json_integer_value(json_object_get(m, "id")) == b->next_id)
                return m;
            json_decref(m);
            continue;
        }
        if (b->cap - b->len < 65536) {
            b->cap = b->cap * 2 + 65536;
            b->buf = realloc(b->buf, b->cap);
            cr_assert(b->buf);
        }
        struct pollfd p = {b->from, POLLIN, 0};
        int left = (int)((end - now_s()) * 1000);
        cr_assert(left > 0 && poll(&p, 1, left) == 1, "chromium does not answer");
        ssize_t r = read(b->from, b->buf + b->len, b->cap - b->len);
        cr_assert(r > 0, "chromium closed its DevTools pipe");
        b->len += (size_t)r;
    }
}

static void browser_open(struct browser *b, const char *url)
{
    memset(b, 0, sizeof *b);
    int to[2], from[2];
    cr_assert(pipe(to) == 0 && pipe(from) == 0);
    char profile[128];
    snprintf(profile, sizeof profile, "--user-data-dir=%s/chromium", dir);
    b->pid = fork();
    cr_assert(b->pid >= 0);
    if (b->pid == 0) {
        setpgid(0, 0); /* its helpers go with it when the test kills it */
        /* fds 3 and 4 are what --remote-debugging-pipe talks on. */
        int r = dup(to[0]), w = dup(from[1]);
        dup2(r, 3);
        dup2(w, 4);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        char log[128];
        snprintf(log, sizeof log, "%s/chromium.log", dir);
        int lf = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(lf, 2);
        for (int fd = 5; fd < 1024; fd++)
            close(fd);
        /* --no-sandbox: the tests run as root, where Chromium's sandbox
         * refuses to start. */
        execlp("chromium", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--disable-extensions", "--remote-debugging-pipe", profile,
               "--window-size=1280,900", url, (char *)NULL);
        _exit(127);
    }
    setpgid(b->pid, b->pid); /* as the child does: whichever runs first */
    live_browser = b->pid;
    close(to[0]);
    close(from[1]);
    b->to = to[1];
    b->from = from[0];
    /* Attach to the page the URL opened in (it may take a moment to be listed). */
    double end = now_s() + WAIT_S;
    const char *target = NULL;
    json_t *answer = NULL;
    while (!target) {
        json_decref(answer);
        cdp_send(b, "Target.getTargets", NULL, false);
        answer = cdp_answer(b);
        json_t *infos = json_object_get(json_object_get(answer, "result"), "targetInfos");
        size_t i;
        json_t *t;
        json_array_foreach(infos, i, t)
        {
            const char *type = json_string_value(json_object_get(t, "type"));
            if (type && strcmp(type, "page") == 0)
                target = json_string_value(json_object_get(t, "targetId"));
        }
        if (!target) {
            cr_assert(now_s() < end, "chromium opened no page");
            sleep_ms(100);
        }
    }
    cdp_send(b, "Target.attachToTarget", json_pack("{s:s, s:b}", "targetId", target, "flatten", 1),
             false);
    json_decref(answer);
    answer = cdp_answer(b);
    const char *session =
        json_string_value(json_object_get(json_object_get(answer, "result"), "sessionId"));
    cr_assert(session, "could not attach to the page");
    snprintf(b->session, sizeof b->session, "%s", session);
    json_decref(answer);
}

/* Evaluate a JavaScript expression in the page; its value as a string. */
static void browser_eval(struct browser *b, const char *expr, char *out, size_t len)
{
    cdp_send(b, "Runtime.evaluate",
             json_pack("{s:s, s:b}", "expression", expr, "returnByValue", 1), true);
    json_t *a = cdp_answer(b);
    json_t *v = json_object_get(json_object_get(json_object_get(a, "result"), "result"), "value");
    snprintf(out, len, "%s", json_is_string(v) ? json_string_value(v) : "");
    json_decref(a);
}

/* What a person sees of an element (innerText: only what is rendered). */
static void seen(struct browser *b, const char *selector, char *out, size_t len)
{
    char expr[512];
    snprintf(expr, sizeof expr,
             "(function(){var e=document.querySelector('%s');return e?e.innerText:'';})()",
             selector);
    browser_eval(b, expr, out, len);
}

/* Wait until the element's visible text holds every needle. */
static void wait_seen(struct browser *b, const char *selector, const char *const *needles,
                      char *out, size_t len)
{
    double end = now_s() + WAIT_S;
    for (;;) {
        seen(b, selector, out, len);
        bool all = true;
        for (size_t i = 0; needles[i]; i++)
            if (!strstr(out, needles[i]))
                all = false;
        if (all)
            return;
        if (now_s() > end)
            cr_assert_fail("%s shows:\n%s\n-- not all of what was expected (first: %s)",
                           selector, out, needles[0]);
        sleep_ms(150);
    }
}

#define WAIT_SEEN(b, sel, ...)                                                               \
    do {                                                                                     \
        char seen_[4096];                                                                    \
        wait_seen(b, sel, (const char *const[]){__VA_ARGS__, NULL}, seen_, sizeof seen_);    \
    } while (0)

static void browser_close(struct browser *b)
{
    cdp_send(b, "Browser.close", NULL, false);
    int status;
    double end = now_s() + 15;
    while (waitpid(b->pid, &status, WNOHANG) == 0) {
        if (now_s() > end) {
            kill(-b->pid, SIGKILL);
            waitpid(b->pid, &status, 0);
            break;
        }
        sleep_ms(50);
    }
    live_browser = 0;
    close(b->to);
    close(b->from);
    free(b->buf);
}

/* ---- the tests ---- */

/*
 * One page stays open from before the run to its end, as on a bench
 * monitor: everything it shows after the first moment came by events.
 */
Test(serve, chromium_follows_a_run_to_pass_fail_and_the_report)
{
    char report[96], index[128];
    snprintf(report, sizeof report, "%s/report", dir);
    snprintf(index, sizeof index, "%s/index.html", report);
    mkdir(report, 0755);
    /* A previous run's report is there: it is not this run's to link. */
    write_file(index, "<html><body>previous run</body></html>\n");
    struct utimbuf old = {time(NULL) - 3600, time(NULL) - 3600};
    utime(index, &old);

    struct server s;
    serve_start(&s, (const char *const[]){"--bench", BENCH, "--report", report, NULL});
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", s.port);
    struct browser b;
    browser_open(&b, url);

    /* Before the run: the bench's positions and that it waits. */
    WAIT_SEEN(&b, "header", "Bench eol-3", "Waiting for a run");
    WAIT_SEEN(&b, "#message", "waiting for a run", "records.sqlite");
    WAIT_SEEN(&b, "[data-position=\"1\"]", "Position 1", "24120001", "C80-1M-V3");
    WAIT_SEEN(&b, "[data-position=\"2\"]", "Position 2", "24120002", "B80-1M-V2");
    WAIT_SEEN(&b, "[data-position=\"3\"]", "Position 3", "24120003", "B80-0M-02");

    /* Calibration: the step, the load point, the error so far. */
    struct rig_records *db = start_run();
    rec(db, 1, "eol.flash", 1, "", NAN, "PASS");
    rec(db, 2, "eol.flash", 1, "", NAN, "PASS");
    rec(db, 3, "eol.flash", 1, "", NAN, "PASS");
    rec(db, 1, "eol.cal.pass1.Iref PF 0.5L", 3.217, "%", 0.2, "INFO");
    WAIT_SEEN(&b, "header", "Running");
    WAIT_SEEN(&b, "[data-position=\"1\"]", "24120001", "calibration pass 1", "Iref PF 0.5L",
              "error +3.217 %");
    WAIT_SEEN(&b, "[data-position=\"2\"]", "24120002", "flash");

    /* Verification, position 2 out of its limit at Imin. */
    run_until_verification(db);
    WAIT_SEEN(&b, "[data-position=\"1\"]", "verification", "Imin PF 1", "error +0.012 %",
              "limit \u00b11.000 %");
    WAIT_SEEN(&b, "[data-position=\"2\"]", "verification", "Imin PF 1", "error \u22121.734 %",
              "1 failed so far: eol.verify.Imin PF 1");
    WAIT_SEEN(&b, "[data-position=\"3\"]", "verification", "Imin PF 1", "error \u22120.350 %");
    char text[4096];
    seen(&b, "#positions", text, sizeof text);
    cr_expect(!strstr(text, "PASS") && !strstr(text, "FAIL"), "a verdict before the end:\n%s",
              text);
    json_t *st = get_state(s.port);
    cr_expect_str_eq(json_string_value(json_object_get(st, "status")), "running");
    cr_expect_str_eq(pos_str(st, 0, "step"), "verification");
    cr_expect_str_eq(pos_str(st, 0, "load_point"), "Imin PF 1");
    json_decref(st);

    /* The verdicts: big, green PASS and red FAIL. */
    finish_run(db);
    WAIT_SEEN(&b, "[data-position=\"1\"]", "24120001", "PASS", "sealed");
    WAIT_SEEN(&b, "[data-position=\"2\"]", "24120002", "FAIL", "not sealed",
              "failed: eol.verify.Imin PF 1");
    WAIT_SEEN(&b, "[data-position=\"3\"]", "24120003", "PASS");
    WAIT_SEEN(&b, "header", "Done: 2 PASS, 1 FAIL");
    for (int p = 1; p <= 3; p++) {
        char expr[400], style[200];
        snprintf(expr, sizeof expr,
                 "(function(){var e=document.querySelector('[data-position=\"%d\"] .verdict');"
                 "if(!e)return '';var s=getComputedStyle(e);var r=e.getBoundingClientRect();"
                 "return s.fontSize+' '+s.backgroundColor+' '+r.width+' '+r.height;})()",
                 p);
        browser_eval(&b, expr, style, sizeof style);
        float px = 0, w = 0, h = 0;
        int red = -1, green = -1, blue = -1;
        cr_assert(sscanf(style, "%fpx rgb(%d, %d, %d) %f %f", &px, &red, &green, &blue, &w, &h) ==
                      6,
                  "position %d's verdict: %s", p, style);
        cr_expect(px >= 48, "position %d's verdict is %gpx high: not big", p, px);
        cr_expect(w >= 200 && h >= 50, "position %d's verdict is %gx%g px", p, w, h);
        if (p == 2)
            cr_expect(red > 150 && green < 80, "FAIL is not red: %s", style);
        else
            cr_expect(green > 100 && red < 80, "PASS is not green: %s", style);
    }

    /* The report: not the old one; linked once this run has written it. */
    WAIT_SEEN(&b, "#report", "The report is being written");
    seen(&b, "#report", text, sizeof text);
    cr_expect(!strstr(text, "Open the run's report"), "%s", text);
    write_file(index, "<html><body>EOL report of this run</body></html>\n");
    WAIT_SEEN(&b, "#report", "Open the run's report");
    char href[256];
    browser_eval(&b, "document.getElementById('report-link').href", href, sizeof href);
    char want[96];
    snprintf(want, sizeof want, "http://127.0.0.1:%u/report/index.html", s.port);
    cr_expect_str_eq(href, want);
    char *body;
    cr_expect_eq(http_get(s.port, "/report/index.html", NULL, 0, &body), 200);
    cr_expect(strstr(body, "EOL report of this run"), "%s", body);
    free(body);
    /* Only the report directory is served. */
    cr_expect_eq(http_get(s.port, "/report/../records.sqlite", NULL, 0, &body), 404);
    free(body);
    cr_expect_eq(http_get(s.port, "/report/%2e%2e/%2e%2e/etc/passwd", NULL, 0, &body), 404);
    free(body);

    st = get_state(s.port);
    cr_expect_str_eq(json_string_value(json_object_get(st, "status")), "done");
    cr_expect_str_eq(json_string_value(json_object_get(st, "report")), "/report/index.html");
    const char *verdicts[] = {"PASS", "FAIL", "PASS"};
    for (unsigned i = 0; i < 3; i++) {
        cr_expect_str_eq(pos_str(st, i, "serial"), serials[i]);
        cr_expect_str_eq(pos_str(st, i, "verdict"), verdicts[i]);
    }
    json_decref(st);

    browser_close(&b);
    rig_records_close(db);
    serve_stop(&s);
}

#define ROWS_TIMED 300

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* Read one SSE event of type state from fd; its data, parsed. */
static json_t *next_state_event(int fd, char *buf, size_t cap, size_t *len)
{
    double end = now_s() + WAIT_S;
    for (;;) {
        buf[*len] = '\0';
        char *ev = strstr(buf, "event: state\n");
        char *data = ev ? strstr(ev, "data: ") : NULL;
        char *stop = data ? strstr(data, "\n\n") : NULL;
        if (stop) {
            *stop = '\0';
            json_error_t e;
            json_t *j = json_loads(data + 6, 0, &e);
            cr_assert(j, "event data is not JSON (%s): %s", e.text, data + 6);
            size_t used = (size_t)(stop + 2 - buf);
            memmove(buf, buf + used, *len - used);
            *len -= used;
            return j;
        }
        cr_assert(*len < cap - 1, "no event in %zu bytes", *len);
        struct pollfd p = {fd, POLLIN, 0};
        int left = (int)((end - now_s()) * 1000);
        cr_assert(left > 0 && poll(&p, 1, left) == 1, "no state event within %.0f s", WAIT_S);
        ssize_t r = read(fd, buf + *len, cap - 1 - *len);
        cr_assert(r > 0, "the event stream ended");
        *len += (size_t)r;
    }
}

/*
 * The events carry each change, at once, and the run writing its records
 * is never slowed by the reader beside it.
 */
Test(serve, events_push_each_change_and_the_writer_is_not_slowed)
{
    char records[128];
    records_path(records, sizeof records);
    struct server s;
    serve_start(&s, (const char *const[]){"--bench", BENCH, "--records", records, NULL});
    int fd = connect_to(s.port);
    send_request(fd, "/events");
    static char buf[1 << 16];
    size_t len = 0;
    while (!strstr(buf, "\r\n\r\n")) {
        ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
        cr_assert(r > 0, "no answer to /events");
        len += (size_t)r;
        buf[len] = '\0';
    }
    cr_expect(strstr(buf, "200 OK") && strstr(buf, "text/event-stream"), "%s", buf);
    json_t *ev = next_state_event(fd, buf, sizeof buf, &len);
    cr_expect_str_eq(json_string_value(json_object_get(ev, "status")), "waiting");
    cr_expect(strstr(json_string_value(json_object_get(ev, "message")), "does not exist yet"));
    json_decref(ev);

    struct rig_records *db = start_run();
    rec(db, 3, "eol.cal.pass2.Ilow PF 1", -0.042, "%", 0.3, "PASS");
    /* The run appears, then its record: possibly in one event. */
    for (;;) {
        ev = next_state_event(fd, buf, sizeof buf, &len);
        const char *step = pos_str(ev, 2, "step");
        if (step && strcmp(step, "calibration pass 2") == 0)
            break;
        json_decref(ev);
    }
    cr_expect_str_eq(json_string_value(json_object_get(ev, "status")), "running");
    cr_expect_str_eq(json_string_value(json_object_get(ev, "run")), rig_records_run(db));
    cr_expect_str_eq(pos_str(ev, 2, "load_point"), "Ilow PF 1");
    json_t *pos3 = json_array_get(json_object_get(ev, "positions"), 2);
    cr_expect_float_eq(json_real_value(json_object_get(pos3, "error_pct")), -0.042, 1e-9);
    cr_expect_float_eq(json_real_value(json_object_get(pos3, "limit_pct")), 0.3, 1e-9);
    cr_expect(json_is_null(json_object_get(json_array_get(json_object_get(ev, "positions"), 0),
                                           "step")));
    json_decref(ev);

    /*
     * Rows as fast as they come: every one is stored (a writer kept waiting
     * past its busy timeout would fail, and rec() asserts it does not), and
     * the typical write takes no longer than one to a file nobody reads.
     * Medians, since the machine is shared: a slow fsync now and then is
     * the disk's, a reader in the way would be every time.
     */
    static double alone[ROWS_TIMED], beside[ROWS_TIMED];
    char other[128];
    snprintf(other, sizeof other, "%s/unwatched.sqlite", dir);
    struct rig_records *udb;
    cr_assert_eq(rig_records_open(other, "eol-3", &udb), 0, "%s", rig_last_error());
    for (int i = 0; i < ROWS_TIMED; i++) {
        double t0 = now_s();
        rec(udb, 1 + (unsigned)i % 3, "eol.verify.Iref PF 1", 0.01 * i, "%", 1.0, "PASS");
        alone[i] = now_s() - t0;
        t0 = now_s();
        rec(db, 1 + (unsigned)i % 3, "eol.verify.Iref PF 1", 0.01 * i, "%", 1.0, "PASS");
        beside[i] = now_s() - t0;
    }
    rig_records_close(udb);
    double m_alone = median(alone, ROWS_TIMED), m_beside = median(beside, ROWS_TIMED);
    cr_expect(m_beside <= 2 * m_alone + 0.002,
              "a record takes %.2f ms to write beside rig serve, %.2f ms alone", m_beside * 1e3,
              m_alone * 1e3);
    json_t *st = NULL;
    double end = now_s() + WAIT_S;
    while (json_integer_value(json_object_get(st, "record_count")) != 1 + ROWS_TIMED) {
        json_decref(st);
        cr_assert(now_s() < end, "rig serve did not read every record");
        sleep_ms(100);
        st = get_state(s.port);
    }
    json_decref(st);

    /* A new run in the same file replaces the old on the page. */
    rig_records_close(db);
    db = start_run();
    rec(db, 2, "eol.flash", 1, "", NAN, "PASS");
    end = now_s() + WAIT_S;
    for (;;) {
        st = get_state(s.port);
        if (strcmp(json_string_value(json_object_get(st, "run")), rig_records_run(db)) == 0)
            break;
        cr_assert(now_s() < end, "the new run did not replace the old");
        json_decref(st);
        sleep_ms(100);
    }
    cr_expect_eq(json_integer_value(json_object_get(st, "record_count")), 1);
    cr_expect_str_eq(pos_str(st, 1, "step"), "flash");
    json_decref(st);

    /* Stopping ends the open stream and the server. */
    serve_stop(&s);
    close(fd);
    rig_records_close(db);
}

/* The page, its CSS and its JS come from rig, and name nothing outside. */
Test(serve, the_page_needs_nothing_from_the_internet)
{
    struct server s;
    serve_start(&s, (const char *const[]){"--bench", BENCH, "--report", dir, NULL});
    const char *paths[] = {"/", "/operator.css", "/operator.js"};
    const char *types[] = {"text/html", "text/css", "text/javascript"};
    for (int i = 0; i < 3; i++) {
        char headers[2048];
        char *body;
        cr_assert_eq(http_get(s.port, paths[i], headers, sizeof headers, &body), 200, "%s",
                     paths[i]);
        cr_expect(strstr(headers, types[i]), "%s: %s", paths[i], headers);
        cr_expect(strlen(body) > 500, "%s is %zu bytes", paths[i], strlen(body));
        cr_expect(!strstr(body, "http:") && !strstr(body, "https:") && !strstr(body, "\"//") &&
                      !strstr(body, "@import"),
                  "%s refers to something outside rig", paths[i]);
        free(body);
    }
    char *body;
    cr_expect_eq(http_get(s.port, "/nothing-here", NULL, 0, &body), 404);
    free(body);
    /* No report yet: the link target says so rather than failing. */
    cr_expect_eq(http_get(s.port, "/report/index.html", NULL, 0, &body), 404);
    free(body);
    serve_stop(&s);
}

/* Only a one-line error, a non-zero exit — and no server left running. */
static void expect_one_line(const char *err, const char *needle)
{
    cr_expect(strstr(err, needle), "stderr does not say '%s':\n%s", needle, err);
    const char *nl = strchr(err, '\n');
    cr_expect(nl && nl[1] == '\0', "not one line:\n%s", err);
    cr_expect(strncmp(err, "rig serve: ", 11) == 0, "%s", err);
}

Test(serve, bad_input_is_one_line_and_a_non_zero_exit)
{
    char err[2048], port[16], records[128];

    /* A port someone listens on. */
    int busy = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
    cr_assert(bind(busy, (struct sockaddr *)&a, sizeof a) == 0 && listen(busy, 1) == 0);
    socklen_t alen = sizeof a;
    getsockname(busy, (struct sockaddr *)&a, &alen);
    snprintf(port, sizeof port, "%u", ntohs(a.sin_port));
    cr_expect_eq(RUN(err, "serve", "--bench", BENCH, "--report", dir, "--port", port), 1);
    char want[64];
    snprintf(want, sizeof want, "port %s is in use", port);
    expect_one_line(err, want);
    close(busy);

    cr_expect_eq(RUN(err, "serve", "--bench", "fixtures/benches/nope.ini", "--port", "0"), 1);
    expect_one_line(err, "fixtures/benches/nope.ini");
    char nodir[128];
    snprintf(nodir, sizeof nodir, "%s/no-bench-here", dir);
    cr_expect_eq(RUN(err, "serve", "--dir", nodir, "--port", "0"), 1);
    expect_one_line(err, "no simulated bench");

    snprintf(records, sizeof records, "%s/records.sqlite", dir);
    write_file(records, "pos,serial,result\n1,24120001,PASS\n");
    cr_expect_eq(RUN(err, "serve", "--bench", BENCH, "--records", records, "--port", "0"), 1);
    expect_one_line(err, "is not an SQLite database");

    /* SQLite, but not a records store. */
    char other[128];
    snprintf(other, sizeof other, "%s/other.sqlite", dir);
    {
        struct rig_records *db;
        cr_assert_eq(rig_records_open(other, "x", &db), 0);
        rig_records_close(db);
        sqlite3 *s;
        cr_assert_eq(sqlite3_open(other, &s), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(s, "DROP TABLE records; DROP TABLE runs; CREATE TABLE t(x);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
        sqlite3_close(s);
    }
    cr_expect_eq(RUN(err, "serve", "--bench", BENCH, "--records", other, "--port", "0"), 1);
    expect_one_line(err, "not a records store");

    cr_expect_eq(RUN(err, "serve", "--bench", BENCH, "--records", "postgresql://db/rig",
                     "--port", "0"),
                 1);
    expect_one_line(err, "only an SQLite file");

    /* Command-line mistakes: exit 2, before anything is opened. */
    cr_expect_eq(RUN(err, "serve", "--port", "0"), 2);
    expect_one_line(err, "which bench?");
    cr_expect_eq(RUN(err, "serve", "--bench", BENCH, "--port", "70000"), 2);
    expect_one_line(err, "--port");
    cr_expect_eq(RUN(err, "serve", "--bench", BENCH, "--dir", dir), 2);
    expect_one_line(err, "not both");
}

/* A `rig sim up` bench: its positions come from bench.json, and serve does
 * not hold the bench — another command uses it while the page is up. */
Test(serve, a_sim_up_bench_gives_the_positions)
{
    char err[2048], simdir[96];
    snprintf(simdir, sizeof simdir, "%s/bench", dir);
    cr_assert_eq(RUN(err, "sim", "up", "--dir", simdir, "--units", "2", "--speed", "0"), 0, "%s",
                 err);
    struct server s;
    serve_start(&s, (const char *const[]){"--dir", simdir, "--report", dir, NULL});
    json_t *st = get_state(s.port);
    json_t *positions = json_object_get(st, "positions");
    cr_expect_eq(json_array_size(positions), 2);
    cr_expect_str_eq(json_string_value(json_object_get(st, "bench")), "sim");
    cr_expect_str_eq(json_string_value(json_object_get(st, "status")), "waiting");
    for (unsigned i = 0; i < 2; i++) {
        const char *serial = pos_str(st, i, "serial");
        cr_expect(serial && strlen(serial) == 8, "position %u serial %s", i + 1,
                  serial ? serial : "(none)");
        cr_expect(pos_str(st, i, "model") != NULL);
    }
    json_decref(st);
    cr_expect_eq(RUN(err, "read", "--dir", simdir, "--position", "1", "voltage"), 0, "%s", err);
    serve_stop(&s);
    cr_expect_eq(RUN(err, "sim", "down", "--dir", simdir), 0, "%s", err);
}

/* --help says what the page shows and where its state and events are. */
Test(serve, help_names_the_endpoints)
{
    char err[2048];
    cr_expect_eq(RUN(err, "serve", "--help"), 0, "%s", err);
    char out[PATH_MAX + 128];
    snprintf(out, sizeof out, "'%s' serve --help > '%s/help.txt'", rig, dir);
    cr_assert_eq(system(out), 0);
    snprintf(out, sizeof out, "%s/help.txt", dir);
    FILE *f = fopen(out, "r");
    cr_assert(f);
    static char help[8192];
    help[fread(help, 1, sizeof help - 1, f)] = '\0';
    fclose(f);
    const char *needles[] = {"usage: rig serve", "--bench", "--dir", "--port", "--records",
                             "--report", "/api/state", "/events", "PASS or FAIL"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        cr_expect(strstr(help, needles[i]), "--help does not mention %s:\n%s", needles[i], help);
}
