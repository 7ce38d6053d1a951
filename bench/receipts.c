/*
 * bench_receipts - receipts sealed per second beside the machine's raw RSA-2048 signing rate,
 * Merkle log appends per second, and proofs per second in a large log.
 *
 * The raw rate is OpenSSL signing a SHA-256 digest with the same RSA-2048 key, one thread, in
 * the same run: it is the ceiling for sealing, which also builds the cadena, hashes it, and
 * appends it to the log. Target: sealing at 80% of the raw rate or more.
 *
 * Usage: bench_receipts [SECONDS_PER_PHASE] [LOG_LEAVES]   (defaults 3 and 1000000)
 * Build it without sanitizers for meaningful figures: meson setup build && ninja -C build.
 */
#include "crypto/merkle.h"
#include "evidence/receipt.h"
#include "evidence/seal.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A fresh RSA-2048 key and self-signed certificate written as PEM under dir. */
static EVP_PKEY *
make_key(const char *dir, char *cert_path, char *key_path, size_t len)
{
    EVP_PKEY *pkey = EVP_RSA_gen(2048);
    X509 *x509 = X509_new();
    FILE *f;

    X509_set_version(x509, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
    X509_gmtime_adj(X509_getm_notBefore(x509), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x509), 86400);
    X509_set_pubkey(x509, pkey);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x509), "CN", MBSTRING_ASC,
                               (const unsigned char *)"bench", -1, -1, 0);
    X509_set_issuer_name(x509, X509_get_subject_name(x509));
    X509_sign(x509, pkey, EVP_sha256());

    snprintf(cert_path, len, "%s/seal.pem", dir);
    snprintf(key_path, len, "%s/seal.key", dir);
    f = fopen(cert_path, "w");
    PEM_write_X509(f, x509);
    fclose(f);
    f = fopen(key_path, "w");
    PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    X509_free(x509);
    return pkey;
}

/* OpenSSL's own rate: RSA-2048 PKCS#1 v1.5 signatures of a SHA-256 digest per second. */
static double
raw_sign_rate(EVP_PKEY *pkey, double seconds)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
    unsigned char md[32] = {1}, sig[256];
    double start = now_s(), elapsed;
    long n = 0;

    EVP_PKEY_sign_init(ctx);
    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256());
    do {
        size_t sig_len = sizeof(sig);

        md[1] = (unsigned char)n;
        EVP_PKEY_sign(ctx, sig, &sig_len, md, sizeof(md));
        n++;
        elapsed = now_s() - start;
    } while (elapsed < seconds);
    EVP_PKEY_CTX_free(ctx);
    return (double)n / elapsed;
}

/* Receipts built, sealed (cadena, sello) and appended to an in-memory log per second. */
static double
seal_rate(struct evidence_sealer *s, double seconds)
{
    double start = now_s(), elapsed;
    uint8_t sha[32] = {7};
    struct error err = {0};
    long n = 0;

    do {
        struct evidence_receipt r;
        struct evidence_sealed sealed;

        evidence_receipt_init(&r, EVIDENCE_FILING_RECEIVED, "AAA010101AAA", "America/Tijuana");
        folio_encode(2026, (uint64_t)n % FOLIO_SEQUENCE_MAX, r.folio, NULL);
        evidence_receipt_set_signer(&r, "30001000000300023685");
        evidence_receipt_add_reference(&r, "servicio", "Aclaración de cuotas obrero-patronales");
        evidence_receipt_add_reference(&r, "promocion", "P-2026-000123");
        evidence_receipt_add_instant(&r, "recepcion", INT64_C(1796299200123456));
        evidence_receipt_add_instant(&r, "recepcion_legal", INT64_C(1796364000000000));
        evidence_receipt_add_document(&r, "escrito.pdf", sha);
        if (evidence_seal(s, &r, INT64_C(1796299200123456) + n, &sealed, &err) != 0) {
            fprintf(stderr, "%s: %s\n", err.code, err.message);
            exit(1);
        }
        evidence_sealed_cleanup(&sealed);
        evidence_receipt_cleanup(&r);
        n++;
        elapsed = now_s() - start;
    } while (elapsed < seconds);
    return (double)n / elapsed;
}

