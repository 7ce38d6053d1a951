/* verify.c - offline verification of receipts and tree heads (see verify.h). */
#include "evidence/verify.h"

#include "core/mem.h"
#include "crypto/chain.h"
#include "crypto/merkle.h"
#include "crypto/sign.h"
#include "evidence/bundle.h"
#include "evidence/cadena.h"

#include <stdlib.h>
#include <string.h>

static const char *const receipt_checks[] = {
    "bundle_format",
    "cadena",
    "seal_certificate",
    "sello",
    "certificate_chain",
    "inclusion",
    "tree_head_signature",
    "tree_head_time",
    NULL,
};

static const char *const consistency_checks[] = {
    "bundle_format",
    "old_tree_head_signature",
    "new_tree_head_signature",
    "certificate_chain",
    "consistency",
    NULL,
};

static int
chain(const struct crypto_cert *cert, const char *trust, int64_t at_us, struct error *err)
{
    if (trust == NULL)
        return error_set(err, "trust_missing",
                         "sin autoridades de confianza (--trust) no puede comprobarse el "
                         "certificado de sello");
    return crypto_chain_verify(cert, trust, at_us, err);
}

/* The cadena rebuilt from the fields must equal, byte for byte, the one that was sealed. */
static int
check_cadena(const struct evidence_bundle *b, struct error *err)
{
    char *rebuilt = NULL;
    int same;

    if (evidence_cadena_build(&b->receipt, &rebuilt, NULL, err) != 0)
        return -1;
    same = strcmp(rebuilt, b->cadena) == 0;
    free(rebuilt);
    if (!same)
        return error_set(err, "cadena_mismatch",
                         "la cadena original no corresponde a los datos del acuse");
    return 0;
}

static int
check_seal_cert(const struct evidence_bundle *b, struct crypto_cert **cert, struct error *err)
{
    if (crypto_cert_parse(b->seal_cert_der, b->seal_cert_len, cert, err) != 0)
        return -1;
    if (strcmp(crypto_cert_number(*cert), b->receipt.seal_cert_number) != 0)
        return error_set(err, "seal_cert_number",
                         "el número de certificado del acuse no es el del certificado de sello");
    return 0;
}

/* A signature over cadena (NULL: check only its spelling) in canonical base64. */
static int
check_sello(const struct crypto_cert *cert, const char *cadena, const char *b64, struct error *err)
{
    if (!evidence__base64_canonical(b64))
        return error_set(err, "signature_encoding",
                         "la firma no está en base64 canónico (RFC 4648)");
    if (cadena == NULL)
        return 0;
    return crypto_verify(cert, cadena, strlen(cadena), b64, err);
}

static int
check_inclusion(const struct evidence_bundle *b, struct error *err)
{
    uint8_t leaf[MERKLE_HASH_LEN];

    merkle_leaf_hash(b->cadena, strlen(b->cadena), leaf);
    return merkle_verify_inclusion(leaf, b->leaf_index, b->sth.size, b->proof[0], b->proof_len,
                                   b->sth.root, err);
}

/* Run the receipt checks from the second on; returns how many passed. */
static int
run_receipt_checks(const struct evidence_bundle *b, const char *trust, struct error *err)
{
    struct crypto_cert *cert = NULL;
    int passed = 0;

    if (check_cadena(b, err) != 0)
        goto out;
    passed++;
    if (check_seal_cert(b, &cert, err) != 0)
        goto out;
    passed++;
    if (check_sello(cert, b->cadena, b->sello, err) != 0)
        goto out;
    passed++;
    if (chain(cert, trust, b->receipt.issued_us, err) != 0)
        goto out;
    passed++;
    if (check_inclusion(b, err) != 0)
        goto out;
    passed++;
    if (check_sello(cert, NULL, b->sth.signature, err) != 0 ||
        merkle_tree_head_verify(&b->sth, cert, err) != 0)
        goto out;
    passed++;
    if (b->sth.timestamp_us < b->receipt.issued_us) {
        error_set(err, "tree_head_time",
                  "la cabeza del árbol se firmó antes de la emisión del acuse");
        goto out;
    }
    passed++;

out:
    crypto_cert_free(cert);
    return passed;
}

