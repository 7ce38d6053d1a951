/* trust.c - trust store, chain verification at an instant, revocation policy (see trust.h). */
#include "crypto/trust.h"

#include "base/log.h"
#include "core/mem.h"
#include "crypto/internal.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum {
    BUCKETS = 1024,
    MAX_ENTRIES = 100000, /* per cache; reaching it empties the cache (simple and bounded) */
    MAX_DENY = 256,
};

/* A chain that verified, and the window [from, until] in which every certificate is valid. */
struct chain_entry {
    uint8_t fp[32];
    int64_t from, until;
    struct chain_entry *next;
};

/* A definite OCSP answer and when it was fetched. */
struct ocsp_entry {
    uint8_t fp[32];
    enum crypto__ocsp_answer answer;
    int64_t revoked_at, fetched;
    struct ocsp_entry *next;
};

struct crypto_trust {
    X509_STORE *store;

    /* CRLs of crl_dir, replaced whole when the directory's files change (refresh_crls):
     * readers hold crl_lock shared while they look, a reload swaps the list exclusively. */
    STACK_OF(X509_CRL) * crls;
    char *crl_dir;
    pthread_rwlock_t crl_lock;
    pthread_mutex_t crl_reload; /* one reload at a time; guards the two fields below */
    int64_t crl_checked;        /* when the directory was last looked at */
    uint64_t crl_signature;     /* of its files' names, sizes and modification times */
    enum crypto_trust_profile profile;
    char *ocsp_url;
    int ocsp_timeout_s, cache_s;
    enum crypto_unreachable_policy unreachable;
    uint8_t deny[MAX_DENY][32];
    size_t n_deny;

    pthread_mutex_t lock; /* guards the two caches */
    struct chain_entry *chains[BUCKETS];
    size_t n_chains;
    struct ocsp_entry *answers[BUCKETS];
    size_t n_answers;
};

static size_t
bucket(const uint8_t fp[32])
{
    return ((size_t)fp[0] | (size_t)fp[1] << 8) % BUCKETS;
}

const char *
crypto_trust_profile_name(enum crypto_trust_profile profile)
{
    return profile == CRYPTO_TRUST_TEST ? "test" : "production";
}

/* A test authority's name: some attribute contains "prueba" in any case (trust.h). */
static bool
name_is_test(const X509_NAME *name)
{
    for (int i = 0; i < X509_NAME_entry_count(name); i++) {
        const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
        unsigned char *utf8 = NULL;
        int n = ASN1_STRING_to_UTF8(&utf8, s);
        bool hit = false;

        for (int j = 0; j < n; j++)
            utf8[j] = (unsigned char)tolower(utf8[j]);
        if (n > 0)
            hit = memmem(utf8, (size_t)n, "prueba", 6) != NULL;
        OPENSSL_free(utf8);
        if (hit)
            return true;
    }
    ERR_clear_error();
    return false;
}

static bool
is_denied(const struct crypto_trust *trust, X509 *x)
{
    uint8_t fp[32];
    unsigned int n = sizeof(fp);

    if (trust->profile != CRYPTO_TRUST_PRODUCTION)
        return false;
    if (name_is_test(X509_get_subject_name(x)) || name_is_test(X509_get_issuer_name(x)))
        return true;
    X509_digest(x, EVP_sha256(), fp, &n);
    for (size_t i = 0; i < trust->n_deny; i++) {
        if (memcmp(trust->deny[i], fp, 32) == 0)
            return true;
    }
    return false;
}

