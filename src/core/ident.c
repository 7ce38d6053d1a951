/* ident.c - RFC, CURP, NSS and registro patronal (see ident.h for the rules and sources). */
#include "core/ident.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/*
 * A value is decoded once into one byte per character: ASCII upper-cased, CH_ENYE for "Ñ"
 * and CH_OTHER for any other character (non-ASCII, control, or a byte that is not UTF-8).
 * The longest identifier has 18 characters; longer values are only counted.
 */
enum {
    CHARS_MAX = 18,
    CH_ENYE = 0xD1, /* Latin-1 code of "Ñ": never a byte of valid ASCII */
    CH_OTHER = 0xFF,
};

struct chars {
    unsigned char c[CHARS_MAX];
    size_t n; /* number of characters, also beyond CHARS_MAX */
};

static bool
is_space(unsigned char b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f';
}

/* Length of the UTF-8 sequence starting at s[0] (1 when it is not well formed). */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
    size_t need;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        need = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        need = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        need = 4;
    else
        return 1;

    if (need > avail)
        return 1;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 1;
    }
    return need;
}

/* The character code of the sequence of seq_len bytes at s (see enum above). */
static unsigned char
char_code(const unsigned char *s, size_t seq_len)
{
    if (seq_len == 1 && s[0] >= 'a' && s[0] <= 'z')
        return (unsigned char)(s[0] - 'a' + 'A');
    if (seq_len == 1 && s[0] >= ' ' && s[0] < 0x7F)
        return s[0];
    /* U+00D1 "Ñ" and U+00F1 "ñ" */
    if (seq_len == 2 && s[0] == 0xC3 && (s[1] == 0x91 || s[1] == 0xB1))
        return CH_ENYE;
    return CH_OTHER;
}

/* Trim, upper-case and decode s[0..len) into ch (normalisation rules in ident.h). */
static void
decode(const char *s, size_t len, struct chars *ch)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    memset(ch, 0, sizeof(*ch));
    if (p == NULL)
        return;

    while (len > 0 && is_space(p[len - 1]))
        len--;
    while (i < len && is_space(p[i]))
        i++;

    while (i < len) {
        size_t seq = utf8_len(p + i, len - i);

        if (ch->n < CHARS_MAX)
            ch->c[ch->n] = char_code(p + i, seq);
        ch->n++;
        i += seq;
    }
}

/* Write the normalised UTF-8 form of ch (n <= CHARS_MAX) into out. */
static void
encode(const struct chars *ch, char *out, size_t size)
{
    size_t o = 0;

    for (size_t i = 0; i < ch->n && i < CHARS_MAX && o + 3 <= size; i++) {
        if (ch->c[i] == CH_ENYE) {
            out[o++] = (char)0xC3;
            out[o++] = (char)0x91;
        } else {
            out[o++] = (char)ch->c[i];
        }
    }
    out[o] = '\0';
}

/* A character as the user sees it, for messages: «A», «Ñ» or a description. */
static const char *
show(unsigned char c, char buf[8])
{
    if (c == CH_ENYE)
        return "«Ñ»";
    if (c == CH_OTHER)
        return "un carácter que no se admite";
    if (c == ' ')
        return "un espacio";
    snprintf(buf, 8, "«%c»", c);
    return buf;
}

static bool
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool
is_alnum(unsigned char c)
{
    return is_digit(c) || is_upper(c);
}

static int
two_digits(const unsigned char *c)
{
    return (c[0] - '0') * 10 + (c[1] - '0');
}

static void
set_check(struct ident *out, char expected, unsigned char actual)
{
    out->expected_check = expected;
    out->check_digit = (unsigned char)expected == actual ? IDENT_CHECK_OK : IDENT_CHECK_MISMATCH;
}

/* ------------------------------------------------------------------------------------------ */
/* Dates */

static bool
is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month == 2 && is_leap(year))
        return 29;
    return days[month - 1];
}

/*
 * Check the date YYMMDD at c in the given four-digit year. Returns NULL when the date exists,
 * else the Spanish reason, written into buf when it needs numbers.
 */
