/*
 * ocsp.c - one OCSP request (RFC 6960) over HTTP with OpenSSL's own client (see internal.h).
 *
 * The request carries a nonce (RFC 8954) that the response must echo when it carries one, so an
 * old "good" answer cannot be replayed; the response must be signed by the issuer or by a
 * responder it delegated (extendedKeyUsage OCSPSigning, RFC 6960 section 4.2.2.2), and be
 * current (thisUpdate/nextUpdate within five minutes of skew).
 *
 * Responders may be plain http (RFC 6960 A.1) or https, as SAT's is: over TLS the server's
 * certificate must chain to the system's authorities (or those of SSL_CERT_FILE/SSL_CERT_DIR)
 * and name the host of the URL; TLS 1.2 at least.
 */
#include "crypto/internal.h"

#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

enum {
    MAX_RESPONSE = 100 * 1024,
    SKEW_S = 300,
};

static enum crypto__ocsp_answer
say(enum crypto__ocsp_answer a, char *why, size_t size, const char *text)
{
    unsigned long e = ERR_peek_last_error();

    if (e != 0)
        snprintf(why, size, "%s (%s)", text, ERR_reason_error_string(e));
    else
        snprintf(why, size, "%s", text);
    ERR_clear_error();
    return a;
}

/* What the TLS hook needs: the context and the host the certificate must name. */
struct tls {
    SSL_CTX *ctx;
    const char *host;
};

/*
 * OSSL_HTTP_transfer's hook around the connection: on connecting, a TLS client BIO is put on
 * top of the socket, checking the server's name; on disconnecting it is taken off again.
 */
static BIO *
tls_hook(BIO *bio, void *arg, int connect, int detail)
{
    const struct tls *t = arg;

    if (connect && detail) {
        BIO *sbio = BIO_new(BIO_f_ssl());
        SSL *ssl = sbio != NULL ? SSL_new(t->ctx) : NULL;
        unsigned char addr[16];
        int is_ip =
            inet_pton(AF_INET, t->host, addr) == 1 || inet_pton(AF_INET6, t->host, addr) == 1;

        if (ssl == NULL) {
            BIO_free(sbio);
            return NULL;
        }
        if (is_ip) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), t->host);
        } else {
            SSL_set_tlsext_host_name(ssl, t->host);
            SSL_set1_host(ssl, t->host);
        }
        SSL_set_connect_state(ssl);
        BIO_set_ssl(sbio, ssl, BIO_CLOSE);
        return BIO_push(sbio, bio);
    }
    if (!connect) {
        BIO *inner;

        ERR_set_mark();
        BIO_ssl_shutdown(bio);
        inner = BIO_pop(bio);
        BIO_free(bio);
        ERR_pop_to_mark();
        return inner;
    }
    return bio;
}

