/* verify.c - `buzon verify`: check a receipt bundle or two tree heads offline. */
#include "cli/cli.h"
#include "cli/commands.h"

#include "evidence/verify.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VERIFY_FILE_MAX = 4 << 20 };

static void
verify_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon verify [--trust ARCHIVO|DIR] ACUSE.json\n"
            "     buzon verify --consistency [--trust ARCHIVO|DIR] ANTERIOR.json NUEVA.json\n\n"
            "Comprueba sin conexión un acuse sellado (archivo JSON buzon-receipt/1): la cadena\n"
            "original reconstruida de sus datos, el sello digital, el certificado de sello y su\n"
            "cadena de certificación, la inclusión en el árbol de acuses y la firma de la cabeza\n"
            "del árbol. Con --consistency comprueba que la cabeza NUEVA contiene sin cambios a\n"
            "la ANTERIOR (buzon-tree-head/1; NUEVA trae la prueba de consistencia).\n\n"
            "  --trust ARCHIVO|DIR   certificados de las autoridades de confianza (PEM, o un\n"
            "                        directorio de archivos PEM o DER); sin él la cadena de\n"
            "                        certificación no puede comprobarse y el resultado es falla\n"
            "  --consistency         compara dos cabezas del árbol\n"
            "  --help                muestra esta ayuda\n\n"
            "Imprime un veredicto JSON con cada comprobación y la primera que falló.\n"
            "Sale con 0 solo si todas pasan; 1 si alguna falla; 2 si el archivo no se puede\n"
            "leer o no tiene la forma esperada.\n");
}

/* Print v as one JSON object on stdout and return the exit code it means. */
static int
print_verdict(const char *kind, const struct evidence_verdict *v)
{
    json_t *checks = json_array(), *obj;

    for (int i = 0; v->checks[i] != NULL; i++) {
        const char *result = i < v->n_passed ? "ok" : i == v->n_passed ? "failed" : "not_run";

        json_array_append_new(checks,
                              json_pack("{s:s, s:s}", "name", v->checks[i], "result", result));
    }
    obj = json_pack("{s:b, s:s, s:o}", "valid", v->valid, "kind", kind, "checks", checks);
    if (strcmp(kind, "receipt") == 0 && v->folio[0] != '\0')
        json_object_set_new(obj, "folio", json_string(v->folio));
    if (v->n_passed > 0) {
        json_object_set_new(obj, "tree_size", json_integer((json_int_t)v->tree_size));
        if (strcmp(kind, "consistency") == 0)
            json_object_set_new(obj, "old_tree_size", json_integer((json_int_t)v->old_tree_size));
        else
            json_object_set_new(obj, "leaf_index", json_integer((json_int_t)v->leaf_index));
    }
    if (!v->valid) {
        json_object_set_new(obj, "failed_check", json_string(v->checks[v->n_passed]));
        json_object_set_new(obj, "error", json_string(v->err.code));
        json_object_set_new(obj, "message", json_string(v->err.message));
    }
    json_dumpf(obj, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    json_decref(obj);

    if (v->valid)
        return CLI_OK;
    return v->n_passed == 0 ? CLI_USAGE : CLI_FAIL;
}

static int
read_input(const char *path, char **text, size_t *len)
{
    struct error err = {0};

    if (cli_read_file(path, VERIFY_FILE_MAX, text, len, &err) != 0)
        return cli_error_from(CLI_USAGE, &err);
    return CLI_OK;
}

static int
verify_receipt(const char *path, const char *trust)
{
    struct evidence_verdict v;
    char *text = NULL;
    size_t len = 0;
    int rc = read_input(path, &text, &len);

    if (rc != CLI_OK)
        return rc;
    evidence_verify_bundle(text, len, trust, &v);
    free(text);
    return print_verdict("receipt", &v);
}

static int
verify_consistency(const char *old_path, const char *new_path, const char *trust)
{
    struct evidence_verdict v;
    char *old_text = NULL, *new_text = NULL;
    size_t old_len = 0, new_len = 0;
    int rc = read_input(old_path, &old_text, &old_len);

    if (rc == CLI_OK)
        rc = read_input(new_path, &new_text, &new_len);
    if (rc == CLI_OK) {
        evidence_verify_consistency(old_text, old_len, new_text, new_len, trust, &v);
        rc = print_verdict("consistency", &v);
    }
    free(old_text);
    free(new_text);
    return rc;
}

int
cli_verify(int argc, char **argv)
{
    static const struct option longopts[] = {{"trust", required_argument, NULL, 't'},
                                             {"consistency", no_argument, NULL, 'c'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *trust = NULL;
    bool consistency = false;
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == 't') {
            trust = optarg;
        } else if (opt == 'c') {
            consistency = true;
        } else if (opt == 'h') {
            verify_usage(stdout);
            return CLI_OK;
        } else {
            verify_usage(stderr);
            return CLI_USAGE;
        }
    }

    if (consistency && argc - optind == 2)
        return verify_consistency(argv[optind], argv[optind + 1], trust);
    if (!consistency && argc - optind == 1)
        return verify_receipt(argv[optind], trust);
    return cli_error(CLI_USAGE, "usage",
                     "se espera un archivo de acuse, o dos cabezas con --consistency; "
                     "'buzon verify --help' describe las opciones");
}
