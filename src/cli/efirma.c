/*
 * efirma.c - `buzon efirma`: inspect SAT certificates, sign and verify cadenas, and run a
 * test certification authority (src/crypto/).
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include "core/mem.h"
#include "crypto/cert.h"
#include "crypto/sign.h"
#include "crypto/testpki.h"
#include "crypto/trust.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Largest cadena or document read from --in: a filing's cadena is a few KiB. */
enum { MAX_INPUT = 64 * 1024 * 1024 };

static void
efirma_usage(FILE *out)
{
    fprintf(
        out,
        "Uso: buzon efirma SUBCOMANDO [OPCIONES]\n\n"
        "Certificados y llaves de e.firma del SAT: revisar, firmar y verificar cadenas\n"
        "originales (RSA-SHA256, base64), y una autoridad certificadora de pruebas.\n\n"
        "Subcomandos:\n"
        "  inspect ARCHIVO      datos del certificado (.cer, DER o PEM) en JSON\n"
        "  sign                 firma la cadena original con la e.firma\n"
        "  verify               verifica una firma: firma, vigencia, tipo, cadena y revocación\n"
        "  test-ca DIR          crea una autoridad certificadora de pruebas\n"
        "  test-issue           emite una e.firma o un CSD de pruebas con el perfil del SAT\n"
        "  test-revoke          revoca un certificado de pruebas\n\n"
        "'buzon efirma SUBCOMANDO --help' describe las opciones de cada uno.\n");
}

/* ISO 8601 UTC with seconds, e.g. 2021-05-15T23:29:17Z. */
static void
iso(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Parse an instant: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM). A zone is required: a
 * legal instant without one is ambiguous. Returns 0 and *out (seconds, UTC) or -1.
 */
static int
parse_instant(const char *text, int64_t *out)
{
    struct tm tm = {0};
    const char *p = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
    int sign = 0, hh = 0, mm = 0;

    if (p == NULL)
        return -1;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (strcmp(p, "Z") == 0) {
        sign = 0;
    } else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2 &&
               strlen(p) == 6 && hh < 24 && mm < 60) {
        sign = *p == '+' ? 1 : -1;
    } else {
        return -1;
    }
    *out = (int64_t)timegm(&tm) - sign * (hh * 3600 + mm * 60);
    return 0;
}

static json_t *
str_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
key_usages(unsigned bits)
{
    static const char *const names[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                        "dataEncipherment", "keyAgreement",   "keyCertSign",
                                        "cRLSign"};
    json_t *list = json_array();

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (bits & (1u << i))
            json_array_append_new(list, json_string(names[i]));
    }
    return list;
}

static json_t *
cert_json(const struct crypto_cert *cert)
{
    const struct crypto_cert_info *info = crypto_cert_info(cert);
    char nb[32], na[32];

    iso(info->not_before, nb);
    iso(info->not_after, na);
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:s}",
                     "certificate_number", info->number, "kind", crypto_cert_kind_name(info->kind),
                     "name", str_or_null(info->name), "rfc", str_or_null(info->rfc),
                     "representative_rfc", str_or_null(info->representative_rfc), "curp",
                     str_or_null(info->curp), "representative_curp",
                     str_or_null(info->representative_curp), "not_before", nb, "not_after", na,
                     "issuer", info->issuer, "branch", str_or_null(info->branch), "key_usage",
                     key_usages(info->key_usage), "sha256", info->fingerprint);
}

static int
print_json(json_t *obj)
{
    json_dumpf(obj, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    json_decref(obj);
    return 0;
}

static int
only_help(int argc, char **argv, void (*usage)(FILE *))
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        }
    }
    return 0;
}

static void
inspect_usage(FILE *out)
{
    fprintf(out, "Uso: buzon efirma inspect ARCHIVO\n\n"
                 "Muestra en JSON los datos de un certificado del SAT (.cer, DER o PEM): número,\n"
                 "tipo (efirma, csd o unknown), titular, RFC y CURP del titular y del\n"
                 "representante legal, vigencia (ISO 8601, UTC) y emisor.\n");
}

