/* bundle.c - JSON receipt bundles and tree head files (see bundle.h, docs/receipts.md). */
#include "evidence/bundle.h"

#include "core/mem.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 with padding (RFC 4648 section 4); caller frees. */
static char *
b64_encode(const uint8_t *data, size_t len)
{
    char *out = mem_alloc(4 * ((len + 2) / 3) + 1), *o = out;

    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;

        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        *o++ = b64_alphabet[v >> 18];
        *o++ = b64_alphabet[(v >> 12) & 63];
        *o++ = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
        *o++ = i + 2 < len ? b64_alphabet[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* Strict decoding of the same form; returns 0 and a heap buffer, or -1. */
static int
b64_decode(const char *text, uint8_t **out, size_t *out_len)
{
    size_t len = strlen(text), o = 0;
    uint8_t *buf;

    if (len == 0 || len % 4 != 0)
        return -1;
    buf = mem_alloc(len / 4 * 3);
    for (size_t i = 0; i < len; i += 4) {
        uint32_t v = 0;
        int pad = 0;

        for (int j = 0; j < 4; j++) {
            const char *p = strchr(b64_alphabet, text[i + j]);

            if (text[i + j] == '=' && i + 4 == len && j >= 2 && (j == 3 || text[i + 3] == '=')) {
                pad++;
                v <<= 6;
                continue;
            }
            if (p == NULL || text[i + j] == '\0' || pad > 0)
                goto bad;
            v = (v << 6) | (uint32_t)(p - b64_alphabet);
        }
        buf[o++] = (uint8_t)(v >> 16);
        if (pad < 2)
            buf[o++] = (uint8_t)(v >> 8);
        if (pad < 1)
            buf[o++] = (uint8_t)v;
    }
    *out = buf;
    *out_len = o;
    return 0;

bad:
    free(buf);
    return -1;
}

bool
evidence__base64_canonical(const char *text)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    char *again;
    bool same;

    if (b64_decode(text, &bytes, &len) != 0)
        return false;
    again = b64_encode(bytes, len);
    same = strcmp(again, text) == 0;
    free(again);
    free(bytes);
    return same;
}

static void
hex_encode(const uint8_t h[MERKLE_HASH_LEN], char out[2 * MERKLE_HASH_LEN + 1])
{
    for (int i = 0; i < MERKLE_HASH_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Exactly 64 lower-case hex digits. */
static int
hex_decode(const char *text, uint8_t out[MERKLE_HASH_LEN])
{
    if (strlen(text) != 2 * MERKLE_HASH_LEN)
        return -1;
    for (int i = 0; i < 2 * MERKLE_HASH_LEN; i++) {
        char c = text[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

        if (v < 0)
            return -1;
        if (i % 2 == 0)
            out[i / 2] = (uint8_t)(v << 4);
        else
            out[i / 2] |= (uint8_t)v;
    }
    return 0;
}

static json_t *
hex_json(const uint8_t h[MERKLE_HASH_LEN])
{
    char hex[2 * MERKLE_HASH_LEN + 1];

    hex_encode(h, hex);
    return json_string(hex);
}

static json_t *
utc_json(int64_t us)
{
    char text[EVIDENCE_UTC_MAX];

    evidence_utc_format(us, text);
    return json_string(text);
}

static json_t *
receipt_json(const struct evidence_receipt *r)
{
    json_t *refs = json_array(), *instants = json_array(), *docs = json_array();

    for (size_t i = 0; i < r->n_references; i++)
        json_array_append_new(refs, json_pack("{s:s, s:s}", "name", r->references[i].name, "value",
                                              r->references[i].value));
    for (size_t i = 0; i < r->n_instants; i++)
        json_array_append_new(instants, json_pack("{s:s, s:o}", "name", r->instants[i].name, "utc",
                                                  utc_json(r->instants[i].utc_us)));
    for (size_t i = 0; i < r->n_documents; i++)
        json_array_append_new(docs, json_pack("{s:s, s:o}", "name", r->documents[i].name, "sha256",
                                              hex_json(r->documents[i].sha256)));
    return json_pack("{s:i, s:s, s:s, s:s, s:o, s:s, s:s?, s:s, s:o, s:o, s:o}", "version",
                     (int)r->version, "folio", r->folio, "kind", evidence_kind_spec(r->kind)->code,
                     "rfc", r->rfc, "issued_at", utc_json(r->issued_us), "legal_zone",
                     r->legal_zone, "signer_cert_number", r->signer_cert_number, "seal_cert_number",
                     r->seal_cert_number, "references", refs, "instants", instants, "documents",
                     docs);
}

static json_t *
tree_head_json(const struct merkle_tree_head *sth)
{
    return json_pack("{s:I, s:I, s:o, s:s}", "tree_size", (json_int_t)sth->size, "timestamp_us",
                     (json_int_t)sth->timestamp_us, "root_hash", hex_json(sth->root), "signature",
                     sth->signature ? sth->signature : "");
}

static json_t *
path_json(uint8_t path[][MERKLE_HASH_LEN], size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, hex_json(path[i]));
    return a;
}

static json_t *
cert_json(const struct crypto_cert *cert)
{
    const uint8_t *der;
    size_t len;
    char *b64;
    json_t *s;

    crypto_cert_der(cert, &der, &len);
    b64 = b64_encode(der, len);
    s = json_string(b64);
    free(b64);
    return s;
}

/* Serialise obj (stolen) with sorted keys and two-space indent; caller frees *json. */
static int
dump(json_t *obj, char **json, struct error *err)
{
    if (obj == NULL)
        return error_set(err, "bundle_format", "no se pudo formar el JSON del acuse");
    *json = json_dumps(obj, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(obj);
    if (*json == NULL)
        return error_set(err, "bundle_format", "no se pudo formar el JSON del acuse");
    return 0;
}

int
evidence_bundle_make(const struct evidence_sealer *s, const struct evidence_receipt *r,
                     const struct evidence_sealed *sealed, const struct merkle_tree_head *sth,
                     char **json, struct error *err)
{
    uint8_t path[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
    size_t n = 0;
    json_t *obj;

    if (merkle_log_inclusion(evidence_sealer_log(s), sealed->leaf_index, sth->size, path, &n,
                             err) != 0)
        return -1;
    obj = json_pack("{s:s, s:o, s:s, s:s, s:o, s:{s:I, s:o, s:o}}", "format", "buzon-receipt/1",
                    "receipt", receipt_json(r), "cadena", sealed->cadena, "sello", sealed->sello,
                    "seal_certificate", cert_json(evidence_sealer_cert(s)), "log", "leaf_index",
                    (json_int_t)sealed->leaf_index, "inclusion_proof", path_json(path, n),
                    "tree_head", tree_head_json(sth));
    return dump(obj, json, err);
}

int
evidence_tree_head_make(const struct merkle_tree_head *sth, const struct crypto_cert *cert,
                        const struct merkle_log *log, uint64_t from_size, char **json,
                        struct error *err)
{
    uint8_t path[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
    size_t n = 0;
    json_t *obj;

    obj = json_pack("{s:s, s:o, s:o}", "format", "buzon-tree-head/1", "tree_head",
                    tree_head_json(sth), "seal_certificate", cert_json(cert));
    if (obj != NULL && from_size > 0) {
        if (merkle_log_consistency(log, from_size, sth->size, path, &n, err) != 0) {
            json_decref(obj);
            return -1;
        }
        json_object_set_new(obj, "consistency",
                            json_pack("{s:I, s:o}", "from_size", (json_int_t)from_size, "proof",
                                      path_json(path, n)));
    }
    return dump(obj, json, err);
}

static int
malformed(struct error *err, const char *what)
{
    return error_set(err, "bundle_format", "el archivo no tiene la forma esperada: %s", what);
}

/* A JSON array of hex hashes into a heap array. */
static int
parse_path(json_t *a, uint8_t (**out)[MERKLE_HASH_LEN], size_t *n, struct error *err)
{
    size_t len = json_array_size(a);

    if (!json_is_array(a) || len > MERKLE_MAX_PATH)
        return malformed(err, "la prueba debe ser una lista de a lo más 64 hashes");
    *out = mem_calloc(len ? len : 1, MERKLE_HASH_LEN);
    *n = len;
    for (size_t i = 0; i < len; i++) {
        const char *hex = json_string_value(json_array_get(a, i));

        if (hex == NULL || hex_decode(hex, (*out)[i]) != 0)
            return malformed(err, "un hash de la prueba no son 64 dígitos hexadecimales");
    }
    return 0;
}

static int
parse_tree_head(json_t *obj, struct merkle_tree_head *sth, struct error *err)
{
    json_int_t size, ts;
    const char *root, *sig;
    json_error_t jerr;

    if (json_unpack_ex(obj, &jerr, JSON_STRICT, "{s:I, s:I, s:s, s:s}", "tree_size", &size,
                       "timestamp_us", &ts, "root_hash", &root, "signature", &sig) != 0)
        return malformed(err, "cabeza del árbol");
    if (size < 0 || ts < 0 || hex_decode(root, sth->root) != 0)
        return malformed(err, "cabeza del árbol");
    sth->size = (uint64_t)size;
    sth->timestamp_us = ts;
    sth->signature = mem_strdup(sig);
    return 0;
}

static int
parse_cert(const char *b64, uint8_t **der, size_t *len, struct error *err)
{
    if (!evidence__base64_canonical(b64) || b64_decode(b64, der, len) != 0)
        return malformed(err, "el certificado de sello no está en base64");
    return 0;
}

static int
parse_list_item(json_t *item, const char *value_key, const char **name, const char **value)
{
    return json_unpack(item, "{s:s, s:s !}", "name", name, value_key, value);
}

/* The lists of a receipt: references, instants, documents. */
static int
parse_lists(json_t *refs, json_t *instants, json_t *docs, struct evidence_receipt *r,
            struct error *err)
{
    const char *name, *value;
    size_t i;
    json_t *item;

    json_array_foreach(refs, i, item)
    {
        if (parse_list_item(item, "value", &name, &value) != 0)
            return malformed(err, "referencia");
        evidence_receipt_add_reference(r, name, value);
    }
    json_array_foreach(instants, i, item)
    {
        int64_t us;

        if (parse_list_item(item, "utc", &name, &value) != 0 ||
            evidence_utc_parse(value, &us, err) != 0)
            return malformed(err, "instante");
        evidence_receipt_add_instant(r, name, us);
    }
    json_array_foreach(docs, i, item)
    {
        uint8_t sha[MERKLE_HASH_LEN];

        if (parse_list_item(item, "sha256", &name, &value) != 0 || hex_decode(value, sha) != 0)
            return malformed(err, "documento");
        evidence_receipt_add_document(r, name, sha);
    }
    return 0;
}

static int
parse_receipt(json_t *obj, struct evidence_receipt *r, struct error *err)
{
    const char *folio, *kind, *rfc, *issued, *zone, *signer, *seal;
    json_t *refs, *instants, *docs, *signer_json;
    enum evidence_kind k;
    int version;

    if (json_unpack(obj, "{s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o !}", "version",
                    &version, "folio", &folio, "kind", &kind, "rfc", &rfc, "issued_at", &issued,
                    "legal_zone", &zone, "signer_cert_number", &signer_json, "seal_cert_number",
                    &seal, "references", &refs, "instants", &instants, "documents", &docs) != 0 ||
        !json_is_array(refs) || !json_is_array(instants) || !json_is_array(docs))
        return malformed(err, "campos del acuse");
    /* No particular signed: null, never an empty string. */
    signer = json_string_value(signer_json);
    if (signer == NULL && !json_is_null(signer_json))
        return malformed(err, "número de certificado del firmante");
    if (evidence_kind_parse(kind, &k, err) != 0)
        return malformed(err, "tipo de acuse desconocido");
    if (version < 0 || strlen(folio) >= FOLIO_MAX)
        return malformed(err, "versión o folio");

    evidence_receipt_init(r, k, rfc, zone);
    r->version = (unsigned)version;
    memcpy(r->folio, folio, strlen(folio) + 1);
    r->seal_cert_number = mem_strdup(seal);
    if (signer != NULL)
        r->signer_cert_number = mem_strdup(signer);
    if (evidence_utc_parse(issued, &r->issued_us, err) != 0)
        return malformed(err, "instante de emisión");
    return parse_lists(refs, instants, docs, r, err);
}

/* Parse text as a JSON object whose "format" is format. Caller decrefs. */
static json_t *
load(const char *text, size_t len, const char *format, struct error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *f = json_string_value(json_object_get(root, "format"));

    if (root == NULL) {
        error_set(err, "bundle_json", "el archivo no es JSON válido (línea %d: %s)", jerr.line,
                  jerr.text);
        return NULL;
    }
    if (f == NULL || strcmp(f, format) != 0) {
        json_decref(root);
        malformed(err, "no es un archivo de tipo esperado");
        return NULL;
    }
    return root;
}

int
evidence_bundle_parse(const char *text, size_t len, struct evidence_bundle *b, struct error *err)
{
    json_t *root = load(text, len, "buzon-receipt/1", err), *receipt, *proof, *sth;
    const char *format, *cadena, *sello, *cert;
    json_int_t leaf;
    int rc = -1;

    memset(b, 0, sizeof(*b));
    if (root == NULL)
        return -1;
    if (json_unpack(root, "{s:s, s:o, s:s, s:s, s:s, s:{s:I, s:o, s:o !} !}", "format", &format,
                    "receipt", &receipt, "cadena", &cadena, "sello", &sello, "seal_certificate",
                    &cert, "log", "leaf_index", &leaf, "inclusion_proof", &proof, "tree_head",
                    &sth) != 0 ||
        leaf < 0) {
        malformed(err, "miembros del acuse");
        goto out;
    }
    b->cadena = mem_strdup(cadena);
    b->sello = mem_strdup(sello);
    b->leaf_index = (uint64_t)leaf;
    if (parse_receipt(receipt, &b->receipt, err) != 0 ||
        parse_cert(cert, &b->seal_cert_der, &b->seal_cert_len, err) != 0 ||
        parse_path(proof, &b->proof, &b->proof_len, err) != 0 ||
        parse_tree_head(sth, &b->sth, err) != 0)
        goto out;
    rc = 0;

out:
    json_decref(root);
    if (rc != 0)
        evidence_bundle_cleanup(b);
    return rc;
}

void
evidence_bundle_cleanup(struct evidence_bundle *b)
{
    evidence_receipt_cleanup(&b->receipt);
    free(b->cadena);
    free(b->sello);
    free(b->seal_cert_der);
    free(b->proof);
    merkle_tree_head_cleanup(&b->sth);
    memset(b, 0, sizeof(*b));
}

int
evidence_tree_head_parse(const char *text, size_t len, struct evidence_tree_head_file *f,
                         struct error *err)
{
    json_t *root = load(text, len, "buzon-tree-head/1", err), *sth, *cons = NULL, *proof;
    const char *format, *cert;
    json_int_t from;
    int rc = -1;

    memset(f, 0, sizeof(*f));
    if (root == NULL)
        return -1;
    if (json_unpack(root, "{s:s, s:o, s:s, s?o !}", "format", &format, "tree_head", &sth,
                    "seal_certificate", &cert, "consistency", &cons) != 0) {
        malformed(err, "miembros de la cabeza del árbol");
        goto out;
    }
    if (parse_tree_head(sth, &f->sth, err) != 0 ||
        parse_cert(cert, &f->seal_cert_der, &f->seal_cert_len, err) != 0)
        goto out;
    if (cons != NULL) {
        if (json_unpack(cons, "{s:I, s:o !}", "from_size", &from, "proof", &proof) != 0 ||
            from < 0) {
            malformed(err, "prueba de consistencia");
            goto out;
        }
        f->has_consistency = 1;
        f->from_size = (uint64_t)from;
        if (parse_path(proof, &f->proof, &f->proof_len, err) != 0)
            goto out;
    }
    rc = 0;

out:
    json_decref(root);
    if (rc != 0)
        evidence_tree_head_file_cleanup(f);
    return rc;
}

void
evidence_tree_head_file_cleanup(struct evidence_tree_head_file *f)
{
    merkle_tree_head_cleanup(&f->sth);
    free(f->seal_cert_der);
    free(f->proof);
    memset(f, 0, sizeof(*f));
}

int
evidence__receipt_json(const struct evidence_receipt *r, char **json, struct error *err)
{
    static char none[] = "";
    struct evidence_receipt copy = *r;
    json_t *obj;

    /* A receipt waiting for its seal has no seal certificate number yet. */
    if (copy.seal_cert_number == NULL)
        copy.seal_cert_number = none;
    obj = receipt_json(&copy);
    *json = obj != NULL ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(obj);
    if (*json == NULL)
        return error_set(err, "bundle_format", "no se pudo formar el JSON del acuse");
    return 0;
}

int
evidence__receipt_parse(const char *text, struct evidence_receipt *r, struct error *err)
{
    json_error_t jerr;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    int rc;

    memset(r, 0, sizeof(*r));
    if (root == NULL)
        return error_set(err, "bundle_json", "el acuse pendiente no es JSON válido (%s)",
                         jerr.text);
    rc = parse_receipt(root, r, err);
    json_decref(root);
    if (rc != 0)
        evidence_receipt_cleanup(r);
    return rc;
}