static int
hex_nibble(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* trust_dir/denylist: SHA-256 fingerprints, 64 hex digits (colons allowed), one per line. */
static void
load_denylist(struct crypto_trust *trust, const char *dir)
{
    char path[1024], line[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/denylist", dir);
    f = fopen(path, "r");
    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL && trust->n_deny < MAX_DENY) {
        uint8_t fp[32];
        size_t n = 0;

        for (const char *p = line; *p && *p != '#' && n < 64; p++) {
            int v = hex_nibble((unsigned char)*p);

            if (v < 0)
                continue;
            fp[n / 2] = (uint8_t)(n % 2 ? (fp[n / 2] | v) : v << 4);
            n++;
        }
        if (n == 64)
            memcpy(trust->deny[trust->n_deny++], fp, 32);
    }
    fclose(f);
}

static bool
has_suffix(const char *name, const char *const *suffixes)
{
    size_t len = strlen(name);

    for (; *suffixes != NULL; suffixes++) {
        size_t n = strlen(*suffixes);

        if (len > n && strcasecmp(name + len - n, *suffixes) == 0)
            return true;
    }
    return false;
}

/* Add every certificate of one file (DER, or PEM with one or more) to the store. */
static int
add_cert_file(struct crypto_trust *trust, const char *path, int *count, struct error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    BIO *bio;
    X509 *x;
    int rc = 0;

    if (crypto__read_file(path, CRYPTO__MAX_FILE, &data, &len, err) != 0)
        return error_set(err, "trust_dir", "no se pudo leer %s", path);
    bio = BIO_new_mem_buf(data, (int)len);
    for (int i = 0; rc == 0; i++) {
        if (crypto__looks_pem(data, len)) {
            x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        } else {
            const unsigned char *p = data;
            x = i == 0 ? d2i_X509(NULL, &p, (long)len) : NULL;
        }
        if (x == NULL) {
            if (i == 0)
                rc = error_set(err, "trust_dir", "%s no es un certificado DER o PEM", path);
            break;
        }
        if (is_denied(trust, x))
            rc = error_set(err, "trust_test_ca",
                           "%s es una autoridad de pruebas, o está en trust_dir/denylist, y el "
                           "perfil es de producción: no se confía en ella",
                           path);
        else if (X509_STORE_add_cert(trust->store, x) == 1)
            (*count)++;
        X509_free(x);
    }
    ERR_clear_error();
    BIO_free(bio);
    free(data);
    return rc;
}

static int
load_store(struct crypto_trust *trust, const char *dir, struct error *err)
{
    static const char *const exts[] = {".cer", ".crt", ".pem", ".der", NULL};
    char path[1024];
    struct dirent *e;
    DIR *d;
    int count = 0, rc = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, crypto_trust_profile_name(trust->profile));
    d = opendir(path);
    if (d == NULL)
        return error_set(err, "trust_dir",
                         "no existe el directorio de autoridades %s (efirma.trust_dir y "
                         "efirma.profile)",
                         path);
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char file[1300];

        if (e->d_name[0] == '.' || !has_suffix(e->d_name, exts))
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
        rc = add_cert_file(trust, file, &count, err);
    }
    closedir(d);
    if (rc == 0 && count == 0)
        rc = error_set(err, "trust_dir", "%s no contiene certificados de autoridades", path);
    return rc;
}

enum { CRL_SUFFIXES = 3 };
static const char *const crl_exts[CRL_SUFFIXES + 1] = {".crl", ".pem", ".der", NULL};

/* Read the CRLs of dir into list (in-out). -1 with err ("crl_dir") on the first bad file. */
static int
load_crls(STACK_OF(X509_CRL) * list, const char *dir, struct error *err)
{
    struct dirent *e;
    DIR *d = opendir(dir);

    if (d == NULL)
        return error_set(err, "crl_dir", "no existe el directorio de CRL %s", dir);
    while ((e = readdir(d)) != NULL) {
        char path[1300];
        uint8_t *data = NULL;
        size_t len = 0;
        X509_CRL *crl = NULL;

        if (e->d_name[0] == '.' || !has_suffix(e->d_name, crl_exts))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (crypto__read_file(path, 64 * CRYPTO__MAX_FILE, &data, &len, err) != 0)
            break;
        if (crypto__looks_pem(data, len)) {
            BIO *bio = BIO_new_mem_buf(data, (int)len);
            crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
            BIO_free(bio);
        } else {
            const unsigned char *p = data;
            crl = d2i_X509_CRL(NULL, &p, (long)len);
        }
        free(data);
        if (crl == NULL) {
            error_set(err, "crl_dir", "%s no es una CRL DER o PEM", path);
            break;
        }
        sk_X509_CRL_push(list, crl);
    }
    closedir(d);
    ERR_clear_error();
    return error_is_set(err) ? -1 : 0;
}

