/* seal.c - sealing receipts and signing tree heads (see seal.h). */
#include "evidence/seal.h"

#include "core/mem.h"
#include "evidence/cadena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct evidence_sealer {
    struct crypto_cert *cert;
    struct crypto_key *key;
    struct merkle_log *log;
};

/* The first line of path, without its line break; wiped by the caller. */
static int
read_password(const char *path, char *out, size_t len, struct error *err)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (f == NULL)
        return error_set(err, "file_read", "no se pudo leer el archivo de contraseña %s", path);
    if (fgets(out, (int)len, f) == NULL)
        out[0] = '\0';
    fclose(f);
    n = strcspn(out, "\r\n");
    out[n] = '\0';
    return 0;
}

int
evidence_sealer_new(const char *cert_path, const char *key_path, const char *password_file,
                    const struct merkle_store *store, uint64_t log_size,
                    struct evidence_sealer **out, struct error *err)
{
    struct evidence_sealer *s = mem_calloc(1, sizeof(*s));
    char password[512] = "";

    if (password_file != NULL && password_file[0] != '\0' &&
        read_password(password_file, password, sizeof(password), err) != 0)
        goto fail;
    if (crypto_cert_load(cert_path, &s->cert, err) != 0 ||
        crypto_key_load(key_path, password[0] ? password : NULL, &s->key, err) != 0 ||
        crypto_key_matches(s->key, s->cert, err) != 0 ||
        merkle_log_open(store, log_size, &s->log, err) != 0)
        goto fail;
    mem_wipe(password, sizeof(password));
    *out = s;
    return 0;

fail:
    mem_wipe(password, sizeof(password));
    evidence_sealer_free(s);
    return -1;
}

int
evidence_sealer_from_config(const struct config *cfg, const struct merkle_store *store,
                            uint64_t log_size, struct evidence_sealer **out, struct error *err)
{
    const char *cert = config_str(cfg, "evidence", "seal_cert");
    const char *key = config_str(cfg, "evidence", "seal_key");

    if (cert[0] == '\0' || key[0] == '\0')
        return error_set(err, "seal_missing",
                         "faltan el certificado y la llave de sello (evidence.seal_cert, "
                         "evidence.seal_key)");
    return evidence_sealer_new(cert, key, config_str(cfg, "evidence", "seal_key_password_file"),
                               store, log_size, out, err);
}

void
evidence_sealer_free(struct evidence_sealer *s)
{
    if (s == NULL)
        return;
    crypto_cert_free(s->cert);
    crypto_key_free(s->key);
    merkle_log_free(s->log);
    free(s);
}

const struct crypto_cert *
evidence_sealer_cert(const struct evidence_sealer *s)
{
    return s->cert;
}

const struct merkle_log *
evidence_sealer_log(const struct evidence_sealer *s)
{
    return s->log;
}

int
evidence_seal(struct evidence_sealer *s, struct evidence_receipt *r, int64_t now_us,
              struct evidence_sealed *out, struct error *err)
{
    struct evidence_sealed sealed = {0};

    r->version = EVIDENCE_CADENA_VERSION;
    r->issued_us = now_us;
    free(r->seal_cert_number);
    r->seal_cert_number = mem_strdup(crypto_cert_number(s->cert));

    if (evidence_cadena_build(r, &sealed.cadena, &sealed.cadena_len, err) != 0)
        goto fail;
    if (crypto_sign(s->key, sealed.cadena, sealed.cadena_len, &sealed.sello, err) != 0)
        goto fail;
    /* The sello is deterministic (PKCS#1 v1.5), so the cadena alone fixes the leaf. */
    if (merkle_log_append(s->log, sealed.cadena, sealed.cadena_len, &sealed.leaf_index, err) != 0)
        goto fail;
    *out = sealed;
    return 0;

fail:
    evidence_sealed_cleanup(&sealed);
    return -1;
}

void
evidence_sealed_cleanup(struct evidence_sealed *sealed)
{
    MEM_FREE(sealed->cadena);
    MEM_FREE(sealed->sello);
}

int
evidence_sealer_reset_log(struct evidence_sealer *s, uint64_t committed_size, struct error *err)
{
    struct merkle_store store;
    struct merkle_log *log = NULL;

    merkle_log_store(s->log, &store);
    if (merkle_log_open(&store, committed_size, &log, err) != 0)
        return -1;
    merkle_log_free(s->log);
    s->log = log;
    return 0;
}

int
evidence_sealer_tree_head(struct evidence_sealer *s, int64_t now_us, struct merkle_tree_head *sth,
                          struct error *err)
{
    memset(sth, 0, sizeof(*sth));
    sth->size = merkle_log_size(s->log);
    sth->timestamp_us = now_us;
    if (merkle_log_root(s->log, sth->size, sth->root, err) != 0)
        return -1;
    return merkle_tree_head_sign(sth, s->key, err);
}

bool
evidence_tree_head_due(const struct merkle_tree_head *last, uint64_t log_size, int64_t now_us,
                       long long interval_s)
{
    if (log_size <= last->size)
        return false;
    return now_us - last->timestamp_us >= interval_s * 1000000;
}

/* How many '/' end s (before any query). */
static int
trailing(const char *s)
{
    int end = (int)strcspn(s, "?#"), n = 0;

    while (end - n > 0 && s[end - n - 1] == '/')
        n++;
    return n;
}

void
evidence_verification_base(const struct config *cfg, char *buf, size_t len)
{
    const char *own = config_str(cfg, "evidence", "public_url");
    const char *server = config_str(cfg, "server", "public_url");
    size_t n;

    if (own[0] != '\0')
        snprintf(buf, len, "%s", own);
    else if (server[0] != '\0')
        snprintf(buf, len, "%.*s/verificar", (int)strcspn(server, "?#") - trailing(server), server);
    else
        snprintf(buf, len, "http://%s/verificar", config_str(cfg, "server", "listen"));
    n = strlen(buf);
    while (n > 0 && buf[n - 1] == '/')
        buf[--n] = '\0';
}

void
evidence_verification_url(const char *base, const char *folio, const char *sello, char *buf,
                          size_t len)
{
    size_t n = strlen(sello);
    char tail[9];
    size_t start;

    /* The last 8 characters before the padding, in the URL-safe alphabet (RFC 4648 s. 5). */
    while (n > 0 && sello[n - 1] == '=')
        n--;
    start = n > 8 ? n - 8 : 0;
    for (size_t i = 0; i < n - start; i++) {
        char c = sello[start + i];

        tail[i] = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    tail[n - start] = '\0';
    snprintf(buf, len, "%s/%s?fe=%s", base, folio, tail);
}
