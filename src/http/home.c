/*
 * home.c - GET /: the page the address printed by `buzon serve` opens. Until the portal
 * exists it says, in Spanish, what this server is, what it can do as configured, and where
 * its API is described; it never shows anything about a particular.
 */
#include "app/app.h"
#include "http/routes.h"

#include <stdio.h>
#include <stdlib.h>

static const char *
yes_no(int on)
{
    return on ? "activo" : "no configurado";
}

static void
get_home(struct http_request *req, struct http_response *resp)
{
    const struct app *a = req->app;
    int login = a != NULL && a->trust != NULL, receipts = a != NULL && a->ledger != NULL;
    char *page = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&page, &len);

    if (out == NULL)
        abort(); /* only fails without memory, which aborts everywhere else too */
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"es-MX\">\n<head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>Buzón IMSS</title></head>\n<body>\n<h1>Buzón IMSS</h1>\n"
            "<p>Este servidor implementa el Buzón IMSS conforme a los Lineamientos de carácter "
            "general para su operación (DOF 5 de agosto de 2024): inicio de sesión con e.firma, "
            "registro y validación de medios de contacto, firma de los Términos y Condiciones, "
            "solicitudes de orientación y acuses de recibo con sello digital verificables.</p>\n"
            "<ul>\n<li>Inicio de sesión con e.firma: %s (efirma.trust_dir).</li>\n"
            "<li>Acuses con sello digital: %s (evidence.seal_cert).</li>\n</ul>\n"
            "<p>La interfaz es una API JSON bajo <code>/api/v1</code>, descrita en "
            "<code>docs/openapi.yaml</code>. Estado: <a href=\"/healthz\">/healthz</a>, "
            "<a href=\"/readyz\">/readyz</a>, <a href=\"/metrics\">/metrics</a>. "
            "Términos y Condiciones vigentes: <a href=\"/api/v1/terms\">/api/v1/terms</a>.</p>\n"
            "</body>\n</html>\n",
            yes_no(login), yes_no(receipts));
    fclose(out);
    http_response_bytes(req, resp, 200, "text/html; charset=utf-8", page, len);
    free(page);
}

const struct http_route http_home_routes[] = {
    {"GET", "/", get_home, 0, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};