/*
 * A summary of dir's CRL files that changes when one is added, removed, rewritten or
 * renamed over: a sum (so readdir's order does not matter) of a hash of each name, size and
 * modification time. 0 when the directory cannot be read.
 */
static uint64_t
crl_dir_signature(const char *dir)
{
    uint64_t sum = 0;
    struct dirent *e;
    DIR *d = opendir(dir);

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[1300];
        struct stat st;
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */

        if (e->d_name[0] == '.' || !has_suffix(e->d_name, crl_exts))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        for (const char *c = e->d_name; *c != '\0'; c++)
            h = (h ^ (uint8_t)*c) * 1099511628211ULL;
        h = (h ^ (uint64_t)st.st_size) * 1099511628211ULL;
        h = (h ^ (uint64_t)st.st_mtim.tv_sec) * 1099511628211ULL;
        h = (h ^ (uint64_t)st.st_mtim.tv_nsec) * 1099511628211ULL;
        sum += h;
    }
    closedir(d);
    return sum == 0 ? 1 : sum;
}

/*
 * A long-running server must see a CRL that the operator (or a sync job) puts in crl_dir
 * without a restart: a certificate revoked this morning must not log in this afternoon. At
 * most once per revocation cache lifetime the directory is looked at; when its files changed,
 * the whole list is read again and swapped in. A directory that no longer reads keeps the
 * list it had, and says so in the log.
 */
static void
refresh_crls(struct crypto_trust *trust)
{
    int64_t now = (int64_t)time(NULL);
    STACK_OF(X509_CRL) *fresh = NULL, *old;
    struct error err = {0};
    uint64_t sig;

    if (trust->crl_dir == NULL)
        return;
    pthread_mutex_lock(&trust->crl_reload);
    if (now - trust->crl_checked < trust->cache_s)
        goto done;
    trust->crl_checked = now;
    sig = crl_dir_signature(trust->crl_dir);
    if (sig == trust->crl_signature)
        goto done;

    fresh = sk_X509_CRL_new_null();
    if (load_crls(fresh, trust->crl_dir, &err) != 0) {
        log_warn("crl_reload_failed", LOG_STR("code", err.code), LOG_STR("reason", err.message));
        sk_X509_CRL_pop_free(fresh, X509_CRL_free);
        goto done;
    }

    pthread_rwlock_wrlock(&trust->crl_lock);
    old = trust->crls;
    trust->crls = fresh;
    pthread_rwlock_unlock(&trust->crl_lock);
    trust->crl_signature = sig;
    sk_X509_CRL_pop_free(old, X509_CRL_free);
    log_info("crl_reloaded", LOG_INT("crls", sk_X509_CRL_num(fresh)));

done:
    pthread_mutex_unlock(&trust->crl_reload);
}

int
crypto_trust_new(const struct crypto_trust_options *opts, struct crypto_trust **out,
                 struct error *err)
{
    struct crypto_trust *trust = mem_calloc(1, sizeof(*trust));

    error_clear(err);
    trust->store = X509_STORE_new();
    trust->crls = sk_X509_CRL_new_null();
    trust->profile = opts->profile;
    trust->ocsp_url = opts->ocsp_url && opts->ocsp_url[0] ? mem_strdup(opts->ocsp_url) : NULL;
    trust->ocsp_timeout_s = opts->ocsp_timeout_s > 0 ? opts->ocsp_timeout_s : 10;
    trust->cache_s = opts->revocation_cache_s;
    trust->unreachable = opts->unreachable;
    pthread_mutex_init(&trust->lock, NULL);
    pthread_rwlock_init(&trust->crl_lock, NULL);
    pthread_mutex_init(&trust->crl_reload, NULL);

