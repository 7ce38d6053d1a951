/* serve.c - `buzon serve`: run the HTTP server until SIGINT or SIGTERM. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/storecfg.h"

#include "base/log.h"
#include "http/server.h"

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
                                             {NULL, 0, NULL, 0}};
    const char *config_path = NULL, *listen = NULL, *data_dir = NULL;
    struct http_server_options opts = {0};
    struct http_server *srv = NULL;
    struct store *store = NULL;
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
        default:
            serve_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_error(CLI_USAGE, "usage", "argumento inesperado: «%s»", argv[optind]);

    /* Options override the file and the environment; a bad value stops start-up. */
    cfg = cli_load_config(config_path, &err);
    if (cfg == NULL)
        return cli_error_from(CLI_USAGE, &err);
    if ((listen != NULL && config_set(cfg, "server", "listen", listen, &err) != 0) ||
        (data_dir != NULL && config_set(cfg, "server", "data_dir", data_dir, &err) != 0)) {
        rc = cli_error_from(CLI_USAGE, &err);
        goto out;
    }
    log_level_parse(config_str(cfg, "log", "level"), &lvl);
    log_set_level(lvl);
    log_set_rfc_key(config_str(cfg, "log", "rfc_hash_key"));

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
    srv = http_server_start(&opts, &err);
    if (srv == NULL) {
        log_error("serve_failed", LOG_STR("code", err.code), LOG_STR("message", err.message));
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }

    log_info("serve_started", LOG_STR("host", host), LOG_INT("port", http_server_port(srv)),
             LOG_STR("data_dir", config_str(cfg, "server", "data_dir")),
             LOG_STR("store", store->ops->name), LOG_INT("migrations_applied", applied));
    printf("Buzón IMSS escuchando en http://%s%s%s:%u/\n", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", http_server_port(srv));
    fflush(stdout);

    {
        int sig = wait_for_signal();
        log_info("serve_stopping", LOG_INT("signal", sig));
    }
    http_server_stop(srv);
    log_info("serve_stopped");
    rc = CLI_OK;

out:
    store_close(store);
    config_free(cfg);
    return rc;
}
