/*
 * ident.h - Mexican identifiers: RFC, CURP, NSS and registro patronal.
 *
 * Every function here parses a value typed by a person or read from a certificate,
 * normalises it and checks it against the published rules of the authority that assigns it.
 * The e.firma reader validates the RFC and CURP of a certificate with it, the HTTP API and the
 * portal validate user input with it, and `buzon ident` prints its verdicts.
 *
 * Normalisation (the same for every kind): leading and trailing white space (space, tab,
 * CR, LF, VT, FF) is removed, ASCII letters are upper-cased and "ñ" becomes "Ñ" (UTF-8,
 * U+00F1 -> U+00D1). Nothing else is changed: separators such as "-" or inner spaces are
 * refused with a *_characters error, so that what is stored is exactly what was checked.
 * Lengths count characters, not bytes ("Ñ" is one character, two bytes).
 *
 * The rules, with their sources:
 *
 * RFC (Registro Federal de Contribuyentes, SAT). A company (persona moral) has 12
 * characters: 3 from its name (A-Z, "&", "Ñ"), its date of incorporation YYMMDD, a homoclave of
 * 2 characters (A-Z, 0-9) and a check character. A person (persona física) has 13: 4 from the
 * name, the date of birth YYMMDD, homoclave and check character.
 *   Check character: SAT, "Algoritmo para generar el RFC con homoclave para personas físicas y
 *   morales", answer to INFOMEX request 0610100135506 (18/10/2006), section "Procedimiento
 *   para calcular el dígito verificador" and its Anexo 3. Each of the 12 characters before it
 *   gets a value: "0".."9" = 0..9, "A".."N" = 10..23, "&" = 24, "O".."Z" = 25..36,
 *   space = 37, "Ñ" = 38. The values are multiplied by 13, 12, ..., 2 (left to right) and
 *   added; r = sum mod 11; the check character is "0" when r = 0, "A" when 11 - r = 10, else
 *   the digit 11 - r. Worked example in the document: GODE561231GR -> 1026, r = 3, "8".
 *   A company's 11 characters are preceded by one space (value 37) so that there are 12; this
 *   is the only use of the space value in Anexo 3, and it is what SAT's own test RFCs follow
 *   (EKU9003173C9, IIA040805DZ4, URE180429TM6... all match; see tests/unit/core/ident.c).
 *   SAT has issued RFCs whose last character does not follow this rule (its own test RFC
 *   AAA010101AAA is one, the algorithm gives "1"), so a mismatch does not make an RFC
 *   invalid: it is reported as IDENT_CHECK_MISMATCH with a warning asking the user to
 *   double-check it.
 *   Generic RFCs: XAXX010101000 (público en general) and XEXX010101000 (residentes en el
 *   extranjero), fixed by SAT for operations without an identified counterpart (Anexo 20 of
 *   the Resolución Miscelánea Fiscal, guide to fill in CFDI). They are valid and flagged
 *   generic; their check character is whatever the rule gives (mismatch for XAXX).
 *   Century: an RFC carries only YY. The year reported is 20YY when that is not after the
 *   current year (UTC), otherwise 19YY (ident_rfc_century); century_inferred says so.
 *   Only the reported year depends on the clock: whether the date exists does not, because
 *   the only day whose existence depends on the century is 29 February of YY = 00, and 2000
 *   was a leap year.
 *   Not checked: SAT's list of "palabras inconvenientes" (SAT never assigns them, but a wrong
 *   rejection of a certificate would cost more than accepting one) and the homoclave's own
 *   derivation from the full name, which needs the name.
 *
 * CURP (Clave Única de Registro de Población, RENAPO), 18 characters: 4 letters from the
 * names (A-Z; RENAPO writes "X" for "Ñ"), date of birth YYMMDD, sex, state of birth (2
 * letters), the first inner consonants of both surnames and the given name (B-D, F-H, J-N,
 * P-T, V-Z), a differentiator assigned by RENAPO and a check digit.
 *   Differentiator: a digit for people born before 2000, a letter for those born from 2000
 *   (RENAPO, Instructivo Normativo para la Asignación de la CURP); it fixes the century.
 *   Sex: "H" (hombre) or "M" (mujer), and "X" (no binario), which RENAPO has assigned since
 *   2023 (Proceso, 23/02/2023, "Emiten primera CURP de identidad no binaria en Jalisco").
 *   State: the RENAPO catalogue of entidades federativas (AS BC BS CC CL CM CS CH DF DG GT GR
 *   HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS) plus NE, nacido en el
 *   extranjero; Ciudad de México keeps the code DF.
 *   Check digit: RENAPO's validation script Curp.js (function calculaDigito, dated
 *   23-6-2003; archived with RENAPO's CURP course manual in the public repository
 *   santoszv/curp-rfc-validators, doc/external/): each of the first 17 characters gets its
 *   index in "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ", multiplied by 18, 17, ..., 2 (left to
 *   right); the digit is (10 - sum mod 10) mod 10. A wrong check digit makes a CURP invalid.
 *   Note: the CURP in SAT's own test e.firma (HEGT761003MDFRNN09) fails this rule.
 *
 * NSS (número de seguridad social, IMSS), 11 digits: subdelegación (2), year of first
 * registration (2), year of birth (2), consecutive (4), check digit. The check digit is the
 * Luhn digit of the first ten: from the left, digits in even positions are doubled (a product
 * over 9 counts as the sum of its digits), everything is added and the check digit is
 * (10 - sum mod 10) mod 10. Sources: IMSS, Dirección de Afiliación y Cobranza, "Bases para
 * la integración de números de seguridad social" (internal manual released through IFAI),
 * for the structure; for the digit, IMSS's own code, class
 * mx.gob.imss.cit.mspmccommons.utils.DigitoVerificadorUtils, method generaDigitoVerificador,
 * as published in the public repository rrayac605/mspmc-commons, which agrees with the
 * worked example of the article "Estructura de RFC y NSS" (92919084431). A wrong check digit
 * makes an NSS invalid.
 *
 * Registro patronal (número de registro patronal, IMSS), 11 characters: municipality key (a
 * letter or digit and 2 digits), serial (5 digits), modalidad de aseguramiento (2 digits) and
 * a check digit. No authoritative IMSS publication of the check digit was found. The rule
 * implemented is the best documented one: IMSS's own code, the same class as for the NSS
 * (method generaDigitoVerificadorRP, "NRP conformado a partir de 3 posiciones municipio,
 * 5 posiciones serie, 2 modalidad"): a leading letter is replaced by its two-digit number
 * A = 10 ... Z = 35, and the check digit is the Luhn digit of the resulting string (the
 * rightmost digit is doubled, then every second one to the left). It agrees with every real
 * registro patronal found in public documents (four; see the tests); SAT's fictitious
 * payroll example B5510768108 does not follow it. A wrong check digit makes a registro
 * patronal invalid.
 *
 * Error codes (struct error .code), one per failure:
 *   ident_empty, ident_unknown (ident_classify only);
 *   rfc_length, rfc_characters, rfc_date;
 *   curp_length, curp_characters, curp_date, curp_sex, curp_state, curp_check_digit;
 *   nss_length, nss_characters, nss_check_digit;
 *   registro_patronal_length, registro_patronal_characters, registro_patronal_check_digit.
 * Warning codes (struct ident .warning_code): rfc_check_digit, rfc_generic.
 *
 * Thread-safety: every function is reentrant and allocates nothing; the only shared state
 * read is the clock, for the century of an RFC's year.
 */
