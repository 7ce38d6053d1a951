/*
 * email.h - syntactic check of an e-mail address given as a contact means (Lineamientos 5.1).
 *
 * Accepted: the addr-spec subset that mail systems actually route, local-part@domain, where
 *   - the local part is a dot-atom (RFC 5322 section 3.2.3: letters, digits and
 *     !#$%&'*+-/=?^_`{|}~, in atoms separated by single dots), at most 64 octets
 *     (RFC 5321 section 4.5.3.1.1); UTF-8 letters are kept as they are (RFC 6531);
 *   - the domain is at least two labels of letters, digits and hyphens (not at either end of a
 *     label), each 1-63 octets (RFC 1035 section 2.3.4); the domain's own limit of 253 octets
 *     is implied by the limit on the whole address;
 *     internationalised names are kept as written, in UTF-8, not converted to A-labels; the last
 *     label is not all digits;
 *   - the whole address is at most 254 octets (the 256-octet path of RFC 5321 4.5.3.1.3 less
 *     its angle brackets).
 * Refused on purpose although RFC 5322 allows them: quoted local parts ("a b"@x.mx), comments,
 * domain literals (user@[10.0.0.1]) and single-label domains: none belongs in a registry of
 * contact means, and each has been used to smuggle text into mail headers.
 *
 * Pure functions: thread-safe, no allocation.
 */
#ifndef BUZON_CORE_EMAIL_H
#define BUZON_CORE_EMAIL_H

#include "core/error.h"

enum {
    EMAIL_MAX = 254,
    EMAIL_LOCAL_MAX = 64,
    EMAIL_LABEL_MAX = 63,
};

/*
 * Check addr (in, UTF-8). Returns 0 when it is acceptable, or -1 with err filled:
 *   email_empty          empty text
 *   email_too_long       more than EMAIL_MAX octets
 *   email_space          a space or tab anywhere
 *   email_control        a control character (line breaks included)
 *   email_utf8           bytes that are not valid UTF-8
 *   email_at             no '@', or more than one
 *   email_local_empty    nothing before '@'
 *   email_local_too_long more than EMAIL_LOCAL_MAX octets before '@'
 *   email_local_char     a character not allowed in the local part (quotes included)
 *   email_local_dots     a dot at the start or end of the local part, or two in a row
 *   email_domain_empty   nothing after '@'
 *   email_domain_literal an address literal such as [10.0.0.1]
 *   email_domain_char    a character not allowed in a domain name
 *   email_domain_label   an empty label, one longer than 63 octets, or a hyphen at either end
 *   email_domain_dot     a domain of a single label (no dot)
 *   email_domain_tld     a last label made only of digits
 */
int email_check(const char *addr, struct error *err);

#endif