static const char *
date_problem(const unsigned char *c, int year, char *buf, size_t size)
{
    static const char *const months[12] = {"enero",      "febrero", "marzo",     "abril",
                                           "mayo",       "junio",   "julio",     "agosto",
                                           "septiembre", "octubre", "noviembre", "diciembre"};
    int month = two_digits(c + 2), day = two_digits(c + 4);

    if (month < 1 || month > 12) {
        snprintf(buf, size, "no hay mes %02d", month);
        return buf;
    }
    if (day < 1) {
        snprintf(buf, size, "no hay día 00");
        return buf;
    }
    if (day > days_in_month(year, month)) {
        if (month == 2 && day == 29)
            snprintf(buf, size, "%d no fue año bisiesto y febrero tuvo 28 días", year);
        else
            snprintf(buf, size, "%s tiene %d días", months[month - 1], days_in_month(year, month));
        return buf;
    }
    return NULL;
}

static void
set_date(struct ident *out, const unsigned char *c, int year)
{
    out->has_date = true;
    out->date.year = year;
    out->date.month = two_digits(c + 2);
    out->date.day = two_digits(c + 4);
}

int
ident_rfc_century(int yy, int reference_year)
{
    return 2000 + yy <= reference_year ? 2000 + yy : 1900 + yy;
}

/* The current UTC year; 2000 when the clock cannot be read (then 00 is 2000, the rest 19YY). */
static int
current_year(void)
{
    time_t now = time(NULL);
    struct tm tm;

    if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL)
        return 2000;
    return tm.tm_year + 1900;
}

/* ------------------------------------------------------------------------------------------ */
/* RFC */

/* Value of an RFC character in SAT's Anexo 3 (ident.h); -1 for characters it does not list. */
static int
rfc_value(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'A' && c <= 'N')
        return c - 'A' + 10;
    if (c == '&')
        return 24;
    if (c >= 'O' && c <= 'Z')
        return c - 'O' + 25;
    if (c == ' ')
        return 37;
    if (c == CH_ENYE)
        return 38;
    return -1;
}

/*
 * SAT's check character for the n - 1 characters before the last one (n is 12 or 13):
 * a company's 11 are preceded by a space so that weights 13..2 always apply to 12 values.
 */
static char
rfc_check_char(const unsigned char *c, size_t n)
{
    unsigned char padded[12];
    int sum = 0, r;

    padded[0] = ' ';
    memcpy(padded + (13 - n), c, n - 1);
    for (int i = 0; i < 12; i++)
        sum += rfc_value(padded[i]) * (13 - i);

    r = sum % 11;
    if (r == 0)
        return '0';
    if (11 - r == 10)
        return 'A';
    return (char)('0' + 11 - r);
}

static bool
rfc_name_char(unsigned char c)
{
    return is_upper(c) || c == '&' || c == CH_ENYE;
}

/* Length and character classes; name_len is 3 (company) or 4 (person). */
static int
rfc_structure(const struct chars *ch, size_t name_len, struct error *err)
{
    char buf[8];

    for (size_t i = 0; i < ch->n; i++) {
        unsigned char c = ch->c[i];
        const char *why = NULL;

        if (i < name_len && !rfc_name_char(c))
            why = "las primeras posiciones vienen del nombre y son letras (A-Z, Ñ o &)";
        else if (i >= name_len && i < name_len + 6 && !is_digit(c))
            why = "tras el nombre va la fecha AAMMDD, que solo lleva dígitos";
        else if (i >= name_len + 6 && i < ch->n - 1 && !is_alnum(c))
            why = "la homoclave solo lleva letras A-Z y dígitos";
        else if (i == ch->n - 1 && !is_alnum(c))
            why = "el dígito verificador es una letra o un dígito";
        if (why != NULL)
            return error_set(err, "rfc_characters", "el carácter %zu del RFC (%s) no es válido: %s",
                             i + 1, show(c, buf), why);
    }
    return 0;
}

/* The two generic RFCs (ident.h); NULL for any other. */
static const char *
rfc_generic(const char *normalized)
{
    if (strcmp(normalized, "XAXX010101000") == 0)
        return "público en general";
    if (strcmp(normalized, "XEXX010101000") == 0)
        return "residentes en el extranjero";
    return NULL;
}

static void
rfc_warn(struct ident *out, unsigned char actual)
{
    const char *generic = rfc_generic(out->normalized);
    char buf[8];

    if (generic != NULL) {
        out->generic = true;
        out->warning_code = "rfc_generic";
        snprintf(out->warning, sizeof(out->warning),
                 "es el RFC genérico del SAT para %s: no identifica a ningún contribuyente",
                 generic);
    } else if (out->check_digit == IDENT_CHECK_MISMATCH) {
        out->warning_code = "rfc_check_digit";
        snprintf(out->warning, sizeof(out->warning),
                 "el dígito verificador del RFC no corresponde: según el algoritmo del SAT "
                 "sería «%c» y no %s; el SAT ha asignado algunos RFC así, pero verifique que "
                 "esté bien escrito",
                 out->expected_check, show(actual, buf));
    }
}