#ifndef BUZON_CORE_IDENT_H
#define BUZON_CORE_IDENT_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

enum ident_kind {
    IDENT_UNKNOWN = 0,
    IDENT_RFC_COMPANY,       /* persona moral, 12 characters */
    IDENT_RFC_PERSON,        /* persona física, 13 characters */
    IDENT_CURP,              /* 18 characters */
    IDENT_NSS,               /* 11 digits */
    IDENT_REGISTRO_PATRONAL, /* 11 characters */
};

enum ident_check {
    IDENT_CHECK_OK = 0,
    IDENT_CHECK_MISMATCH,
};

enum {
    /* Bytes of the longest RFC without its NUL: 13 characters, of which the four letters of a
     * person's name part may each be "Ñ" (two bytes in UTF-8). Buffers for RFCs use this. */
    IDENT_RFC_BYTES_MAX = 17,
    /* Longest normalised value in bytes plus NUL: a person's RFC with four "Ñ" takes 18. */
    IDENT_NORMALIZED_MAX = 24,
    IDENT_WARNING_MAX = 320,
};

struct ident_date {
    int year; /* four digits */
    int month;
    int day;
};

/* The verdict on one value. A plain value: nothing inside is heap-allocated. */
struct ident {
    enum ident_kind kind; /* what the value is (or was asked to be); see each function */
    bool valid;           /* usable as what kind says; a warning may still be set */

