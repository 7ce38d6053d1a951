/* json.c - JSON request bodies (see json.h). */
#include "http/json.h"

#include <string.h>
#include <strings.h>

json_t *
http_json_parse(const uint8_t *buf, size_t len, struct error *err)
{
    json_error_t jerr;
    json_t *root;

    if (len == 0) {
        error_set(err, "json_syntax", "el cuerpo de la solicitud está vacío; se esperaba JSON");
        return NULL;
    }

    root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        error_set(err, "json_syntax", "el cuerpo no es JSON válido (línea %d, columna %d)",
                  jerr.line, jerr.column);
        error_detail(err, "%s", jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        error_set(err, "json_type", "el cuerpo debe ser un objeto JSON ({...})");
        return NULL;
    }
    return root;
}

static void
decref(void *p)
{
    json_decref(p);
}

/* "application/json", optionally with parameters ("; charset=utf-8"). */
static bool
is_json_type(const char *ct)
{
    const size_t n = strlen("application/json");

    return ct != NULL && strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

json_t *
http_json_body(struct http_request *req, struct error *err)
{
    json_t *root;

    if (!is_json_type(http_request_header(req, "Content-Type"))) {
        error_set(err, "unsupported_media_type",
                  "el cuerpo debe enviarse con Content-Type: application/json");
        return NULL;
    }

    root = http_json_parse(req->body, req->body_len, err);
    if (root != NULL)
        http_arena_defer(req->arena, decref, root);
    return root;
}

const char *
http_json_str(json_t *body, const char *name)
{
    return json_string_value(json_object_get(body, name));
}