static int
cmd_inspect(int argc, char **argv)
{
    struct crypto_cert *cert = NULL;
    struct error err = {0};

    if (only_help(argc, argv, inspect_usage))
        return CLI_OK;
    if (argc != 2) {
        inspect_usage(stderr);
        return CLI_USAGE;
    }
    if (crypto_cert_load(argv[1], &cert, &err) != 0)
        return cli_error_from(CLI_USAGE, &err);
    print_json(cert_json(cert));
    crypto_cert_free(cert);
    return CLI_OK;
}

static void
sign_usage(FILE *out)
{
    fprintf(out, "Uso: buzon efirma sign --cer ARCHIVO --key ARCHIVO --password-file ARCHIVO\n"
                 "                        [--in ARCHIVO]\n\n"
                 "Firma la cadena original (RSA-SHA256 PKCS#1 v1.5, como el SAT) e imprime la\n"
                 "firma en base64. Solo firma con e.firma: un CSD se rechaza.\n\n"
                 "  --cer ARCHIVO            certificado (.cer)\n"
                 "  --key ARCHIVO            llave privada (.key del SAT, o PEM)\n"
                 "  --password-file ARCHIVO  archivo con la contraseña de la llave\n"
                 "  --in ARCHIVO             cadena a firmar (por omisión, la entrada estándar)\n");
}

/* Read the password file; its trailing line break is not part of the password. */
static char *
read_password(const char *path, struct error *err)
{
    char *pw = NULL;
    size_t len = 0;

    if (cli_read_file(path, 1024, &pw, &len, err) != 0)
        return NULL;
    while (len > 0 && (pw[len - 1] == '\n' || pw[len - 1] == '\r'))
        pw[--len] = '\0';
    return pw;
}

static void
free_password(char *pw)
{
    if (pw != NULL)
        mem_wipe(pw, strlen(pw));
    free(pw);
}

static int
cmd_sign(int argc, char **argv)
{
    static const struct option longopts[] = {{"cer", required_argument, NULL, 'c'},
                                             {"key", required_argument, NULL, 'k'},
                                             {"password-file", required_argument, NULL, 'p'},
                                             {"in", required_argument, NULL, 'i'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *cer = NULL, *keyf = NULL, *pwf = NULL, *in = "-";
    struct crypto_cert *cert = NULL;
    struct crypto_key *key = NULL;
    struct error err = {0};
    char *pw = NULL, *data = NULL, *b64 = NULL;
    size_t len = 0;
    int opt, rc = CLI_USAGE;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            cer = optarg;
            break;
        case 'k':
            keyf = optarg;
            break;
        case 'p':
            pwf = optarg;
            break;
        case 'i':
            in = optarg;
            break;
        case 'h':
            sign_usage(stdout);
            return CLI_OK;
        default:
            sign_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (cer == NULL || keyf == NULL || pwf == NULL || optind != argc)
        return cli_error(CLI_USAGE, "usage", "se necesitan --cer, --key y --password-file");

    if (crypto_cert_load(cer, &cert, &err) != 0 || crypto_cert_require_efirma(cert, &err) != 0 ||
        (pw = read_password(pwf, &err)) == NULL || crypto_key_load(keyf, pw, &key, &err) != 0 ||
        crypto_key_matches(key, cert, &err) != 0 ||
        cli_read_file(in, MAX_INPUT, &data, &len, &err) != 0) {
        rc = cli_error_from(CLI_USAGE, &err);
        goto out;
    }
    if (crypto_sign(key, data, len, &b64, &err) != 0) {
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }
    printf("%s\n", b64);
    rc = CLI_OK;

out:
    free_password(pw);
    free(b64);
    free(data);
    crypto_key_free(key);
    crypto_cert_free(cert);
    return rc;
}

static void
verify_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon efirma verify --cer ARCHIVO --signature B64 [--in ARCHIVO]\n"
            "                          [--at INSTANTE] [--trust DIR] [--profile PERFIL]\n"
            "                          [--purpose buzon|any] [--config ARCHIVO]\n\n"
            "Verifica la firma en base64 de la cadena original e imprime en JSON el resultado\n"
            "de cada revisión (ok, failed o skipped):\n"
            "  signature   la firma corresponde al certificado y a la cadena\n"
            "  validity    el certificado era vigente en el instante revisado\n"
            "  kind        es una e.firma (un CSD no sirve para el Buzón), con --purpose buzon\n"
            "  chain       lo emitió una autoridad de confianza (con --trust o efirma.trust_dir)\n"
            "  revocation  no estaba revocado (CRL de efirma.crl_dir u OCSP)\n"
            "Termina con 0 solo si ninguna revisión falló.\n\n"
            "  --cer ARCHIVO         certificado del firmante (.cer)\n"
            "  --signature B64       firma en base64\n"
            "  --in ARCHIVO          cadena firmada (por omisión, la entrada estándar)\n"
            "  --at INSTANTE         instante a revisar, ISO 8601 con zona, p. ej.\n"
            "                        2019-06-01T12:00:00Z (por omisión, ahora)\n"
            "  --trust DIR           directorio de autoridades (efirma.trust_dir)\n"
            "  --profile PERFIL      production o test (efirma.profile)\n"
            "  --purpose PROPÓSITO   buzon (por omisión: exige e.firma) o any\n"
            "  --config ARCHIVO      archivo INI (por omisión ./buzon.ini si existe)\n");
}

