/*
 * cmd_serve.c — `rig serve`: the operator page of a factory bench (serve.h).
 *
 * The records store the run writes is the source of truth: serve only
 * reads it, so it can be started before, during or after a run, restarted
 * at will, and never touches the bench the run is using.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench_config.h"
#include "cli/cli.h"
#include "cli/serve.h"

#define VERB "serve"
#define DEFAULT_PORT 8080
#define DEFAULT_REPORT_DIR "reports/latest" /* where `make run` writes */
/* How often the records store is read: a person sees a change within it,
 * and one short query four times a second costs the run nothing. */
#define POLL_MS 250

static void usage(FILE *f)
{
    fprintf(f,
            "usage: rig serve (--bench FILE | --dir DIR) [--port P] [--records FILE]\n"
            "                 [--report DIR]\n\n"
            "The operator page of a factory bench, on http://HOST:P/ (all interfaces; the\n"
            "first line printed gives the address): every position's serial and model, and\n"
            "while an EOL run goes on its step (flash, precheck, calibration pass N,\n"
            "verification, identify, seal), its load point and the error so far; when the\n"
            "run is done a big PASS or FAIL per position and a link to the run's report.\n"
            "It updates itself (server-sent events). Everything is served by rig itself:\n"
            "no internet is needed.\n\n"
            "  --bench FILE    the bench file (fixtures/benches/NAME.ini) or\n"
            "  --dir DIR       a simulated bench started with rig sim up: only read for its\n"
            "                  positions, models and serials; the bench is not opened, so\n"
            "                  serving never touches a run that is using it\n"
            "  --port P        TCP port, default %d; 0 picks a free one\n"
            "  --report DIR    the run's report directory, default %s; its\n"
            "                  index.html is linked (and served under /report/) when done\n"
            "  --records FILE  the run's records (SQLite), default REPORT_DIR/records.sqlite;\n"
            "                  it may not exist yet: the page then says it waits for a run\n\n"
            "Endpoints: / (the page), /api/state (the same state as JSON), /events\n"
            "(server-sent events: \"state\" with the whole state on every change),\n"
            "/report/... (the report directory).\n\n"
            "The run shown is the latest in the records of this bench (by name), else the\n"
            "latest of any. serve reads the records read-only and never waits for the\n"
            "writer. It runs until interrupted (SIGINT, SIGTERM, SIGHUP: exit 128 + the\n"
            "signal). Errors — no such bench, records that are not SQLite, a port in use —\n"
            "are one line on stderr and exit 1 (2 for a command-line mistake).\n",
            DEFAULT_PORT, DEFAULT_REPORT_DIR);
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* The positions, models and serials, from the bench's description only. */
static void load_bench(const char *bench_file, const char *dir, struct serve_config *cfg)
{
    struct rig_bench_config *bc = NULL;
    /*
     * Not rig_bench_open/attach: opening a real bench talks to its source
     * and claims its pulse lines (and switches the source off if that
     * fails), a kind = sim file starts a private benchd, and either would
     * wait for — or break into — the run being watched. The description is
     * all the page needs.
     */
    int rc = dir ? rig_bench_config_load_json(dir, &bc) : rig_bench_config_load(bench_file, &bc);
    if (rc < 0)
        cli_fail(VERB, NULL, "%s", rig_last_error());
    snprintf(cfg->bench_name, sizeof cfg->bench_name, "%s", bc->name ? bc->name : "");
    cfg->positions = bc->positions < SERVE_MAX_POSITIONS ? bc->positions : SERVE_MAX_POSITIONS;
    for (unsigned i = 0; i < cfg->positions; i++) {
        const struct rig_position *p = &bc->pos[i].pub;
        cfg->pos[i].number = i + 1;
        snprintf(cfg->pos[i].model, sizeof cfg->pos[i].model, "%s", p->model ? p->model : "");
        snprintf(cfg->pos[i].serial, sizeof cfg->pos[i].serial, "%s",
                 p->serial ? p->serial : "");
    }
    rig_bench_config_free(bc);
}

/* A listening socket on port (0: any free one); *bound is the port. */
static int listen_on(unsigned port, unsigned *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        cli_fail(VERB, NULL, "cannot create a socket: %s", strerror(errno));
    /* Restarting serve must not wait for the old connections' TIME_WAIT;
     * a port another program listens on is still refused. */
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE)
            cli_fail(VERB, NULL, "port %u is in use (another rig serve?) — choose another with "
                                 "--port",
                     port);
        cli_fail(VERB, NULL, "cannot listen on port %u: %s", port, strerror(e));
    }
    if (listen(fd, 16) != 0) {
        int e = errno;
        close(fd);
        cli_fail(VERB, NULL, "cannot listen on port %u: %s", port, strerror(e));
    }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *bound = ntohs(a.sin_port);
    return fd;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: the poll's sleep ends at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A viewer closing its tab mid-write must not end the server. */
    signal(SIGPIPE, SIG_IGN);
}