/* A TLS client context that verifies the server against the system's authorities. */
static SSL_CTX *
tls_context(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL)
        return NULL;
    if (SSL_CTX_set_default_verify_paths(ctx) != 1 ||
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

/* POST the DER request to url; returns the parsed response or NULL. */
static OCSP_RESPONSE *
post(const char *url, int timeout_s, OCSP_REQUEST *req, char *why, size_t size)
{
    char *host = NULL, *port = NULL, *path = NULL;
    BIO *body = NULL, *reply = NULL;
    OCSP_RESPONSE *resp = NULL;
    struct tls tls = {0};
    int use_ssl = 0;

    if (OSSL_HTTP_parse_url(url, &use_ssl, NULL, &host, &port, NULL, &path, NULL, NULL) != 1) {
        say(CRYPTO__OCSP_UNREACHABLE, why, size, "la dirección del servicio OCSP no es válida");
        goto out;
    }
    if (use_ssl) {
        tls.host = host;
        tls.ctx = tls_context();
        if (tls.ctx == NULL) {
            say(CRYPTO__OCSP_UNREACHABLE, why, size, "no se pudo preparar la conexión TLS");
            goto out;
        }
    }

    body = ASN1_item_i2d_mem_bio(ASN1_ITEM_rptr(OCSP_REQUEST), (const ASN1_VALUE *)req);
    reply = body == NULL
                ? NULL
                : OSSL_HTTP_transfer(NULL, host, port, path, use_ssl, NULL, NULL, NULL, NULL,
                                     use_ssl ? tls_hook : NULL, &tls, 0, NULL,
                                     "application/ocsp-request", body, "application/ocsp-response",
                                     1, MAX_RESPONSE, timeout_s, 0);
    if (reply == NULL) {
        char text[128];

        snprintf(text, sizeof(text), "el servicio OCSP en %.80s no respondió", url);
        say(CRYPTO__OCSP_UNREACHABLE, why, size, text);
        goto out;
    }
    resp = d2i_OCSP_RESPONSE_bio(reply, NULL);
    if (resp == NULL)
        say(CRYPTO__OCSP_UNREACHABLE, why, size, "la respuesta OCSP no se pudo leer");

out:
    SSL_CTX_free(tls.ctx);
    BIO_free(body);
    BIO_free(reply);
    OPENSSL_free(host);
    OPENSSL_free(port);
    OPENSSL_free(path);
    return resp;
}

/* Check a basic response and read the status of id in it. */
static enum crypto__ocsp_answer
read_status(OCSP_REQUEST *req, OCSP_BASICRESP *basic, OCSP_CERTID *id, X509 *issuer,
            X509_STORE *store, int64_t *revoked_at, char *why, size_t size)
{
    ASN1_GENERALIZEDTIME *rev = NULL, *this_upd = NULL, *next_upd = NULL;
    STACK_OF(X509) *extra = sk_X509_new_null();
    int status = 0, reason = 0, ok;

    /* 1 = nonces equal; -1 = the responder sent none (allowed by RFC 6960, pre-produced). */
    ok = OCSP_check_nonce(req, basic);
    if (ok == 0 || ok == 2 || ok == 3) {
        sk_X509_free(extra);
        return say(CRYPTO__OCSP_INVALID, why, size, "el nonce de la respuesta OCSP no coincide");
    }

    /* The issuer is offered so that a response it signed itself verifies too. */
    sk_X509_push(extra, issuer);
    ok = OCSP_basic_verify(basic, extra, store, 0) > 0;
    sk_X509_free(extra);
    if (!ok)
        return say(CRYPTO__OCSP_INVALID, why, size, "la firma de la respuesta OCSP no es válida");

    if (OCSP_resp_find_status(basic, id, &status, &reason, &rev, &this_upd, &next_upd) != 1)
        return say(CRYPTO__OCSP_INVALID, why, size,
                   "la respuesta OCSP no habla del certificado consultado");
    if (OCSP_check_validity(this_upd, next_upd, SKEW_S, -1) != 1)
        return say(CRYPTO__OCSP_INVALID, why, size, "la respuesta OCSP no está vigente");

    if (status == V_OCSP_CERTSTATUS_GOOD)
        return CRYPTO__OCSP_GOOD;
    if (status == V_OCSP_CERTSTATUS_REVOKED) {
        if (crypto__asn1_time_to_unix(rev, revoked_at) != 0)
            *revoked_at = INT64_MIN;
        return CRYPTO__OCSP_REVOKED;
    }
    return CRYPTO__OCSP_UNKNOWN;
}

enum crypto__ocsp_answer
crypto__ocsp_query(const char *url, int timeout_s, X509 *leaf, X509 *issuer, X509_STORE *store,
                   int64_t *revoked_at, char *why, size_t why_size)
{
    enum crypto__ocsp_answer a = CRYPTO__OCSP_UNREACHABLE;
    OCSP_REQUEST *req = OCSP_REQUEST_new();
    OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), leaf, issuer);
    OCSP_RESPONSE *resp = NULL;
    OCSP_BASICRESP *basic = NULL;

    /* The request owns the id it is given; keep our own copy for the lookup. */
    if (req == NULL || id == NULL || OCSP_request_add0_id(req, OCSP_CERTID_dup(id)) == NULL ||
        OCSP_request_add1_nonce(req, NULL, -1) != 1) {
        a = say(CRYPTO__OCSP_UNREACHABLE, why, why_size, "no se pudo preparar la consulta OCSP");
        goto out;
    }

    resp = post(url, timeout_s, req, why, why_size);
    if (resp == NULL)
        goto out;
    if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        char text[96];

        snprintf(text, sizeof(text), "el servicio OCSP respondió con error (%s)",
                 OCSP_response_status_str(OCSP_response_status(resp)));
        a = say(CRYPTO__OCSP_UNREACHABLE, why, why_size, text);
        goto out;
    }
    basic = OCSP_response_get1_basic(resp);
    if (basic == NULL)
        a = say(CRYPTO__OCSP_INVALID, why, why_size, "la respuesta OCSP no es básica");
    else
        a = read_status(req, basic, id, issuer, store, revoked_at, why, why_size);

out:
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(resp);
    OCSP_CERTID_free(id);
    OCSP_REQUEST_free(req);
    ERR_clear_error();
    return a;
}
