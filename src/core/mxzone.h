/*
 * mxzone.h - the legal time zone of a place in Mexico (legal-rules.md section
 * 8; D3).
 *
 * Resolves a state and municipality, given as INEGI codes (Marco
 * Geoestadístico: two-digit state, three-digit municipality) or as names
 * matched without regard to case, accents or punctuation, to the IANA zone that
 * the Ley de los Husos Horarios (DOF 28 Oct 2022, art. 5 reformed DOF 29 Nov
 * 2022) assigns to it, including the border municipalities with daylight saving
 * time. A name that repeats across states (Guerrero, Jiménez, Matamoros...) is
 * resolved within the state given, never alone (A15).
 *
 * Every municipality of the five states whose zone varies inside them
 * (Coahuila, Chihuahua, Nayarit, Nuevo León, Tamaulipas) is listed, so a name
 * or code there is checked. In the other states the zone is the same for every
 * municipality: a code is checked against the state's number of municipalities,
 * a name is accepted unchecked (municipality_checked false).
 *
 * Thread-safety: pure functions over constant tables.
 */
#ifndef BUZON_CORE_MXZONE_H
#define BUZON_CORE_MXZONE_H

#include "core/error.h"

#include <stdbool.h>

struct mxzone_place {
    int state;              /* INEGI state code, 1-32 */
    int municipality;       /* INEGI municipality code, or 0 when given by an unchecked name */
    const char *state_name; /* official name (static) */
    const char *municipality_name; /* official name (static), or NULL when not in the table */
    bool municipality_checked;     /* the municipality was found in the catalogue */
    const char *iana;              /* e.g. "America/Matamoros" (static) */
    const char *legal_zone;        /* LHHEUM zone, Spanish, e.g. "Centro" (static) */
    const char *basis;             /* the article that assigns it (static) */
};

/*
 * Resolve state (in: "05", "5" or a name such as "Coahuila de Zaragoza") and
 * municipality (in: "025", "25", "05025" or a name such as "piedras negras")
 * into *out. Returns 0, or -1 with err: "zone_unknown_state",
 * "zone_unknown_municipality".
 */
int mxzone_resolve(const char *state, const char *municipality, struct mxzone_place *out,
                   struct error *err);

/*
 * Fold s (in) for matching into buf (out, len bytes): lower case, Spanish
 * accents and ñ to ASCII, every other non-alphanumeric byte to one space,
 * trimmed. Truncates silently.
 */
void mxzone_fold(const char *s, char *buf, unsigned len);

#endif
