/*
 * shared.h - small pieces the resource files of the API share: the answer when the server
 * runs without an application context, instants as JSON, the receipt object.
 */
#ifndef BUZON_HTTP_SHARED_H
#define BUZON_HTTP_SHARED_H

#include "http/request.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* True (and resp answered 503) when req has no application context (`--request-file`). */
bool http_no_app(struct http_request *req, struct http_response *resp);

/* Microseconds UTC as "YYYY-MM-DDTHH:MM:SSZ", or JSON null for 0. New reference. */
json_t *http_json_instant(int64_t us);

/* {"folio", "kind", "url": "/api/v1/receipts/FOLIO"}. New reference. */
json_t *http_json_receipt(const char *folio, const char *kind);

#endif
