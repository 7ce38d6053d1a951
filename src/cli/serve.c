/* serve.c - `buzon serve`: run the HTTP server until SIGINT or SIGTERM. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/appcfg.h"
#include "cli/storecfg.h"

#include "app/app.h"
#include "base/log.h"
#include "core/mem.h"
#include "crypto/trust.h"
#include "evidence/ledger.h"
#include "deliver/smtp.h"
#include "http/login.h"
#include "http/oneshot.h"
#include "http/routes.h"
#include "http/server.h"
#include "worker/runner.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void
serve_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon serve [--config ARCHIVO] [--listen HOST:PUERTO] [--data-dir DIR]\n\n"
            "Inicia el servidor HTTP del Buzón IMSS y atiende hasta recibir SIGINT o SIGTERM;\n"
            "entonces deja de aceptar conexiones y termina las solicitudes en curso.\n\n"
            "  --config ARCHIVO      archivo INI (por omisión ./buzon.ini si existe)\n"
            "  --listen HOST:PUERTO  dirección de escucha (server.listen; 127.0.0.1:8080)\n"
            "  --data-dir DIR        base de datos SQLite, blobs y llaves generadas\n"
            "                        (server.data_dir; ./var)\n"
            "  --help                muestra esta ayuda\n\n"
            "Con worker.in_serve (por omisión) también envía los mensajes de la bandeja de\n"
            "salida y cancela las validaciones de medios de contacto vencidas.\n"
            "Varias instancias pueden correr juntas con distinto --listen y --data-dir.\n");
}

/* Create dir and its parents with mode 0700: it holds keys and personal data. */
static int
make_dirs(const char *dir, struct error *err)
{
    char path[1024];
    size_t len = strlen(dir);

    if (len == 0 || len >= sizeof(path))
        return error_set(err, "data_dir", "directorio de datos inválido: «%s»", dir);
    memcpy(path, dir, len + 1);

    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return error_set(err, "data_dir", "no se pudo crear %s: %s", path, strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return error_set(err, "data_dir", "no se pudo crear %s: %s", path, strerror(errno));
    return 0;
}

/* The e.firma trust store of [efirma]; *out stays NULL when trust_dir is empty (logins are
 * then refused with login_unavailable). */
static int
load_trust(const struct config *cfg, struct crypto_trust **out, struct error *err)
{
    struct crypto_trust_options o = {0};

    *out = NULL;
    o.dir = config_str(cfg, "efirma", "trust_dir");
    if (o.dir[0] == '\0')
        return 0;
    o.profile = strcmp(config_str(cfg, "efirma", "profile"), "test") == 0 ? CRYPTO_TRUST_TEST
                                                                          : CRYPTO_TRUST_PRODUCTION;
    o.crl_dir = config_str(cfg, "efirma", "crl_dir");
    o.ocsp_url = config_str(cfg, "efirma", "ocsp_url");
    o.ocsp_timeout_s = (int)config_int(cfg, "efirma", "ocsp_timeout_s");
    o.revocation_cache_s = (int)config_int(cfg, "efirma", "revocation_cache_s");
    o.unreachable = strcmp(config_str(cfg, "efirma", "revocation_unreachable"), "accept") == 0
                        ? CRYPTO_UNREACHABLE_ACCEPT
                        : CRYPTO_UNREACHABLE_REFUSE;
    return crypto_trust_new(&o, out, err);
}

/* The service options that come from the configuration. */
static void
service_options(const struct config *cfg, struct http_service_options *so)
{
    *so = (struct http_service_options){0};
    so->routes = http_routes;
    so->max_body_bytes = (size_t)config_int(cfg, "server", "max_body_bytes");
    so->max_header_bytes = (size_t)config_int(cfg, "server", "max_header_bytes");
    so->max_request_ms = (unsigned)config_int(cfg, "server", "max_request_s") * 1000u;
}

/*
 * `--request-file FILE`: answer the one raw HTTP request in FILE on stdout and exit, so the
 * whole request path can be replayed and fuzzed without a socket (http/oneshot.h).
 */
static int
serve_request_file(struct http_service *svc, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *raw = NULL, *out = NULL;
    size_t len = 0, cap = 0, out_len = 0;

    if (f == NULL)
        return cli_error(CLI_USAGE, "request_file", "no se pudo abrir %s: %s", path,
                         strerror(errno));
    for (size_t n = 1; n != 0; len += n) {
        if (len == cap) {
            cap = cap != 0 ? cap * 2 : 65536;
            raw = mem_realloc(raw, cap);
        }
        n = fread(raw + len, 1, cap - len, f);
    }
    fclose(f);

    http_oneshot(svc, (const uint8_t *)raw, len, &out, &out_len);
    fwrite(out, 1, out_len, stdout);
    free(out);
    free(raw);
    return CLI_OK;
}

static int
wait_for_signal(void)
{
    sigset_t set;
    int sig = 0;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigwait(&set, &sig);
    return sig;
}

int
cli_serve(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"listen", required_argument, NULL, 'l'},
                                             {"data-dir", required_argument, NULL, 'd'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"print-routes", no_argument, NULL, 'P'},
                                             {"request-file", required_argument, NULL, 'R'},
                                             {NULL, 0, NULL, 0}};
    const char *config_path = NULL, *listen = NULL, *data_dir = NULL, *request_file = NULL;
    struct http_server_options opts = {0};
    struct http_service_options so;
    struct http_service *svc = NULL;
    bool print_routes = false;
    struct http_server *srv = NULL;
    struct store *store = NULL;
    struct crypto_trust *trust = NULL;
    struct app *app = NULL;
    struct cli_app_parts parts = {0};
    struct worker_runner *runner = NULL;
    bool deliver_ready = false;
    struct config *cfg = NULL;
    struct error err = {0};
    enum log_level lvl = LOG_INFO;
    char host[256];
    sigset_t set;
    int opt, applied = 0, rc = CLI_FAIL;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            config_path = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case 'd':
            data_dir = optarg;
            break;
        case 'h':
            serve_usage(stdout);
            return CLI_OK;
        case 'P': /* hidden: the route table, for tests/http/openapi.py */
            print_routes = true;
            break;
        case 'R': /* hidden: one request from a file (http/oneshot.h) */
            request_file = optarg;
            break;
        default:
            serve_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_error(CLI_USAGE, "usage", "argumento inesperado: «%s»", argv[optind]);

    /* Options override the file and the environment; a bad value stops start-up. */
    cfg = cli_load_config(config_path, data_dir, &err);
    if (cfg == NULL)
        return cli_error_from(CLI_USAGE, &err);
    if (listen != NULL && config_set(cfg, "server", "listen", listen, &err) != 0) {
        rc = cli_error_from(CLI_USAGE, &err);
        goto out;
    }
    log_level_parse(config_str(cfg, "log", "level"), &lvl);
    log_set_level(lvl);
    log_set_rfc_key(config_str(cfg, "log", "rfc_hash_key"));

    service_options(cfg, &so);
    if (print_routes || request_file != NULL) {
        /* Offline modes: no store, hence no sessions and no logins. */
        svc = http_service_new(&so, &err);
        if (svc == NULL) {
            rc = cli_error_from(CLI_FAIL, &err);
        } else if (print_routes) {
            http_router_print(http_service_router(svc), stdout);
            rc = CLI_OK;
        } else {
            rc = serve_request_file(svc, request_file);
        }
        goto out;
    }

    if (make_dirs(config_str(cfg, "server", "data_dir"), &err) != 0) {
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }

    /* The store first: a schema newer than this program, or an old one with
     * store.migrate_on_start off, stops start-up before anything is served. */
    if (cli_store_open(cfg, config_bool(cfg, "store", "migrate_on_start"), &store, &applied,
                       &err) != STORE_OK) {
        log_error("store_failed", LOG_STR("code", err.code), LOG_STR("detail", err.detail));
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }
    if (load_trust(cfg, &trust, &err) != 0) {
        log_error("trust_failed", LOG_STR("code", err.code), LOG_STR("message", err.message));
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }
    if (cli_app_open(cfg, store, trust, true, &parts, &app, &err) != 0) {
        log_error("app_failed", LOG_STR("code", err.code), LOG_STR("message", err.message));
        /* A bad value in the configuration is a usage error, like any other at start-up. */
        rc = cli_error_from(strcmp(err.code, "config_value") == 0 ? CLI_USAGE : CLI_FAIL, &err);
        goto out;
    }
    so.auth = (struct http_auth){http_login_authenticate, app};
    so.ready = app_ready;
    so.ready_arg = app;
    so.app = app;
    svc = http_service_new(&so, &err);
    if (svc == NULL) {
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }

    /* Block the signals before threads start so that only sigwait below receives them. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    config_split_listen(config_str(cfg, "server", "listen"), host, sizeof(host), &opts.port);
    opts.host = host;
    opts.threads = (unsigned)config_int(cfg, "server", "threads");
    opts.timeout_s = (unsigned)config_int(cfg, "server", "request_timeout_s");
    opts.shutdown_grace_ms = (unsigned)config_int(cfg, "server", "shutdown_grace_s") * 1000u;
    srv = http_server_start(&opts, svc, &err);
    if (srv == NULL) {
        log_error("serve_failed", LOG_STR("code", err.code), LOG_STR("message", err.message));
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }

    /* The worker after the server: a failure here still stops both cleanly below. */
    if (config_bool(cfg, "worker", "in_serve")) {
        struct http_metrics *m = http_service_metrics(svc);

        deliver_ready = deliver_global_init() == 0;
        if (!deliver_ready || worker_runner_start(cfg, store, app, &runner, &err) != 0) {
            if (!deliver_ready)
                error_set(&err, "deliver_init", "no se pudo iniciar libcurl");
            log_error("worker_failed", LOG_STR("code", err.code), LOG_STR("message", err.message));
            http_server_stop(srv);
            rc = cli_error_from(CLI_FAIL, &err);
            goto out;
        }
        if (http_metrics_gauge_add(m, "buzon_outbox_depth",
                                   "Messages in the outbox not yet delivered nor given up.",
                                   worker_runner_depth, runner, &err) != 0 ||
            http_metrics_gauge_add(m, "buzon_worker_lag_seconds",
                                   "Age of the oldest outbox message that is due.",
                                   worker_runner_lag_seconds, runner, &err) != 0)
            log_warn("metrics_gauge_failed", LOG_STR("code", err.code));
    }

    log_info("serve_started", LOG_STR("host", host), LOG_INT("port", http_server_port(srv)),
             LOG_STR("data_dir", config_str(cfg, "server", "data_dir")),
             LOG_STR("store", store->ops->name), LOG_INT("migrations_applied", applied),
             LOG_BOOL("efirma_login", trust != NULL), LOG_BOOL("receipts", parts.ledger != NULL),
             LOG_BOOL("worker", runner != NULL));
    printf("Buzón IMSS escuchando en http://%s%s%s:%u/\n", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", http_server_port(srv));
    fflush(stdout);

    {
        int sig = wait_for_signal();
        log_info("serve_stopping", LOG_INT("signal", sig));
    }
    {
        long cut = http_server_stop(srv);

        /* Requests are done: the worker finishes the message in hand and stops. */
        worker_runner_stop(runner);
        runner = NULL;
        log_info("serve_stopped", LOG_INT("requests_cut_off", cut));
    }
    rc = CLI_OK;

out:
    worker_runner_stop(runner);
    if (deliver_ready)
        deliver_global_cleanup();
    http_service_free(svc);
    app_free(app);
    cli_app_parts_free(&parts);
    crypto_trust_free(trust);
    store_close(store);
    config_free(cfg);
    return rc;
}