struct verify_args {
    const char *cer, *signature, *in, *at, *trust, *profile, *purpose, *config;
};

static int
parse_verify_args(int argc, char **argv, struct verify_args *a)
{
    static const struct option longopts[] = {
        {"cer", required_argument, NULL, 'c'},     {"signature", required_argument, NULL, 's'},
        {"in", required_argument, NULL, 'i'},      {"at", required_argument, NULL, 'a'},
        {"trust", required_argument, NULL, 't'},   {"profile", required_argument, NULL, 'p'},
        {"purpose", required_argument, NULL, 'u'}, {"config", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int opt;

    *a = (struct verify_args){.in = "-", .purpose = "buzon"};
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        const char **slot = NULL;

        switch (opt) {
        case 'c':
            slot = &a->cer;
            break;
        case 's':
            slot = &a->signature;
            break;
        case 'i':
            slot = &a->in;
            break;
        case 'a':
            slot = &a->at;
            break;
        case 't':
            slot = &a->trust;
            break;
        case 'p':
            slot = &a->profile;
            break;
        case 'u':
            slot = &a->purpose;
            break;
        case 'f':
            slot = &a->config;
            break;
        case 'h':
            verify_usage(stdout);
            return 1;
        default:
            verify_usage(stderr);
            return -1;
        }
        *slot = optarg;
    }
    if (optind != argc || a->cer == NULL || a->signature == NULL) {
        cli_error(CLI_USAGE, "usage", "se necesitan --cer y --signature");
        return -1;
    }
    if (strcmp(a->purpose, "buzon") != 0 && strcmp(a->purpose, "any") != 0) {
        cli_error(CLI_USAGE, "usage", "--purpose debe ser buzon o any");
        return -1;
    }
    return 0;
}

/* Record one check's outcome in checks; returns 1 when it failed. */
static int
add_check(json_t *checks, const char *name, int rc, const struct error *err)
{
    json_t *c;

    if (rc == 0)
        c = json_pack("{s:s}", "status", "ok");
    else
        c = json_pack("{s:s, s:s, s:s}", "status", "failed", "error", err->code, "message",
                      err->message);
    json_object_set_new(checks, name, c);
    return rc != 0;
}

static void
add_skipped(json_t *checks, const char *name, const char *reason)
{
    json_object_set_new(checks, name,
                        json_pack("{s:s, s:s}", "status", "skipped", "reason", reason));
}

/* Load the trust store from --trust/--profile or the [efirma] configuration; NULL: none. */
static int
load_trust(const struct verify_args *a, struct config *cfg, struct crypto_trust **out,
           struct error *err)
{
    struct crypto_trust_options o = {0};
    const char *dir = a->trust ? a->trust : config_str(cfg, "efirma", "trust_dir");

    *out = NULL;
    if (a->profile != NULL && config_set(cfg, "efirma", "profile", a->profile, err) != 0)
        return -1;
    if (dir[0] == '\0')
        return 0;
    o.dir = dir;
    o.profile = strcmp(config_str(cfg, "efirma", "profile"), "test") == 0 ? CRYPTO_TRUST_TEST
                                                                          : CRYPTO_TRUST_PRODUCTION;
    o.crl_dir = config_str(cfg, "efirma", "crl_dir");
    o.ocsp_url = config_str(cfg, "efirma", "ocsp_url");
    o.ocsp_timeout_s = (int)config_int(cfg, "efirma", "ocsp_timeout_s");
    o.revocation_cache_s = (int)config_int(cfg, "efirma", "revocation_cache_s");
    o.unreachable = strcmp(config_str(cfg, "efirma", "revocation_unreachable"), "accept") == 0
                        ? CRYPTO_UNREACHABLE_ACCEPT
                        : CRYPTO_UNREACHABLE_REFUSE;
    return crypto_trust_new(&o, out, err);
}

static int
check_revocation(json_t *checks, struct crypto_trust *trust, const struct crypto_cert *cert,
                 int64_t at)
{
    struct crypto_revocation res;
    struct error err = {0};
    json_t *c;

    if (crypto_trust_check_revocation(trust, cert, at, &res, &err) != 0)
        return add_check(checks, "revocation", -1, &err);
    if (res.status == CRYPTO_REVOCATION_UNCHECKED) {
        /* Accepted by policy (efirma.revocation_unreachable = accept), and said so. */
        c = json_pack("{s:s, s:s, s:b, s:s}", "status", "skipped", "reason",
                      "revocation_unreachable", "checked", 0, "message", res.reason);
    } else {
        c = json_pack("{s:s, s:s, s:b, s:b}", "status", "ok", "source", res.source, "checked", 1,
                      "from_cache", res.from_cache);
        if (res.revoked_later) {
            char when[32];

            iso(res.revoked_at, when);
            json_object_set_new(c, "revoked_later_at", json_string(when));
        }
    }
    json_object_set_new(checks, "revocation", c);
    return 0;
}

/* Run every check of verify and print the JSON; returns the number of failed checks. */
static int
run_checks(const struct verify_args *a, const struct crypto_cert *cert, struct crypto_trust *trust,
           const char *data, size_t len, int64_t at)
{
    json_t *checks = json_object();
    struct error err = {0};
    char when[32];
    int failed = 0, chain_rc;

    failed +=
        add_check(checks, "signature", crypto_verify(cert, data, len, a->signature, &err), &err);
    failed += add_check(checks, "validity", crypto_cert_check_validity(cert, at, &err), &err);
    if (strcmp(a->purpose, "buzon") == 0)
        failed += add_check(checks, "kind", crypto_cert_require_efirma(cert, &err), &err);
    else
        add_skipped(checks, "kind", "purpose_any");

    if (trust == NULL) {
        add_skipped(checks, "chain", "no_trust_store");
        add_skipped(checks, "revocation", "no_trust_store");
    } else {
        chain_rc = crypto_trust_check_chain(trust, cert, at, &err);
        failed += add_check(checks, "chain", chain_rc, &err);
        if (chain_rc != 0)
            add_skipped(checks, "revocation", "chain_failed");
        else
            failed += check_revocation(checks, trust, cert, at);
    }

    iso(at, when);
    print_json(json_pack("{s:b, s:s, s:s, s:s, s:o}", "valid", failed == 0, "certificate_number",
                         crypto_cert_number(cert), "kind",
                         crypto_cert_kind_name(crypto_cert_info(cert)->kind), "at", when, "checks",
                         checks));
    return failed;
}

static int
cmd_verify(int argc, char **argv)
{
    struct verify_args a;
    struct crypto_cert *cert = NULL;
    struct crypto_trust *trust = NULL;
    struct config *cfg = NULL;
    struct error err = {0};
    char *data = NULL;
    size_t len = 0;
    int64_t at = (int64_t)time(NULL);
    int rc = parse_verify_args(argc, argv, &a);

    if (rc != 0)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    if (a.at != NULL && parse_instant(a.at, &at) != 0)
        return cli_error(CLI_USAGE, "instant",
                         "instante inválido: «%s»; use ISO 8601 con zona, p. ej. "
                         "2019-06-01T12:00:00Z",
                         a.at);

    rc = CLI_USAGE;
    cfg = cli_load_config(a.config, NULL, &err);
    if (cfg == NULL || load_trust(&a, cfg, &trust, &err) != 0 ||
        crypto_cert_load(a.cer, &cert, &err) != 0 ||
        cli_read_file(a.in, MAX_INPUT, &data, &len, &err) != 0) {
        rc = cli_error_from(CLI_USAGE, &err);
        goto out;
    }
    rc = run_checks(&a, cert, trust, data, len, at) == 0 ? CLI_OK : CLI_FAIL;

out:
    free(data);
    crypto_cert_free(cert);
    crypto_trust_free(trust);
    config_free(cfg);
    return rc;
}

static void
test_ca_usage(FILE *out)
{
    fprintf(out, "Uso: buzon efirma test-ca DIR\n\n"
                 "Crea en DIR una autoridad certificadora de PRUEBAS (raíz, autoridad emisora\n"
                 "y respondedor OCSP), su índice de certificados, su CRL y un directorio de\n"
                 "confianza DIR/trust para el perfil test. Nunca la use en producción: el perfil\n"
                 "production la rechaza.\n\n"
                 "Para responder OCSP en pruebas:\n"
                 "  openssl ocsp -index DIR/index.txt -CA DIR/ac.pem -rsigner DIR/ocsp.pem \\\n"
                 "               -rkey DIR/ocsp.key.pem -port 127.0.0.1:PUERTO\n");
}

static int
cmd_test_ca(int argc, char **argv)
{
    struct error err = {0};
    char trust[1100], crl[1100];

    if (only_help(argc, argv, test_ca_usage))
        return CLI_OK;
    if (argc != 2) {
        test_ca_usage(stderr);
        return CLI_USAGE;
    }
    if (crypto_testpki_create_ca(argv[1], &err) != 0)
        return cli_error_from(CLI_FAIL, &err);
    snprintf(trust, sizeof(trust), "%s/trust", argv[1]);
    snprintf(crl, sizeof(crl), "%s/crl", argv[1]);
    print_json(json_pack("{s:s, s:s, s:s}", "dir", argv[1], "trust_dir", trust, "crl_dir", crl));
    return CLI_OK;
}

static void
test_issue_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon efirma test-issue --ca DIR --out PREFIJO --name NOMBRE --rfc RFC\n"
            "                             --password-file ARCHIVO [OPCIONES]\n\n"
            "Emite con la autoridad de pruebas DIR un certificado con el perfil exacto del SAT\n"
            "(PREFIJO.cer, DER) y su llave como la escribe el SAT (PREFIJO.key: PKCS#8 DER\n"
            "cifrado con PBES2, PBKDF2 y 3DES). Imprime el número de certificado en JSON.\n\n"
            "  --ca DIR                    autoridad creada con 'buzon efirma test-ca'\n"
            "  --out PREFIJO               ruta de los archivos, sin extensión\n"
            "  --kind efirma|csd           tipo de certificado (por omisión efirma)\n"
            "  --name NOMBRE               titular (persona o razón social), UTF-8\n"
            "  --rfc RFC                   RFC del titular (13 caracteres persona, 12 moral)\n"
            "  --curp CURP                 CURP del titular (personas)\n"
            "  --representative-rfc RFC    RFC del representante legal (morales)\n"
            "  --representative-curp CURP  CURP del representante legal (morales)\n"
            "  --branch SUCURSAL           sucursal del CSD (unidad organizacional)\n"
            "  --email CORREO              correo del titular (e.firma)\n"
            "  --password-file ARCHIVO     contraseña con que se cifra la llave\n"
            "  --not-before INSTANTE       inicio de vigencia, ISO 8601 (por omisión, ahora)\n"
            "  --not-after INSTANTE        fin de vigencia (por omisión, 4 años después)\n"
            "  --ocsp-url URL              servicio OCSP anotado en el certificado\n"
            "  --revoked                   lo revoca al emitirlo (índice OCSP y CRL)\n"
            "  --revoked-at INSTANTE       instante de la revocación (por omisión, ahora)\n");
}

