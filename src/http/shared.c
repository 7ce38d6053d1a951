/* shared.c - pieces the resource files share (shared.h). */
#include "http/shared.h"

#include "core/civil.h"
#include "http/problem.h"

#include <stdio.h>

bool
http_no_app(struct http_request *req, struct http_response *resp)
{
    if (req->app != NULL)
        return false;
    http_problem(req, resp, 503, "unavailable",
                 "Este servicio no está disponible en este modo del servidor.");
    return true;
}

json_t *
http_json_instant(int64_t us)
{
    char out[CIVIL_INSTANT_LEN];

    if (us == 0)
        return json_null();
    civil_format_utc(us, out);
    return json_string(out);
}

json_t *
http_json_receipt(const char *folio, const char *kind)
{
    char url[80];

    snprintf(url, sizeof(url), "/api/v1/receipts/%s", folio);
    return json_pack("{s:s, s:s, s:s}", "folio", folio, "kind", kind, "url", url);
}