    if (opts->dir == NULL || opts->dir[0] == '\0') {
        error_set(err, "trust_dir",
                  "no se indicó el directorio de autoridades "
                  "(efirma.trust_dir)");
        goto fail;
    }
    load_denylist(trust, opts->dir);
    if (load_store(trust, opts->dir, err) != 0)
        goto fail;
    if (opts->crl_dir != NULL && opts->crl_dir[0] != '\0') {
        trust->crl_dir = mem_strdup(opts->crl_dir);
        trust->crl_checked = (int64_t)time(NULL);
        trust->crl_signature = crl_dir_signature(opts->crl_dir);
        if (load_crls(trust->crls, opts->crl_dir, err) != 0)
            goto fail;
    }
    *out = trust;
    return 0;

fail:
    crypto_trust_free(trust);
    return -1;
}

static void
clear_caches(struct crypto_trust *trust)
{
    for (size_t i = 0; i < BUCKETS; i++) {
        while (trust->chains[i] != NULL) {
            struct chain_entry *next = trust->chains[i]->next;
            free(trust->chains[i]);
            trust->chains[i] = next;
        }
        while (trust->answers[i] != NULL) {
            struct ocsp_entry *next = trust->answers[i]->next;
            free(trust->answers[i]);
            trust->answers[i] = next;
        }
    }
    trust->n_chains = 0;
    trust->n_answers = 0;
}

void
crypto_trust_free(struct crypto_trust *trust)
{
    if (trust == NULL)
        return;
    clear_caches(trust);
    pthread_mutex_destroy(&trust->lock);
    pthread_rwlock_destroy(&trust->crl_lock);
    pthread_mutex_destroy(&trust->crl_reload);
    X509_STORE_free(trust->store);
    sk_X509_CRL_pop_free(trust->crls, X509_CRL_free);
    free(trust->crl_dir);
    free(trust->ocsp_url);
    free(trust);
}

static bool
chain_cached(struct crypto_trust *trust, const uint8_t fp[32], int64_t at)
{
    bool hit = false;

    pthread_mutex_lock(&trust->lock);
    for (struct chain_entry *e = trust->chains[bucket(fp)]; e != NULL; e = e->next) {
        if (memcmp(e->fp, fp, 32) == 0) {
            hit = at >= e->from && at <= e->until;
            break;
        }
    }
    pthread_mutex_unlock(&trust->lock);
    return hit;
}

static void
chain_remember(struct crypto_trust *trust, const uint8_t fp[32], int64_t from, int64_t until)
{
    struct chain_entry *e;

    pthread_mutex_lock(&trust->lock);
    for (e = trust->chains[bucket(fp)]; e != NULL; e = e->next) {
        if (memcmp(e->fp, fp, 32) == 0)
            break;
    }
    if (e == NULL) {
        if (trust->n_chains >= MAX_ENTRIES)
            clear_caches(trust);
        e = mem_calloc(1, sizeof(*e));
        memcpy(e->fp, fp, 32);
        e->next = trust->chains[bucket(fp)];
        trust->chains[bucket(fp)] = e;
        trust->n_chains++;
    }
    e->from = from;
    e->until = until;
    pthread_mutex_unlock(&trust->lock);
}

/* Turn the verifier's error into ours (trust.h lists the codes). */
static int
chain_error(X509_STORE_CTX *ctx, const struct crypto_cert *cert, struct error *err)
{
    int code = X509_STORE_CTX_get_error(ctx);
    int depth = X509_STORE_CTX_get_error_depth(ctx);
    const char *num = cert->info.number;
    int rc;

    switch (code) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        rc = error_set(err, "chain_unknown_issuer",
                       "el certificado %s fue emitido por «%s», que no es una autoridad de "
                       "confianza del Buzón",
                       num, cert->info.issuer_cn);
        break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
        rc = depth == 0 ? error_set(err, "cert_expired",
                                    "el certificado %s no era vigente en el momento revisado "
                                    "(ya había vencido)",
                                    num)
                        : error_set(err, "chain_ca_expired",
                                    "la autoridad que emitió el certificado %s no era vigente "
                                    "en el momento revisado",
                                    num);
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        rc = depth == 0
                 ? error_set(err, "cert_not_yet_valid",
                             "el certificado %s aún no era vigente en el momento revisado", num)
                 : error_set(err, "chain_ca_expired",
                             "la autoridad que emitió el certificado %s aún no era "
                             "vigente en el momento revisado",
                             num);
        break;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        rc = error_set(err, "chain_signature",
                       "la firma de la autoridad sobre el certificado %s no es válida", num);
        break;
    default:
        rc = error_set(err, "chain_invalid",
                       "la cadena de certificación "
                       "de %s no es válida",
                       num);
    }
    error_detail(err, "x509: %s (profundidad %d)", X509_verify_cert_error_string(code), depth);
    return rc;
}