static int
rfc_from_chars(const struct chars *ch, struct ident *out, struct error *err)
{
    size_t name_len = ch->n == 12 ? 3 : 4;
    const unsigned char *date;
    const char *problem;
    char why[128];
    int year;

    if (ch->n != 12 && ch->n != 13)
        return error_set(err, "rfc_length",
                         "el RFC debe tener 12 caracteres (persona moral) o 13 (persona "
                         "física), sin espacios ni guiones; tiene %zu",
                         ch->n);
    out->kind = ch->n == 12 ? IDENT_RFC_COMPANY : IDENT_RFC_PERSON;
    if (rfc_structure(ch, name_len, err) != 0)
        return -1;

    out->parsed = true;
    encode(ch, out->normalized, sizeof(out->normalized));
    set_check(out, rfc_check_char(ch->c, ch->n), ch->c[ch->n - 1]);

    date = ch->c + name_len;
    year = ident_rfc_century(two_digits(date), current_year());
    problem = date_problem(date, year, why, sizeof(why));
    if (problem != NULL)
        return error_set(err, "rfc_date", "la fecha del RFC, %.6s (AAMMDD), no existe: %s",
                         (const char *)date, problem);
    set_date(out, date, year);
    out->century_inferred = true;

    rfc_warn(out, ch->c[ch->n - 1]);
    out->valid = true;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* CURP */

/* RENAPO's catalogue of entidades federativas, plus NE (born abroad); see ident.h. */
static const char curp_states[][3] = {
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT",
    "GR", "HG", "JC", "MC", "MN", "MS", "NT", "NL", "OC", "PL", "QT",
    "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS", "NE",
};

/* Index of c in "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ" (RENAPO's calculaDigito). */
static int
curp_value(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'A' && c <= 'N')
        return c - 'A' + 10;
    if (c == CH_ENYE)
        return 24;
    return c - 'O' + 25;
}

static char
curp_check_char(const unsigned char *c)
{
    int sum = 0;

    for (int i = 0; i < 17; i++)
        sum += curp_value(c[i]) * (18 - i);
    return (char)('0' + (10 - sum % 10) % 10);
}

/* Inner consonants of positions 14 to 16: B-D, F-H, J-N, P-T, V-Z (X stands for none). */
static bool
is_consonant(unsigned char c)
{
    return is_upper(c) && c != 'A' && c != 'E' && c != 'I' && c != 'O' && c != 'U';
}

/* Why character i (0-based) of a CURP is not acceptable where it is, or NULL. */
static const char *
curp_char_problem(size_t i, unsigned char c)
{
    if (i < 4 && !is_upper(c))
        return c == CH_ENYE ? "la CURP no lleva Ñ: RENAPO la escribe como X"
                            : "las posiciones 1 a 4 vienen del nombre y son letras A-Z";
    if (i >= 4 && i < 10 && !is_digit(c))
        return "las posiciones 5 a 10 son la fecha de nacimiento AAMMDD y solo llevan dígitos";
    if (i >= 10 && i < 13 && !is_alnum(c))
        return "las posiciones 11 a 13 son el sexo y la entidad de nacimiento";
    if (i >= 13 && i < 16 && !is_consonant(c))
        return "las posiciones 14 a 16 son consonantes (B-D, F-H, J-N, P-T, V-Z)";
    if (i == 16 && !is_alnum(c))
        return "la posición 17 es una letra A-Z o un dígito";
    if (i == 17 && !is_digit(c))
        return "la posición 18, el dígito verificador, es un dígito";
    return NULL;
}

static int
curp_structure(const struct chars *ch, struct error *err)
{
    char buf[8];

    if (ch->n != 18)
        return error_set(err, "curp_length",
                         "la CURP debe tener 18 caracteres, sin espacios ni guiones; tiene %zu",
                         ch->n);
    for (size_t i = 0; i < 18; i++) {
        const char *why = curp_char_problem(i, ch->c[i]);

        if (why != NULL)
            return error_set(err, "curp_characters",
                             "el carácter %zu de la CURP (%s) no es válido: %s", i + 1,
                             show(ch->c[i], buf), why);
    }
    return 0;
}