struct issue_args {
    const char *ca, *out, *pwf, *not_before, *not_after, *revoked_at, *kind;
    struct crypto_testpki_subject s;
};

static int
parse_issue_args(int argc, char **argv, struct issue_args *a)
{
    static const struct option longopts[] = {{"ca", required_argument, NULL, 'a'},
                                             {"out", required_argument, NULL, 'o'},
                                             {"kind", required_argument, NULL, 'k'},
                                             {"name", required_argument, NULL, 'n'},
                                             {"rfc", required_argument, NULL, 'r'},
                                             {"curp", required_argument, NULL, 'c'},
                                             {"representative-rfc", required_argument, NULL, 'R'},
                                             {"representative-curp", required_argument, NULL, 'C'},
                                             {"branch", required_argument, NULL, 'b'},
                                             {"email", required_argument, NULL, 'e'},
                                             {"password-file", required_argument, NULL, 'p'},
                                             {"not-before", required_argument, NULL, 'B'},
                                             {"not-after", required_argument, NULL, 'A'},
                                             {"ocsp-url", required_argument, NULL, 'u'},
                                             {"revoked", no_argument, NULL, 'x'},
                                             {"revoked-at", required_argument, NULL, 'X'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int opt;

    *a = (struct issue_args){.kind = "efirma"};
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'a':
            a->ca = optarg;
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'k':
            a->kind = optarg;
            break;
        case 'n':
            a->s.name = optarg;
            break;
        case 'r':
            a->s.rfc = optarg;
            break;
        case 'c':
            a->s.curp = optarg;
            break;
        case 'R':
            a->s.representative_rfc = optarg;
            break;
        case 'C':
            a->s.representative_curp = optarg;
            break;
        case 'b':
            a->s.branch = optarg;
            break;
        case 'e':
            a->s.email = optarg;
            break;
        case 'p':
            a->pwf = optarg;
            break;
        case 'B':
            a->not_before = optarg;
            break;
        case 'A':
            a->not_after = optarg;
            break;
        case 'u':
            a->s.ocsp_url = optarg;
            break;
        case 'x':
            a->s.revoked = true;
            break;
        case 'X':
            a->revoked_at = optarg;
            a->s.revoked = true;
            break;
        case 'h':
            test_issue_usage(stdout);
            return 1;
        default:
            test_issue_usage(stderr);
            return -1;
        }
    }
    if (optind != argc || a->ca == NULL || a->out == NULL || a->pwf == NULL) {
        cli_error(CLI_USAGE, "usage", "se necesitan --ca, --out y --password-file");
        return -1;
    }
    return 0;
}