/* The window in which every certificate of chain is valid; and whether one is denied. */
static bool
chain_window(const struct crypto_trust *trust, STACK_OF(X509) * chain, int64_t *from,
             int64_t *until)
{
    *from = INT64_MIN;
    *until = INT64_MAX;
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        int64_t nb = 0, na = 0;

        if (i > 0 && is_denied(trust, x))
            return false;
        crypto__asn1_time_to_unix(X509_get0_notBefore(x), &nb);
        crypto__asn1_time_to_unix(X509_get0_notAfter(x), &na);
        *from = nb > *from ? nb : *from;
        *until = na < *until ? na : *until;
    }
    return true;
}

static int
test_issuer_error(const struct crypto_cert *cert, struct error *err)
{
    return error_set(err, "chain_test_issuer",
                     "el certificado %s fue emitido por una autoridad de pruebas («%s»); en "
                     "producción solo valen las e.firmas reales del SAT",
                     cert->info.number, cert->info.issuer_cn);
}

int
crypto_trust_check_chain(struct crypto_trust *trust, const struct crypto_cert *cert, int64_t at,
                         struct error *err)
{
    X509_STORE_CTX *ctx;
    int64_t from, until;
    int rc = -1;

    if (trust->profile == CRYPTO_TRUST_PRODUCTION && name_is_test(X509_get_issuer_name(cert->x509)))
        return test_issuer_error(cert, err);
    if (chain_cached(trust, cert->fp, at))
        return 0;

    /* RFC 5280 section 6 path validation at the instant asked, not the current time. */
    ctx = X509_STORE_CTX_new();
    if (ctx == NULL || X509_STORE_CTX_init(ctx, trust->store, cert->x509, NULL) != 1) {
        X509_STORE_CTX_free(ctx);
        return error_set(err, "chain_invalid", "no se pudo preparar la revisión de la cadena");
    }
    X509_STORE_CTX_set_time(ctx, 0, (time_t)at);
    X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN);

    /* A signer's certificate is never an authority's (RFC 5280 section 4.2.1.9); with
     * partial chains allowed, an authority of the store would otherwise verify as its own
     * chain. */
    if (X509_verify_cert(ctx) != 1)
        chain_error(ctx, cert, err);
    else if (X509_check_ca(cert->x509) != 0)
        error_set(err, "chain_invalid",
                  "el certificado %s es de una autoridad certificadora, no de un firmante",
                  cert->info.number);
    else if (!chain_window(trust, X509_STORE_CTX_get0_chain(ctx), &from, &until))
        test_issuer_error(cert, err);
    else
        rc = 0;
    if (rc == 0)
        chain_remember(trust, cert->fp, from, until);
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

/* The authority in the store that issued leaf, with a reference the caller frees. */
static X509 *
find_issuer(struct crypto_trust *trust, X509 *leaf)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509 *issuer = NULL;

    if (ctx != NULL && X509_STORE_CTX_init(ctx, trust->store, leaf, NULL) == 1 &&
        X509_STORE_CTX_get1_issuer(&issuer, ctx, leaf) != 1)
        issuer = NULL;
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return issuer;
}

/*
 * What the CRLs say of leaf at instant at: -1 no fresh CRL of its issuer, 0 good, 1 revoked.
 * A CRL counts only when its issuer's key verifies it and its nextUpdate has not passed
 * (RFC 5280 section 6.3.3).
 */