static bool
curp_state_known(const unsigned char *c)
{
    for (size_t i = 0; i < sizeof(curp_states) / sizeof(curp_states[0]); i++) {
        if (c[0] == (unsigned char)curp_states[i][0] && c[1] == (unsigned char)curp_states[i][1])
            return true;
    }
    return false;
}

/* Date, sex and state of a well-formed CURP; fills out's date, sex and state. */
static int
curp_fields(const unsigned char *c, struct ident *out, struct error *err)
{
    /* Position 17 is a digit for births up to 1999 and a letter from 2000 (ident.h). */
    int year = (is_digit(c[16]) ? 1900 : 2000) + two_digits(c + 4);
    const char *problem;
    char why[128];

    problem = date_problem(c + 4, year, why, sizeof(why));
    if (problem != NULL)
        return error_set(err, "curp_date",
                         "la fecha de nacimiento de la CURP, %.6s (AAMMDD, año %d), no existe: "
                         "%s",
                         (const char *)(c + 4), year, problem);
    set_date(out, c + 4, year);

    if (c[10] != 'H' && c[10] != 'M' && c[10] != 'X')
        return error_set(err, "curp_sex",
                         "la posición 11 de la CURP es el sexo y debe ser H, M o X; tiene «%c»",
                         c[10]);
    out->sex = (char)c[10];

    if (!curp_state_known(c + 11))
        return error_set(err, "curp_state",
                         "la entidad de nacimiento «%c%c» (posiciones 12 y 13 de la CURP) no "
                         "está en el catálogo de RENAPO",
                         c[11], c[12]);
    out->state[0] = (char)c[11];
    out->state[1] = (char)c[12];
    return 0;
}

