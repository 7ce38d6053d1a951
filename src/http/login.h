/*
 * login.h - the session hook of `buzon serve` (auth.h) backed by app/login.h: a
 * browser's
 * `buzon_session` cookie or an API client's `Authorization: Bearer` token becomes the
 * principal of the request. The routes of /api/v1/auth are in routes.h.
 */
#ifndef BUZON_HTTP_LOGIN_H
#define BUZON_HTTP_LOGIN_H

#include "http/auth.h"

/*
 * The authenticate function of struct http_auth; arg is the struct app
 * (app/app.h) the service hands to handlers. Each use extends the session's
 * idle expiry (app_session_check). Thread-safe.
 */
enum http_auth_result http_login_authenticate(void *arg, const struct http_request *req,
                                              struct http_principal *out, struct error *err);

#endif
