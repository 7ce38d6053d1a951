/* migrate.c - `buzon migrate`: bring the database's schema up to this program's version. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/storecfg.h"

#include <getopt.h>
#include <stdio.h>

static void
migrate_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon migrate [--config ARCHIVO] [--data-dir DIR]\n\n"
            "Aplica a la base de datos configurada (store.url) las migraciones de esquema que\n"
            "le falten, todas en una transacción. Una base de datos con un esquema más nuevo\n"
            "que este programa se rechaza sin tocarla.\n\n"
            "  --config ARCHIVO  archivo INI (por omisión ./buzon.ini si existe)\n"
            "  --data-dir DIR    directorio de datos (server.data_dir); base de una ruta\n"
            "                    sqlite: relativa\n"
            "  --help            muestra esta ayuda\n");
}

int
cli_migrate(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"data-dir", required_argument, NULL, 'd'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *config_path = NULL, *data_dir = NULL;
    struct store *s = NULL;
    struct config *cfg = NULL;
    struct error err = {0};
    int opt, applied = 0, dbv = 0, progv = 0, rc = CLI_FAIL;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            config_path = optarg;
            break;
        case 'd':
            data_dir = optarg;
            break;
        case 'h':
            migrate_usage(stdout);
            return CLI_OK;
        default:
            migrate_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_error(CLI_USAGE, "usage", "argumento inesperado: «%s»", argv[optind]);

    cfg = cli_load_config(config_path, data_dir, &err);
    if (cfg == NULL)
        return cli_error_from(CLI_USAGE, &err);

    if (cli_store_open(cfg, true, &s, &applied, &err) != STORE_OK ||
        store_schema_version(s, &dbv, &progv, &err) != STORE_OK) {
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }
    printf("Esquema de la base de datos en la versión %d (%d migraciones aplicadas).\n", dbv,
           applied);
    rc = CLI_OK;

out:
    store_close(s);
    config_free(cfg);
    return rc;
}