static int shared_init(struct serve_shared *sh)
{
    memset(sh, 0, sizeof *sh);
    pthread_condattr_t ca;
    /* Event streams wait with a monotonic deadline (serve_http.c). */
    if (pthread_mutex_init(&sh->lock, NULL) != 0 || pthread_condattr_init(&ca) != 0 ||
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&sh->changed, &ca) != 0)
        return -1;
    pthread_condattr_destroy(&ca);
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"bench", required_argument, NULL, 'b'},  {"dir", required_argument, NULL, 'd'},
        {"port", required_argument, NULL, 'p'},   {"records", required_argument, NULL, 'r'},
        {"report", required_argument, NULL, 'R'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *bench_file = NULL, *dir = NULL, *records = NULL, *report = NULL;
    unsigned port = DEFAULT_PORT;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'b': bench_file = optarg; break;
        case 'd': dir = optarg; break;
        case 'p': port = cli_unsigned(VERB, "--port", optarg, 0, 65535); break;
        case 'r': records = optarg; break;
        case 'R': report = optarg; break;
        case 'h': usage(stdout); return 0;
        default:
            cli_usage(VERB, "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        cli_usage(VERB, "unexpected '%s'", argv[optind]);
    if (bench_file && dir)
        cli_usage(VERB, "give --dir or --bench, not both");
    if (!bench_file && !dir)
        cli_usage(VERB, "which bench? give --dir DIR (a rig sim up bench) or --bench FILE");
    if (records && strstr(records, "://"))
        cli_fail(VERB, NULL, "--records %s: only an SQLite file is supported so far — give the "
                             "records.sqlite the run writes",
                 records);

    static struct serve_config cfg; /* large (paths); read by the server's threads */
    load_bench(bench_file, dir, &cfg);
    if (!report)
        report = DEFAULT_REPORT_DIR;
    snprintf(cfg.report_dir, sizeof cfg.report_dir, "%s", report);
    if (records)
        snprintf(cfg.records_path, sizeof cfg.records_path, "%s", records);
    else
        snprintf(cfg.records_path, sizeof cfg.records_path, "%s/records.sqlite", report);

    static struct serve_shared shared;
    if (shared_init(&shared) != 0)
        cli_fail(VERB, NULL, "cannot set up the server's threads");
    char why[700];
    struct serve_follow *follow;
    if (serve_follow_open(&cfg, &shared, &follow, why, sizeof why) < 0)
        cli_fail(VERB, NULL, "%s", why);

    unsigned bound;
    int fd = listen_on(port, &bound);
    catch_signals();
    struct serve_http *http = serve_http_start(fd, &cfg, &shared, why, sizeof why);
    if (!http) {
        serve_follow_close(follow);
        cli_fail(VERB, NULL, "%s", why);
    }
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    printf("rig serve: http://%s:%u/ — bench %s, %u positions, records %s\n", host, bound,
           cfg.bench_name, cfg.positions, cfg.records_path);
    fflush(stdout);

    while (!stop_signal) {
        struct timespec ts = {0, POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
        if (!stop_signal)
            serve_follow_poll(follow);
    }
    serve_http_stop(http);
    serve_follow_close(follow);
    pthread_mutex_lock(&shared.lock);
    free(shared.json);
    shared.json = NULL;
    pthread_mutex_unlock(&shared.lock);
    fprintf(stderr, "rig serve: stopped\n");
    return 128 + stop_signal;
}