/* Turn the textual options of test-issue into the subject's fields. */
static int
issue_values(struct issue_args *a)
{
    struct {
        const char *text;
        int64_t *slot;
    } instants[] = {{a->not_before, &a->s.not_before},
                    {a->not_after, &a->s.not_after},
                    {a->revoked_at, &a->s.revoked_at}};

    if (strcmp(a->kind, "efirma") == 0)
        a->s.kind = CRYPTO_CERT_EFIRMA;
    else if (strcmp(a->kind, "csd") == 0)
        a->s.kind = CRYPTO_CERT_CSD;
    else
        return cli_error(CLI_USAGE, "usage", "--kind debe ser efirma o csd");
    for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
        if (instants[i].text != NULL && parse_instant(instants[i].text, instants[i].slot) != 0)
            return cli_error(CLI_USAGE, "instant", "instante inválido: «%s»", instants[i].text);
    }
    return 0;
}

static int
cmd_test_issue(int argc, char **argv)
{
    struct issue_args a;
    struct error err = {0};
    char number[48], *pw = NULL;
    int rc = parse_issue_args(argc, argv, &a);

    if (rc != 0)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    if (issue_values(&a) != 0)
        return CLI_USAGE;
    pw = read_password(a.pwf, &err);
    if (pw == NULL)
        return cli_error_from(CLI_USAGE, &err);
    a.s.password = pw;
    rc = crypto_testpki_issue(a.ca, &a.s, a.out, number, &err);
    free_password(pw);
    if (rc != 0)
        return cli_error_from(strcmp(err.code, "testpki_value") == 0 ? CLI_USAGE : CLI_FAIL, &err);
    print_json(json_pack("{s:s, s:s, s:b}", "certificate_number", number, "kind", a.kind, "revoked",
                         a.s.revoked));
    return CLI_OK;
}

