/* email.c - syntactic check of an e-mail address (see email.h). */
#include "core/email.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Length of the UTF-8 sequence at s (in), or 0 when it is not well formed (RFC 3629). */
static size_t
utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        cp = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }

    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF are not UTF-8. */
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Checks that apply to the whole text: length, blanks, controls, UTF-8, one '@'. */
static int
check_whole(const char *addr, const char **at, struct error *err)
{
    const unsigned char *s = (const unsigned char *)addr;
    size_t len = strlen(addr);
    size_t step;

    if (len == 0)
        return error_set(err, "email_empty", "falta la dirección de correo electrónico");
    if (len > EMAIL_MAX)
        return error_set(err, "email_too_long",
                         "la dirección de correo electrónico excede %d caracteres", EMAIL_MAX);

    for (size_t i = 0; i < len; i += step) {
        step = 1;
        if (s[i] == ' ' || s[i] == '\t')
            return error_set(err, "email_space",
                             "la dirección de correo electrónico no puede contener espacios");
        if (s[i] < 0x20 || s[i] == 0x7F)
            return error_set(err, "email_control",
                             "la dirección de correo electrónico contiene caracteres de control");
        if (s[i] >= 0x80) {
            step = utf8_len(s + i);
            if (step == 0)
                return error_set(err, "email_utf8",
                                 "la dirección de correo electrónico tiene caracteres mal "
                                 "codificados (se espera UTF-8)");
        }
    }

    *at = strchr(addr, '@');
    if (*at == NULL || strchr(*at + 1, '@') != NULL)
        return error_set(err, "email_at",
                         "la dirección de correo electrónico debe tener una sola arroba (@)");
    return 0;
}

/* atext of RFC 5322 section 3.2.3, with UTF-8 bytes allowed as RFC 6531 does. */
static bool
is_atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c >= 0x80 || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int
check_local(const char *local, size_t len, struct error *err)
{
    if (len == 0)
        return error_set(err, "email_local_empty", "falta el nombre antes de la arroba (@)");
    if (len > EMAIL_LOCAL_MAX)
        return error_set(err, "email_local_too_long",
                         "la parte antes de la arroba (@) excede %d caracteres", EMAIL_LOCAL_MAX);

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)local[i];
        if (c == '.') {
            if (i == 0 || i == len - 1 || local[i + 1] == '.')
                return error_set(err, "email_local_dots",
                                 "la parte antes de la arroba (@) no puede empezar ni terminar "
                                 "con punto, ni tener dos puntos seguidos");
            continue;
        }
        if (!is_atext(c))
            return error_set(err, "email_local_char",
                             "la parte antes de la arroba (@) contiene el carácter no permitido "
                             "«%c»",
                             c);
    }
    return 0;
}

static int
check_label(const char *label, size_t len, struct error *err)
{
    if (len == 0 || len > EMAIL_LABEL_MAX || label[0] == '-' || label[len - 1] == '-')
        return error_set(err, "email_domain_label",
                         "el dominio del correo electrónico tiene una parte vacía, demasiado "
                         "larga (más de %d caracteres) o que empieza o termina con guion",
                         EMAIL_LABEL_MAX);

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)label[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c >= 0x80;
        if (!ok)
            return error_set(err, "email_domain_char",
                             "el dominio del correo electrónico contiene el carácter no "
                             "permitido «%c»",
                             c);
    }
    return 0;
}

static int
check_domain(const char *domain, struct error *err)
{
    size_t len = strlen(domain);
    const char *label = domain;
    bool all_digits = true;

    if (len == 0)
        return error_set(err, "email_domain_empty", "falta el dominio después de la arroba (@)");
    if (domain[0] == '[')
        return error_set(
            err, "email_domain_literal",
            "el dominio del correo electrónico debe ser un nombre, no una dirección IP");

    for (const char *dot = strchr(label, '.'); dot != NULL; dot = strchr(label, '.')) {
        if (check_label(label, (size_t)(dot - label), err) != 0)
            return -1;
        label = dot + 1;
    }
    if (check_label(label, strlen(label), err) != 0)
        return -1;
    if (label == domain)
        return error_set(err, "email_domain_dot",
                         "el dominio del correo electrónico debe estar completo, por ejemplo "
                         "ejemplo.com.mx");

    /* A numeric top-level label would make 10.0.0.1 look like a domain (RFC 3696 section 2). */
    for (const char *p = label; *p != '\0'; p++)
        all_digits = all_digits && *p >= '0' && *p <= '9';
    if (all_digits)
        return error_set(err, "email_domain_tld",
                         "el dominio del correo electrónico no puede terminar en una parte solo "
                         "de números");
    return 0;
}

int
email_check(const char *addr, struct error *err)
{
    const char *at = NULL;

    if (check_whole(addr, &at, err) != 0)
        return -1;
    if (check_local(addr, (size_t)(at - addr), err) != 0)
        return -1;
    return check_domain(at + 1, err);
}
