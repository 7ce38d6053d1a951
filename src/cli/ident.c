/* ident.c - `buzon ident VALUE...`: recognise and validate Mexican identifiers (core/ident.h). */
#include "cli/cli.h"
#include "cli/commands.h"

#include "core/ident.h"
#include "core/mem.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
ident_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon ident VALOR...\n\n"
            "Reconoce y valida identificadores: RFC de persona moral (12 caracteres) o física\n"
            "(13), CURP (18), NSS (11 dígitos) y registro patronal del IMSS (11 caracteres).\n"
            "Antes de revisarlos quita los espacios de los extremos y pasa las letras a\n"
            "mayúsculas; no quita guiones ni espacios intermedios.\n\n"
            "Escribe un objeto JSON por línea y por valor, en el orden recibido, con:\n"
            "  input        el valor tal como llegó\n"
            "  kind         rfc_company, rfc_person, curp, nss, registro_patronal o unknown\n"
            "  valid        true o false\n"
            "  normalized   la forma normalizada (si tiene la forma de su tipo)\n"
            "  check_digit  ok o mismatch (si tiene la forma de su tipo)\n"
            "  date         fecha contenida AAAA-MM-DD (RFC y CURP, si existe)\n"
            "  error        código del problema y message su explicación (si no es válido)\n"
            "  warning      aviso para revisar un valor válido, p. ej. un RFC cuyo dígito\n"
            "               verificador no corresponde (el SAT ha asignado algunos así) o un\n"
            "               RFC genérico (entonces también generic: true)\n\n"
            "  --help  muestra esta ayuda\n\n"
            "Sale con 0 si todos los valores son válidos, 1 si alguno no lo es y 2 si no se\n"
            "dio ningún valor. Un valor que empieza con '-' va después de '--'.\n");
}

/* True when the n bytes at s are exactly well-formed UTF-8 (jansson's own check). */
static bool
is_utf8(const char *s, size_t n)
{
    json_t *str = json_stringn(s, n);
    bool ok = str != NULL;

    json_decref(str);
    return ok;
}

/*
 * A JSON string for the bytes of s as received. jansson refuses invalid UTF-8, so a byte that
 * does not start a well-formed sequence of 1 to 4 bytes becomes U+FFFD. Caller owns it.
 */
static json_t *
input_string(const char *s)
{
    size_t len = strlen(s), o = 0;
    char *clean;
    json_t *str;

    if (is_utf8(s, len))
        return json_stringn(s, len);

    clean = mem_alloc(len * 3 + 1);
    for (size_t i = 0; i < len;) {
        size_t n = 1;

        while (n <= 4 && (i + n > len || !is_utf8(s + i, n)))
            n++;
        if (n > 4) {
            memcpy(clean + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(clean + o, s + i, n);
        o += n;
        i += n;
    }
    str = json_stringn(clean, o);
    free(clean);
    return str;
}

/* The JSON line for one verdict (ident.h); caller owns the reference. */
static json_t *
verdict_json(const char *input, const struct ident *id, const struct error *err)
{
    json_t *obj = json_object();

    json_object_set_new(obj, "input", input_string(input));
    json_object_set_new(obj, "kind", json_string(ident_kind_name(id->kind)));
    json_object_set_new(obj, "valid", json_boolean(id->valid));
    if (id->parsed) {
        json_object_set_new(obj, "normalized", json_string(id->normalized));
        json_object_set_new(obj, "check_digit", json_string(ident_check_name(id->check_digit)));
    }
    if (id->has_date) {
        char date[16];

        snprintf(date, sizeof(date), "%04d-%02d-%02d", id->date.year, id->date.month, id->date.day);
        json_object_set_new(obj, "date", json_string(date));
    }
    if (id->generic)
        json_object_set_new(obj, "generic", json_true());
    if (!id->valid) {
        json_object_set_new(obj, "error", json_string(err->code));
        json_object_set_new(obj, "message", json_string(err->message));
    }
    if (id->warning_code != NULL)
        json_object_set_new(obj, "warning", json_string(id->warning));
    return obj;
}

int
cli_ident(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int opt, rc = CLI_OK;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            ident_usage(stdout);
            return CLI_OK;
        default:
            ident_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind == argc)
        return cli_error(CLI_USAGE, "usage",
                         "falta el valor a revisar: buzon ident VALOR... ('buzon ident --help')");

    for (int i = optind; i < argc; i++) {
        struct ident id;
        struct error err;
        json_t *line;

        if (ident_classify(argv[i], strlen(argv[i]), &id, &err) != 0)
            rc = CLI_FAIL;
        line = verdict_json(argv[i], &id, &err);
        json_dumpf(line, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(line);
    }
    fflush(stdout);
    return rc;
}