static void
test_revoke_usage(FILE *out)
{
    fprintf(out, "Uso: buzon efirma test-revoke --ca DIR --number NÚMERO [--at INSTANTE]\n\n"
                 "Revoca un certificado emitido por la autoridad de pruebas DIR: lo marca en el\n"
                 "índice que usa 'openssl ocsp' y vuelve a firmar la CRL.\n");
}

static int
cmd_test_revoke(int argc, char **argv)
{
    static const struct option longopts[] = {{"ca", required_argument, NULL, 'a'},
                                             {"number", required_argument, NULL, 'n'},
                                             {"at", required_argument, NULL, 't'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *ca = NULL, *number = NULL, *at_text = NULL;
    struct error err = {0};
    int64_t at = 0;
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (opt == 'a') {
            ca = optarg;
        } else if (opt == 'n') {
            number = optarg;
        } else if (opt == 't') {
            at_text = optarg;
        } else {
            test_revoke_usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (ca == NULL || number == NULL || optind != argc)
        return cli_error(CLI_USAGE, "usage", "se necesitan --ca y --number");
    if (at_text != NULL && parse_instant(at_text, &at) != 0)
        return cli_error(CLI_USAGE, "instant", "instante inválido: «%s»", at_text);
    if (crypto_testpki_revoke(ca, number, at, &err) != 0)
        return cli_error_from(CLI_FAIL, &err);
    print_json(json_pack("{s:s, s:b}", "certificate_number", number, "revoked", 1));
    return CLI_OK;
}

int
cli_efirma(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {{"inspect", cmd_inspect},       {"sign", cmd_sign},
                {"verify", cmd_verify},         {"test-ca", cmd_test_ca},
                {"test-issue", cmd_test_issue}, {"test-revoke", cmd_test_revoke}};

    if (argc < 2) {
        efirma_usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        efirma_usage(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    }
    return cli_error(CLI_USAGE, "unknown_command",
                     "subcomando desconocido: «efirma %s»; 'buzon efirma --help' muestra la lista",
                     argv[1]);
}