    /*
     * True when the value has the length and character classes of its kind, so that
     * normalized, check_digit and expected_check mean something (they are empty/zero
     * otherwise). A parsed value may still be invalid: impossible date, unknown state, wrong
     * check digit.
     */
    bool parsed;
    char normalized[IDENT_NORMALIZED_MAX]; /* UTF-8, NUL-terminated */
    enum ident_check check_digit;
    char expected_check; /* the check character the rule gives */

    bool has_date; /* date holds the date embedded in the value and it exists */
    struct ident_date date;
    bool century_inferred; /* RFC: the century was chosen by ident_rfc_century */

    bool generic;  /* XAXX010101000 or XEXX010101000 */
    char sex;      /* CURP: 'H', 'M' or 'X'; 0 otherwise */
    char state[3]; /* CURP: the state code; empty otherwise */

    /* A valid value the user should double-check: static code, or NULL, and its text. */
    const char *warning_code;
    char warning[IDENT_WARNING_MAX]; /* Spanish; empty when warning_code is NULL */
};

/*
 * Parse and validate an RFC of a company (12 characters) or a person (13).
 *   s, len (in): the value, not necessarily NUL-terminated; s may be NULL when len is 0.
 *   out (out): the verdict, always filled. kind is IDENT_RFC_COMPANY or IDENT_RFC_PERSON by
 *              length, IDENT_UNKNOWN when the length is neither.
 *   err (out, may be NULL): on failure, the code (rfc_length, rfc_characters, rfc_date) and
 *              a Spanish message; cleared on success.
 * Returns 0 when valid (check the warning: a mismatching check character or a generic RFC
 * is valid with a warning), -1 when not.
 */
int ident_parse_rfc(const char *s, size_t len, struct ident *out, struct error *err);

/*
 * Parse and validate a CURP. Same contract as ident_parse_rfc; out->kind is IDENT_CURP.
 * Error codes: curp_length, curp_characters, curp_date, curp_sex, curp_state,
 * curp_check_digit.
 */
int ident_parse_curp(const char *s, size_t len, struct ident *out, struct error *err);

/*
 * Parse and validate an NSS. Same contract; out->kind is IDENT_NSS.
 * Error codes: nss_length, nss_characters, nss_check_digit.
 */
int ident_parse_nss(const char *s, size_t len, struct ident *out, struct error *err);

/*
 * Parse and validate a registro patronal. Same contract; out->kind is
 * IDENT_REGISTRO_PATRONAL. Error codes: registro_patronal_length,
 * registro_patronal_characters, registro_patronal_check_digit.
 */
int ident_parse_registro_patronal(const char *s, size_t len, struct ident *out, struct error *err);

/*
 * Recognise the kind of a value by its normalised shape and validate it as that kind:
 * 18 characters -> CURP; 13 -> person's RFC; 12 -> company's RFC; 11 starting with a letter
 * -> registro patronal; other 11 -> NSS. Anything else is IDENT_UNKNOWN with the error
 * ident_empty (nothing but white space) or ident_unknown.
 * Same contract as ident_parse_rfc otherwise.
 */
int ident_classify(const char *s, size_t len, struct ident *out, struct error *err);

/*
 * The four-digit year for the two digits yy (0..99) of an RFC's date: 2000 + yy when that is
 * not after reference_year, else 1900 + yy. Pure; ident_parse_rfc passes the current UTC year.
 */
int ident_rfc_century(int yy, int reference_year);

/* Stable lower-snake name of kind ("rfc_company", ..., "unknown"); static storage. */
const char *ident_kind_name(enum ident_kind kind);

/* "ok" or "mismatch"; static storage. */
const char *ident_check_name(enum ident_check check);

#endif