/* Appends per second into an in-memory log of leaves leaves, then proofs per second. */
static void
log_rates(long leaves, double seconds)
{
    struct merkle_store *store = merkle_memstore_new();
    uint8_t path[MERKLE_MAX_PATH][MERKLE_HASH_LEN], root[MERKLE_HASH_LEN];
    uint8_t leaf[MERKLE_HASH_LEN], sha[32];
    struct merkle_log *log = NULL;
    struct error err = {0};
    double start, append_s;
    size_t n_path;
    long proofs = 0;
    char data[300];

    memset(data, 'x', sizeof(data)); /* about the size of a cadena */
    merkle_log_open(store, 0, &log, &err);
    start = now_s();
    for (long i = 0; i < leaves; i++) {
        memcpy(data, &i, sizeof(i));
        merkle_log_append(log, data, sizeof(data), NULL, &err);
    }
    append_s = now_s() - start;

    merkle_log_root(log, (uint64_t)leaves, root, &err);
    start = now_s();
    do {
        long i = (proofs * 7919) % leaves;

        memcpy(data, &i, sizeof(i));
        merkle_leaf_hash(data, sizeof(data), leaf);
        merkle_log_inclusion(log, (uint64_t)i, (uint64_t)leaves, path, &n_path, &err);
        if (merkle_verify_inclusion(leaf, (uint64_t)i, (uint64_t)leaves, path[0], n_path, root,
                                    &err) != 0) {
            fprintf(stderr, "proof failed at %ld\n", i);
            exit(1);
        }
        proofs++;
    } while (now_s() - start < seconds);

    start = now_s() - start;
    crypto_sha256(data, sizeof(data), sha);
    printf("log_appends_per_s %.0f (%ld leaves of %zu bytes in %.2f s)\n",
           (double)leaves / append_s, leaves, sizeof(data), append_s);
    printf("inclusion_proofs_per_s %.0f (generated and verified, tree of %ld leaves)\n",
           (double)proofs / start, leaves);
    merkle_log_free(log);
    merkle_memstore_free(store);
}

int
main(int argc, char **argv)
{
    double seconds = argc > 1 ? strtod(argv[1], NULL) : 3.0;
    long leaves = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
    char dir[] = "/tmp/bench-receipts-XXXXXX", cert[256], key[256];
    struct merkle_store *store = merkle_memstore_new();
    struct evidence_sealer *s = NULL;
    struct error err = {0};
    double raw, sealed;
    EVP_PKEY *pkey;

    if (mkdtemp(dir) == NULL)
        return 1;
    pkey = make_key(dir, cert, key, sizeof(cert));
    if (evidence_sealer_new(cert, key, NULL, store, 0, &s, &err) != 0) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        return 1;
    }
    unlink(cert);
    unlink(key);
    rmdir(dir);

    /* Alternate short slices of both, so that load from other processes on a shared machine
     * weighs on both figures alike. */
    raw = sealed = 0;
    for (int i = 0; i < 8; i++) {
        raw += raw_sign_rate(pkey, seconds / 8) / 8;
        sealed += seal_rate(s, seconds / 8) / 8;
    }
    printf("openssl_rsa2048_sign_per_s %.0f (one thread, raw digest signing: the limit)\n", raw);
    printf("receipts_sealed_per_s %.0f (one thread: cadena, sello, log append)\n", sealed);
    printf("sealed_vs_raw %.1f%% (target >= 80%%)\n", 100.0 * sealed / raw);
    log_rates(leaves, seconds);

    evidence_sealer_free(s);
    merkle_memstore_free(store);
    EVP_PKEY_free(pkey);
    return 0;
}
