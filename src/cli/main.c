/* main.c - `buzon`: dispatch to a subcommand. */
#include "cli/cli.h"
#include "cli/commands.h"

#include "buzon_version.h"

#include <stdio.h>
#include <sys/stat.h>
#include <string.h>

const struct cli_command cli_commands[] = {
    {"serve", "inicia el servidor HTTP del Buzón IMSS", cli_serve},
    {"ident", "valida RFC, CURP, NSS y registro patronal", cli_ident},
    {"clock", "reloj legal: días hábiles, zonas, acuses, notificaciones y plazos", cli_clock},
    {"verify", "comprueba sin conexión un acuse sellado o dos cabezas del árbol", cli_verify},
    {"efirma", "revisa certificados de e.firma, firma y verifica cadenas", cli_efirma},
    {"migrate", "aplica las migraciones pendientes del esquema de la base de datos", cli_migrate},
    {"mailbox", "buzones: importación de los habilitados en 2020, resumen de un buzón",
     cli_mailbox},
    {"worker", "envía la bandeja de salida y cancela validaciones vencidas", cli_worker},
    {"staff", "registra y lista a los servidores públicos y sus roles", cli_staff},
    {"token", "emite, revoca y lista credenciales de sistemas del IMSS", cli_token},
    {NULL, NULL, NULL},
};

static void
usage(FILE *out)
{
    fprintf(out, "Uso: buzon [--version] [--help] SUBCOMANDO [OPCIONES]\n\n"
                 "Buzón IMSS: notificaciones electrónicas, actuaciones firmadas con e.firma y\n"
                 "acuses de recibo sellados.\n\n"
                 "Subcomandos:\n");
    for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fprintf(out, "\n'buzon SUBCOMANDO --help' describe las opciones de cada uno.\n\n"
                 "Códigos de salida:\n"
                 "  0  correcto\n"
                 "  1  falla: la operación no pudo hacerse, o un valor revisado no es válido\n"
                 "  2  uso incorrecto o entrada mal formada: no se hizo nada\n\n"
                 "Configuración: buzon.ini en el directorio actual o --config ARCHIVO; "
                 "cada clave\n"
                 "puede sustituirse con la variable de entorno BUZON_SECCION_CLAVE\n"
                 "(docs/configuration.md).\n");
}

int
main(int argc, char **argv)
{
    /* Everything buzon writes (databases, blobs, keys, receipts) is private to its user. */
    umask(077);

    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("buzon %s\n", BUZON_VERSION);
        return CLI_OK;
    }

    for (const struct cli_command *c = cli_commands; c->name != NULL; c++) {
        if (strcmp(argv[1], c->name) == 0)
            return c->run(argc - 1, argv + 1);
    }
    return cli_error(CLI_USAGE, "unknown_command",
                     "subcomando desconocido: «%s»; 'buzon --help' muestra la lista", argv[1]);
}