static int
curp_from_chars(const struct chars *ch, struct ident *out, struct error *err)
{
    out->kind = IDENT_CURP;
    if (curp_structure(ch, err) != 0)
        return -1;

    out->parsed = true;
    encode(ch, out->normalized, sizeof(out->normalized));
    set_check(out, curp_check_char(ch->c), ch->c[17]);

    if (curp_fields(ch->c, out, err) != 0)
        return -1;
    if (out->check_digit != IDENT_CHECK_OK)
        return error_set(err, "curp_check_digit",
                         "el dígito verificador de la CURP no corresponde: según el algoritmo "
                         "de RENAPO sería «%c» y no «%c»; verifique que esté bien escrita",
                         out->expected_check, ch->c[17]);
    out->valid = true;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* NSS and registro patronal: Luhn digits */

/*
 * Luhn check digit of the n decimal digits at d: the rightmost is doubled, then every second
 * one to the left; a doubled value over 9 counts as the sum of its digits.
 */
static char
luhn_check_char(const unsigned char *d, size_t n)
{
    int sum = 0;
    bool twice = true;

    for (size_t i = n; i-- > 0; twice = !twice) {
        int v = d[i] - '0';

        if (twice)
            v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        sum += v;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

static int
nss_from_chars(const struct chars *ch, struct ident *out, struct error *err)
{
    char buf[8];

    out->kind = IDENT_NSS;
    if (ch->n != 11)
        return error_set(err, "nss_length",
                         "el NSS debe tener 11 dígitos, sin espacios ni guiones; tiene %zu "
                         "caracteres",
                         ch->n);
    for (size_t i = 0; i < 11; i++) {
        if (!is_digit(ch->c[i]))
            return error_set(err, "nss_characters",
                             "el carácter %zu del NSS (%s) no es un dígito; el NSS solo lleva "
                             "dígitos",
                             i + 1, show(ch->c[i], buf));
    }

    out->parsed = true;
    encode(ch, out->normalized, sizeof(out->normalized));
    set_check(out, luhn_check_char(ch->c, 10), ch->c[10]);
    if (out->check_digit != IDENT_CHECK_OK)
        return error_set(err, "nss_check_digit",
                         "el dígito verificador del NSS no corresponde: según el algoritmo del "
                         "IMSS sería «%c» y no «%c»; verifique que esté bien escrito",
                         out->expected_check, ch->c[10]);
    out->valid = true;
    return 0;
}

/* IMSS's rule (ident.h): a leading letter becomes its two-digit number A = 10 ... Z = 35. */
static char
registro_patronal_check_char(const unsigned char *c)
{
    unsigned char digits[11];
    size_t n = 0;

    if (is_upper(c[0])) {
        int v = c[0] - 'A' + 10;

        digits[n++] = (unsigned char)('0' + v / 10);
        digits[n++] = (unsigned char)('0' + v % 10);
    } else {
        digits[n++] = c[0];
    }
    memcpy(digits + n, c + 1, 9);
    return luhn_check_char(digits, n + 9);
}

static int
registro_patronal_structure(const struct chars *ch, struct error *err)
{
    char buf[8];

    if (ch->n != 11)
        return error_set(err, "registro_patronal_length",
                         "el registro patronal debe tener 11 caracteres, sin espacios ni "
                         "guiones; tiene %zu",
                         ch->n);
    if (!is_alnum(ch->c[0]))
        return error_set(err, "registro_patronal_characters",
                         "el carácter 1 del registro patronal (%s) no es válido: es una letra "
                         "A-Z o un dígito",
                         show(ch->c[0], buf));
    for (size_t i = 1; i < 11; i++) {
        if (!is_digit(ch->c[i]))
            return error_set(err, "registro_patronal_characters",
                             "el carácter %zu del registro patronal (%s) no es válido: las "
                             "posiciones 2 a 11 solo llevan dígitos",
                             i + 1, show(ch->c[i], buf));
    }
    return 0;
}

static int
registro_patronal_from_chars(const struct chars *ch, struct ident *out, struct error *err)
{
    out->kind = IDENT_REGISTRO_PATRONAL;
    if (registro_patronal_structure(ch, err) != 0)
        return -1;

    out->parsed = true;
    encode(ch, out->normalized, sizeof(out->normalized));
    set_check(out, registro_patronal_check_char(ch->c), ch->c[10]);
    if (out->check_digit != IDENT_CHECK_OK)
        return error_set(err, "registro_patronal_check_digit",
                         "el dígito verificador del registro patronal no corresponde: según el "
                         "algoritmo del IMSS sería «%c» y no «%c»; verifique que esté bien "
                         "escrito",
                         out->expected_check, ch->c[10]);
    out->valid = true;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Entry points */

typedef int (*from_chars_fn)(const struct chars *, struct ident *, struct error *);

static int
parse_with(from_chars_fn fn, const char *s, size_t len, struct ident *out, struct error *err)
{
    struct chars ch;

    memset(out, 0, sizeof(*out));
    error_clear(err);
    decode(s, len, &ch);
    return fn(&ch, out, err);
}

int
ident_parse_rfc(const char *s, size_t len, struct ident *out, struct error *err)
{
    return parse_with(rfc_from_chars, s, len, out, err);
}

int
ident_parse_curp(const char *s, size_t len, struct ident *out, struct error *err)
{
    return parse_with(curp_from_chars, s, len, out, err);
}

int
ident_parse_nss(const char *s, size_t len, struct ident *out, struct error *err)
{
    return parse_with(nss_from_chars, s, len, out, err);
}

int
ident_parse_registro_patronal(const char *s, size_t len, struct ident *out, struct error *err)
{
    return parse_with(registro_patronal_from_chars, s, len, out, err);
}

static int
classify_chars(const struct chars *ch, struct ident *out, struct error *err)
{
    switch (ch->n) {
    case 0:
        return error_set(err, "ident_empty", "el valor está vacío");
    case 18:
        return curp_from_chars(ch, out, err);
    case 12:
    case 13:
        return rfc_from_chars(ch, out, err);
    case 11:
        if (is_upper(ch->c[0]))
            return registro_patronal_from_chars(ch, out, err);
        return nss_from_chars(ch, out, err);
    default:
        return error_set(err, "ident_unknown",
                         "no se reconoce el identificador: tiene %zu caracteres, y escritos sin "
                         "espacios ni guiones un RFC tiene 12 o 13, una CURP 18, y un NSS o un "
                         "registro patronal 11",
                         ch->n);
    }
}

int
ident_classify(const char *s, size_t len, struct ident *out, struct error *err)
{
    return parse_with(classify_chars, s, len, out, err);
}

const char *
ident_kind_name(enum ident_kind kind)
{
    switch (kind) {
    case IDENT_RFC_COMPANY:
        return "rfc_company";
    case IDENT_RFC_PERSON:
        return "rfc_person";
    case IDENT_CURP:
        return "curp";
    case IDENT_NSS:
        return "nss";
    case IDENT_REGISTRO_PATRONAL:
        return "registro_patronal";
    case IDENT_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *
ident_check_name(enum ident_check check)
{
    return check == IDENT_CHECK_OK ? "ok" : "mismatch";
}
