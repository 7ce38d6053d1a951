/* worker.c - `buzon worker`: deliver the outbox and sweep expired contact validations. */
#include "cli/appcfg.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/storecfg.h"

#include "base/log.h"
#include "deliver/smtp.h"
#include "worker/runner.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static void
worker_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon worker [--config ARCHIVO] [--data-dir DIR] [--once]\n\n"
            "Envía los mensajes de la bandeja de salida (correos y SMS de validación y avisos)\n"
            "y cancela los registros de medios de contacto no confirmados en 72 horas\n"
            "(numeral 5.2 de los Lineamientos), hasta recibir SIGINT o SIGTERM; entonces\n"
            "termina el mensaje en curso y sale. Varios procesos pueden compartir una base\n"
            "PostgreSQL: ningún mensaje se envía dos veces.\n\n"
            "  --config ARCHIVO  archivo INI (por omisión ./buzon.ini si existe)\n"
            "  --data-dir DIR    directorio de datos (server.data_dir)\n"
            "  --once            una sola pasada: barre, envía lo pendiente y sale\n"
            "  --help            muestra esta ayuda\n");
}

static int
run(const struct config *cfg, struct store *store, struct app *app, bool once, struct error *err)
{
    struct worker_runner *runner = NULL;
    sigset_t set;
    int sig = 0;

    if (once) {
        size_t sent = 0, swept = 0;

        if (worker_run_once(cfg, store, app, &sent, &swept, err) != 0)
            return -1;
        printf("%zu mensajes procesados, %zu registros de medios de contacto cancelados\n", sent,
               swept);
        return 0;
    }

    /* Only sigwait below receives the signals: block them before any thread starts. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (worker_runner_start(cfg, store, app, &runner, err) != 0)
        return -1;
    printf("Trabajador del Buzón IMSS en marcha\n");
    fflush(stdout);
    sigwait(&set, &sig);
    log_info("worker_stopping", LOG_INT("signal", sig));
    worker_runner_stop(runner);
    log_info("worker_stopped");
    return 0;
}

int
cli_worker(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"data-dir", required_argument, NULL, 'd'},
                                             {"once", no_argument, NULL, 'o'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *config_path = NULL, *data_dir = NULL;
    struct cli_app_parts parts = {0};
    struct store *store = NULL;
    struct config *cfg = NULL;
    struct app *app = NULL;
    struct error err = {0};
    enum log_level lvl = LOG_INFO;
    bool once = false, curl = false;
    int opt, rc = CLI_FAIL;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            config_path = optarg;
            break;
        case 'd':
            data_dir = optarg;
            break;
        case 'o':
            once = true;
            break;
        case 'h':
            worker_usage(stdout);
            return CLI_OK;
        default:
            worker_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_error(CLI_USAGE, "usage", "argumento inesperado: «%s»", argv[optind]);

    cfg = cli_load_config(config_path, data_dir, &err);
    if (cfg == NULL)
        return cli_error_from(CLI_USAGE, &err);
    log_level_parse(config_str(cfg, "log", "level"), &lvl);
    log_set_level(lvl);
    log_set_rfc_key(config_str(cfg, "log", "rfc_hash_key"));

    if (cli_store_open(cfg, config_bool(cfg, "store", "migrate_on_start"), &store, NULL, &err) !=
            STORE_OK ||
        cli_app_open(cfg, store, NULL, true, &parts, &app, &err) != 0) {
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }
    if (deliver_global_init() != 0) {
        rc = cli_error(CLI_FAIL, "deliver_init", "no se pudo iniciar libcurl");
        goto out;
    }
    curl = true;
    rc = run(cfg, store, app, once, &err) == 0 ? CLI_OK : cli_error_from(CLI_FAIL, &err);

out:
    if (curl)
        deliver_global_cleanup();
    app_free(app);
    cli_app_parts_free(&parts);
    store_close(store);
    config_free(cfg);
    return rc;
}