static int
crl_status(struct crypto_trust *trust, X509 *leaf, X509 *issuer, int64_t at,
           struct crypto_revocation *res)
{
    int64_t now = (int64_t)time(NULL);
    int verdict = -1;

    refresh_crls(trust);
    pthread_rwlock_rdlock(&trust->crl_lock);
    for (int i = 0; i < sk_X509_CRL_num(trust->crls) && verdict < 0; i++) {
        X509_CRL *crl = sk_X509_CRL_value(trust->crls, i);
        const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
        X509_REVOKED *rev = NULL;
        int64_t t = 0;

        if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(leaf)) != 0 ||
            X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1)
            continue;
        if (next != NULL && crypto__asn1_time_to_unix(next, &t) == 0 && t < now)
            continue;
        if (X509_CRL_get0_by_cert(crl, &rev, leaf) == 1 &&
            crypto__asn1_time_to_unix(X509_REVOKED_get0_revocationDate(rev), &t) == 0) {
            res->revoked_at = t;
            if (t <= at) {
                verdict = 1;
                break;
            }
            res->revoked_later = true;
        }
        verdict = 0;
    }
    pthread_rwlock_unlock(&trust->crl_lock);
    ERR_clear_error();
    return verdict;
}

static bool
answer_cached(struct crypto_trust *trust, const uint8_t fp[32], struct ocsp_entry *out)
{
    int64_t now = (int64_t)time(NULL);
    bool hit = false;

    if (trust->cache_s <= 0)
        return false;
    pthread_mutex_lock(&trust->lock);
    for (struct ocsp_entry *e = trust->answers[bucket(fp)]; e != NULL; e = e->next) {
        if (memcmp(e->fp, fp, 32) == 0) {
            hit = now - e->fetched < trust->cache_s;
            *out = *e;
            break;
        }
    }
    pthread_mutex_unlock(&trust->lock);
    return hit;
}

static void
answer_remember(struct crypto_trust *trust, const uint8_t fp[32], enum crypto__ocsp_answer answer,
                int64_t revoked_at)
{
    struct ocsp_entry *e;

    if (trust->cache_s <= 0)
        return;
    pthread_mutex_lock(&trust->lock);
    for (e = trust->answers[bucket(fp)]; e != NULL; e = e->next) {
        if (memcmp(e->fp, fp, 32) == 0)
            break;
    }
    if (e == NULL) {
        if (trust->n_answers >= MAX_ENTRIES)
            clear_caches(trust);
        e = mem_calloc(1, sizeof(*e));
        memcpy(e->fp, fp, 32);
        e->next = trust->answers[bucket(fp)];
        trust->answers[bucket(fp)] = e;
        trust->n_answers++;
    }
    e->answer = answer;
    e->revoked_at = revoked_at;
    e->fetched = (int64_t)time(NULL);
    pthread_mutex_unlock(&trust->lock);
}

/* Ask OCSP (or the cache). Returns the answer; fills res and why. */
static enum crypto__ocsp_answer
ocsp_status(struct crypto_trust *trust, const struct crypto_cert *cert, X509 *issuer,
            const char *url, struct crypto_revocation *res, char *why, size_t why_size)
{
    struct ocsp_entry cached;
    enum crypto__ocsp_answer a;
    int64_t revoked_at = 0;

    if (answer_cached(trust, cert->fp, &cached)) {
        res->from_cache = true;
        res->revoked_at = cached.revoked_at;
        return cached.answer;
    }
    a = crypto__ocsp_query(url, trust->ocsp_timeout_s, cert->x509, issuer, trust->store,
                           &revoked_at, why, why_size);
    if (a == CRYPTO__OCSP_GOOD || a == CRYPTO__OCSP_REVOKED)
        answer_remember(trust, cert->fp, a, revoked_at);
    res->revoked_at = revoked_at;
    return a;
}