int
evidence_verify_bundle(const char *text, size_t len, const char *trust, struct evidence_verdict *v)
{
    struct evidence_bundle b;

    memset(v, 0, sizeof(*v));
    v->checks = receipt_checks;
    if (evidence_bundle_parse(text, len, &b, &v->err) != 0)
        return -1;
    v->n_passed = 1;
    if (strlen(b.receipt.folio) < FOLIO_MAX)
        memcpy(v->folio, b.receipt.folio, strlen(b.receipt.folio) + 1);
    v->leaf_index = b.leaf_index;
    v->tree_size = b.sth.size;

    v->n_passed += run_receipt_checks(&b, trust, &v->err);
    v->valid = v->checks[v->n_passed] == NULL;
    evidence_bundle_cleanup(&b);
    if (v->valid)
        error_clear(&v->err);
    return v->valid ? 0 : -1;
}

/* Both heads' certificates chain to the trust anchors, each valid when its head was signed. */
static int
chain_both(const struct crypto_cert *old_cert, const struct evidence_tree_head_file *old_f,
           const struct crypto_cert *new_cert, const struct evidence_tree_head_file *new_f,
           const char *trust, struct error *err)
{
    if (chain(old_cert, trust, old_f->sth.timestamp_us, err) != 0)
        return -1;
    return chain(new_cert, trust, new_f->sth.timestamp_us, err);
}

static int
check_consistency(const struct evidence_tree_head_file *old_f,
                  const struct evidence_tree_head_file *new_f, struct error *err)
{
    if (!new_f->has_consistency || new_f->from_size != old_f->sth.size)
        return error_set(err, "consistency_missing",
                         "la cabeza nueva no trae prueba de consistencia desde %llu hojas",
                         (unsigned long long)old_f->sth.size);
    return merkle_verify_consistency(old_f->sth.size, new_f->sth.size, old_f->sth.root,
                                     new_f->sth.root, new_f->proof[0], new_f->proof_len, err);
}

/* Run the checks after bundle_format; returns how many passed. */
static int
run_consistency_checks(const struct evidence_tree_head_file *old_f,
                       const struct evidence_tree_head_file *new_f, const char *trust,
                       struct error *err)
{
    struct crypto_cert *old_cert = NULL, *new_cert = NULL;
    int passed = 0;

    if (crypto_cert_parse(old_f->seal_cert_der, old_f->seal_cert_len, &old_cert, err) != 0 ||
        check_sello(old_cert, NULL, old_f->sth.signature, err) != 0 ||
        merkle_tree_head_verify(&old_f->sth, old_cert, err) != 0)
        goto out;
    passed++;
    if (crypto_cert_parse(new_f->seal_cert_der, new_f->seal_cert_len, &new_cert, err) != 0 ||
        check_sello(new_cert, NULL, new_f->sth.signature, err) != 0 ||
        merkle_tree_head_verify(&new_f->sth, new_cert, err) != 0)
        goto out;
    passed++;
    if (chain_both(old_cert, old_f, new_cert, new_f, trust, err) != 0)
        goto out;
    passed++;
    if (check_consistency(old_f, new_f, err) != 0)
        goto out;
    passed++;

out:
    crypto_cert_free(old_cert);
    crypto_cert_free(new_cert);
    return passed;
}

int
evidence_verify_consistency(const char *old_text, size_t old_len, const char *new_text,
                            size_t new_len, const char *trust, struct evidence_verdict *v)
{
    struct evidence_tree_head_file old_f, new_f;

    memset(v, 0, sizeof(*v));
    v->checks = consistency_checks;
    if (evidence_tree_head_parse(old_text, old_len, &old_f, &v->err) != 0)
        return -1;
    if (evidence_tree_head_parse(new_text, new_len, &new_f, &v->err) != 0) {
        evidence_tree_head_file_cleanup(&old_f);
        return -1;
    }
    v->n_passed = 1;
    v->old_tree_size = old_f.sth.size;
    v->tree_size = new_f.sth.size;

    v->n_passed += run_consistency_checks(&old_f, &new_f, trust, &v->err);
    v->valid = v->checks[v->n_passed] == NULL;
    evidence_tree_head_file_cleanup(&old_f);
    evidence_tree_head_file_cleanup(&new_f);
    if (v->valid)
        error_clear(&v->err);
    return v->valid ? 0 : -1;
}