static int
revoked_error(const struct crypto_cert *cert, int64_t when, struct error *err)
{
    time_t t = (time_t)when;
    struct tm tm;
    char text[32];

    gmtime_r(&t, &tm);
    strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return error_set(err, "cert_revoked", "el certificado %s fue revocado el %s", cert->info.number,
                     text);
}

/* No source answered: the configured policy decides (trust.h). */
static int
unreachable(struct crypto_trust *trust, const struct crypto_cert *cert, const char *why,
            struct crypto_revocation *res, struct error *err)
{
    if (trust->unreachable == CRYPTO_UNREACHABLE_ACCEPT) {
        res->status = CRYPTO_REVOCATION_UNCHECKED;
        snprintf(res->reason, sizeof(res->reason), "%s", why);
        return 0;
    }
    return error_set(err, "revocation_unreachable",
                     "no se pudo comprobar si el certificado %s está revocado: %s",
                     cert->info.number, why);
}

/* Interpret a definite OCSP answer; returns 1 when it decides nothing (no answer). */
static int
apply_ocsp(enum crypto__ocsp_answer a, const struct crypto_cert *cert, int64_t at,
           struct crypto_revocation *res, struct error *err)
{
    switch (a) {
    case CRYPTO__OCSP_GOOD:
        snprintf(res->source, sizeof(res->source), "ocsp");
        return 0;
    case CRYPTO__OCSP_REVOKED:
        snprintf(res->source, sizeof(res->source), "ocsp");
        if (res->revoked_at <= at) {
            res->status = CRYPTO_REVOCATION_REVOKED;
            return revoked_error(cert, res->revoked_at, err);
        }
        res->revoked_later = true;
        return 0;
    case CRYPTO__OCSP_UNKNOWN:
        return error_set(err, "revocation_unknown",
                         "el servicio OCSP no reconoce el certificado %s", cert->info.number);
    default:
        break;
    }
    return 1;
}

int
crypto_trust_check_revocation(struct crypto_trust *trust, const struct crypto_cert *cert,
                              int64_t at, struct crypto_revocation *res, struct error *err)
{
    X509 *issuer = find_issuer(trust, cert->x509);
    char why[160] = "", *aia_url = NULL;
    const char *url = trust->ocsp_url;
    int crl, rc;

    memset(res, 0, sizeof(*res));
    if (issuer == NULL)
        return error_set(err, "chain_unknown_issuer",
                         "no se encontró la autoridad que emitió el certificado %s",
                         cert->info.number);

    crl = crl_status(trust, cert->x509, issuer, at, res);
    if (crl == 1) {
        X509_free(issuer);
        snprintf(res->source, sizeof(res->source), "crl");
        res->status = CRYPTO_REVOCATION_REVOKED;
        return revoked_error(cert, res->revoked_at, err);
    }

    if (url == NULL) {
        STACK_OF(OPENSSL_STRING) *aia = X509_get1_ocsp(cert->x509);

        if (sk_OPENSSL_STRING_num(aia) > 0)
            url = aia_url = mem_strdup(sk_OPENSSL_STRING_value(aia, 0));
        X509_email_free(aia);
    }

    rc = 1;
    if (url != NULL) {
        enum crypto__ocsp_answer a = ocsp_status(trust, cert, issuer, url, res, why, sizeof(why));

        rc = apply_ocsp(a, cert, at, res, err);
        if (rc == 1 && a == CRYPTO__OCSP_INVALID)
            rc = error_set(err, "revocation_response_invalid",
                           "la respuesta OCSP sobre el certificado %s no es válida: %s",
                           cert->info.number, why);
    } else {
        snprintf(why, sizeof(why),
                 "el certificado no indica servicio OCSP y no hay uno "
                 "configurado (efirma.ocsp_url)");
    }

    /* OCSP undecided (unreachable or absent): a fresh CRL that covers the issuer suffices. */
    if (rc == 1 && crl == 0) {
        snprintf(res->source, sizeof(res->source), "crl");
        rc = 0;
    } else if (rc == 1) {
        rc = unreachable(trust, cert, why, res, err);
    }
    X509_free(issuer);
    free(aia_url);
    return rc;
}
