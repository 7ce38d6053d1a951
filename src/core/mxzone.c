/*
 * mxzone.c - INEGI codes and names to the legal zone of the LHHEUM
 * (legal-rules.md section 8).
 *
 * Codes and names: INEGI, Marco Geoestadístico, catálogo único de claves de
 * áreas geoestadísticas estatales y municipales (AGEE, AGEM). Zones: LHHEUM
 * arts. 3 and 5 and IANA tz zone1970.tab, which places the border groups of
 * art. 5 in America/Matamoros (fraction I), America/Ojinaga (II) and
 * America/Ciudad_Juarez (III) (A16).
 */
#include "core/mxzone.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum zone_id {
    Z_STATE, /* the state's general zone */
    Z_MEXICO_CITY,
    Z_CANCUN,
    Z_MERIDA,
    Z_MONTERREY,
    Z_CHIHUAHUA,
    Z_BAHIA_BANDERAS,
    Z_MAZATLAN,
    Z_HERMOSILLO,
    Z_TIJUANA,
    Z_MATAMOROS,
    Z_OJINAGA,
    Z_CIUDAD_JUAREZ,
};

static const struct {
    const char *iana, *legal_zone, *basis;
} zones[] = {
    [Z_STATE] = {NULL, NULL, NULL},
    [Z_MEXICO_CITY] = {"America/Mexico_City", "Centro", "LHHEUM art. 3 fracción II"},
    [Z_CANCUN] = {"America/Cancun", "Sureste", "LHHEUM art. 3 fracción I"},
    [Z_MERIDA] = {"America/Merida", "Centro", "LHHEUM art. 3 fracción II"},
    [Z_MONTERREY] = {"America/Monterrey", "Centro", "LHHEUM art. 3 fracción II"},
    [Z_CHIHUAHUA] = {"America/Chihuahua", "Centro", "LHHEUM art. 3 fracción II"},
    [Z_BAHIA_BANDERAS] = {"America/Bahia_Banderas", "Centro", "LHHEUM art. 3 fracción II"},
    [Z_MAZATLAN] = {"America/Mazatlan", "Pacífico", "LHHEUM art. 3 fracción III"},
    [Z_HERMOSILLO] = {"America/Hermosillo", "Pacífico", "LHHEUM art. 3 fracción III"},
    [Z_TIJUANA] = {"America/Tijuana", "Noroeste", "LHHEUM arts. 3 fracción IV y 5 fracción III"},
    [Z_MATAMOROS] = {"America/Matamoros", "Centro con horario de verano (frontera)",
                     "LHHEUM art. 5 fracción I"},
    [Z_OJINAGA] = {"America/Ojinaga", "Centro con horario de verano (frontera)",
                   "LHHEUM art. 5 fracción II"},
    [Z_CIUDAD_JUAREZ] = {"America/Ciudad_Juarez", "Pacífico con horario de verano (frontera)",
                         "LHHEUM art. 5 fracción III"},
};

/* Number of municipalities per state, Marco Geoestadístico 2023 (upper bound for codes). */
static const struct {
    const char *name;
    const char *aliases; /* folded, separated by '|' */
    enum zone_id zone;
    int n_municipalities;
} states[33] = {
    [1] = {"Aguascalientes", "ags", Z_MEXICO_CITY, 11},
    [2] = {"Baja California", "bc", Z_TIJUANA, 7},
    [3] = {"Baja California Sur", "bcs", Z_MAZATLAN, 5},
    [4] = {"Campeche", "camp", Z_MERIDA, 13},
    [5] = {"Coahuila de Zaragoza", "coahuila|coah", Z_MONTERREY, 38},
    [6] = {"Colima", "col", Z_MEXICO_CITY, 10},
    [7] = {"Chiapas", "chis", Z_MEXICO_CITY, 124},
    [8] = {"Chihuahua", "chih", Z_CHIHUAHUA, 67},
    [9] = {"Ciudad de México", "cdmx|distrito federal|df", Z_MEXICO_CITY, 16},
    [10] = {"Durango", "dgo", Z_MONTERREY, 39},
    [11] = {"Guanajuato", "gto", Z_MEXICO_CITY, 46},
    [12] = {"Guerrero", "gro", Z_MEXICO_CITY, 85},
    [13] = {"Hidalgo", "hgo", Z_MEXICO_CITY, 84},
    [14] = {"Jalisco", "jal", Z_MEXICO_CITY, 125},
    [15] = {"México", "estado de mexico|edomex|mex", Z_MEXICO_CITY, 125},
    [16] = {"Michoacán de Ocampo", "michoacan|mich", Z_MEXICO_CITY, 113},
    [17] = {"Morelos", "mor", Z_MEXICO_CITY, 36},
    [18] = {"Nayarit", "nay", Z_MAZATLAN, 20},
    [19] = {"Nuevo León", "nl", Z_MONTERREY, 51},
    [20] = {"Oaxaca", "oax", Z_MEXICO_CITY, 570},
    [21] = {"Puebla", "pue", Z_MEXICO_CITY, 217},
    [22] = {"Querétaro", "queretaro de arteaga|qro", Z_MEXICO_CITY, 18},
    [23] = {"Quintana Roo", "qroo", Z_CANCUN, 11},
    [24] = {"San Luis Potosí", "slp", Z_MEXICO_CITY, 59},
    [25] = {"Sinaloa", "sin", Z_MAZATLAN, 20},
    [26] = {"Sonora", "son", Z_HERMOSILLO, 72},
    [27] = {"Tabasco", "tab", Z_MEXICO_CITY, 17},
    [28] = {"Tamaulipas", "tamps", Z_MONTERREY, 43},
    [29] = {"Tlaxcala", "tlax", Z_MEXICO_CITY, 60},
    [30] = {"Veracruz de Ignacio de la Llave", "veracruz|ver", Z_MEXICO_CITY, 212},
    [31] = {"Yucatán", "yuc", Z_MERIDA, 106},
    [32] = {"Zacatecas", "zac", Z_MEXICO_CITY, 58},
};

struct municipality {
    unsigned char state;
    unsigned short code;
    const char *name;
    enum zone_id zone;
};

/* Every municipality of the states whose zone varies inside them; zone
 * Z_STATE unless listed in LHHEUM art. 5 (or, for Bahía de Banderas, its own
 * IANA zone). */
static const struct municipality municipalities[] = {
    /* Coahuila de Zaragoza (05): fraction I names eleven of them. */
    {5, 1, "Abasolo", Z_STATE},
    {5, 2, "Acuña", Z_MATAMOROS},
    {5, 3, "Allende", Z_MATAMOROS},
    {5, 4, "Arteaga", Z_STATE},
    {5, 5, "Candela", Z_STATE},
    {5, 6, "Castaños", Z_STATE},
    {5, 7, "Cuatro Ciénegas", Z_STATE},
    {5, 8, "Escobedo", Z_STATE},
    {5, 9, "Francisco I. Madero", Z_STATE},
    {5, 10, "Frontera", Z_STATE},
    {5, 11, "General Cepeda", Z_STATE},
    {5, 12, "Guerrero", Z_MATAMOROS},
    {5, 13, "Hidalgo", Z_MATAMOROS},
    {5, 14, "Jiménez", Z_MATAMOROS},
    {5, 15, "Juárez", Z_STATE},
    {5, 16, "Lamadrid", Z_STATE},
    {5, 17, "Matamoros", Z_STATE},
    {5, 18, "Monclova", Z_STATE},
    {5, 19, "Morelos", Z_MATAMOROS},
    {5, 20, "Múzquiz", Z_STATE},
    {5, 21, "Nadadores", Z_STATE},
    {5, 22, "Nava", Z_MATAMOROS},
    {5, 23, "Ocampo", Z_MATAMOROS},
    {5, 24, "Parras", Z_STATE},
    {5, 25, "Piedras Negras", Z_MATAMOROS},
    {5, 26, "Progreso", Z_STATE},
    {5, 27, "Ramos Arizpe", Z_STATE},
    {5, 28, "Sabinas", Z_STATE},
    {5, 29, "Sacramento", Z_STATE},
    {5, 30, "Saltillo", Z_STATE},
    {5, 31, "San Buenaventura", Z_STATE},
    {5, 32, "San Juan de Sabinas", Z_STATE},
    {5, 33, "San Pedro", Z_STATE},
    {5, 34, "Sierra Mojada", Z_STATE},
    {5, 35, "Torreón", Z_STATE},
    {5, 36, "Viesca", Z_STATE},
    {5, 37, "Villa Unión", Z_MATAMOROS},
    {5, 38, "Zaragoza", Z_MATAMOROS},

    /* Chihuahua (08): fraction II (Ojinaga group) and fraction III (Juárez group). */
    {8, 1, "Ahumada", Z_STATE},
    {8, 2, "Aldama", Z_STATE},
    {8, 3, "Allende", Z_STATE},
    {8, 4, "Aquiles Serdán", Z_STATE},
    {8, 5, "Ascensión", Z_CIUDAD_JUAREZ},
    {8, 6, "Bachíniva", Z_STATE},
    {8, 7, "Balleza", Z_STATE},
    {8, 8, "Batopilas de Manuel Gómez Morín", Z_STATE},
    {8, 9, "Bocoyna", Z_STATE},
    {8, 10, "Buenaventura", Z_STATE},
    {8, 11, "Camargo", Z_STATE},
    {8, 12, "Carichí", Z_STATE},
    {8, 13, "Casas Grandes", Z_STATE},
    {8, 14, "Coronado", Z_STATE},
    {8, 15, "Coyame del Sotol", Z_OJINAGA},
    {8, 16, "La Cruz", Z_STATE},
    {8, 17, "Cuauhtémoc", Z_STATE},
    {8, 18, "Cusihuiriachi", Z_STATE},
    {8, 19, "Chihuahua", Z_STATE},
    {8, 20, "Chínipas", Z_STATE},
    {8, 21, "Delicias", Z_STATE},
    {8, 22, "Dr. Belisario Domínguez", Z_STATE},
    {8, 23, "Galeana", Z_STATE},
    {8, 24, "Santa Isabel", Z_STATE},
    {8, 25, "Gómez Farías", Z_STATE},
    {8, 26, "Gran Morelos", Z_STATE},
    {8, 27, "Guachochi", Z_STATE},
    {8, 28, "Guadalupe", Z_CIUDAD_JUAREZ},
    {8, 29, "Guadalupe y Calvo", Z_STATE},
    {8, 30, "Guazapares", Z_STATE},
    {8, 31, "Guerrero", Z_STATE},
    {8, 32, "Hidalgo del Parral", Z_STATE},
    {8, 33, "Huejotitán", Z_STATE},
    {8, 34, "Ignacio Zaragoza", Z_STATE},
    {8, 35, "Janos", Z_CIUDAD_JUAREZ},
    {8, 36, "Jiménez", Z_STATE},
    {8, 37, "Juárez", Z_CIUDAD_JUAREZ},
    {8, 38, "Julimes", Z_STATE},
    {8, 39, "López", Z_STATE},
    {8, 40, "Madera", Z_STATE},
    {8, 41, "Maguarichi", Z_STATE},
    {8, 42, "Manuel Benavides", Z_OJINAGA},
    {8, 43, "Matachí", Z_STATE},
    {8, 44, "Matamoros", Z_STATE},
    {8, 45, "Meoqui", Z_STATE},
    {8, 46, "Morelos", Z_STATE},
    {8, 47, "Moris", Z_STATE},
    {8, 48, "Namiquipa", Z_STATE},
    {8, 49, "Nonoava", Z_STATE},
    {8, 50, "Nuevo Casas Grandes", Z_STATE},
    {8, 51, "Ocampo", Z_STATE},
    {8, 52, "Ojinaga", Z_OJINAGA},
    {8, 53, "Praxedis G. Guerrero", Z_CIUDAD_JUAREZ},
    {8, 54, "Riva Palacio", Z_STATE},
    {8, 55, "Rosales", Z_STATE},
    {8, 56, "Rosario", Z_STATE},
    {8, 57, "San Francisco de Borja", Z_STATE},
    {8, 58, "San Francisco de Conchos", Z_STATE},
    {8, 59, "San Francisco del Oro", Z_STATE},
    {8, 60, "Santa Bárbara", Z_STATE},
    {8, 61, "Satevó", Z_STATE},
    {8, 62, "Saucillo", Z_STATE},
    {8, 63, "Temósachic", Z_STATE},
    {8, 64, "El Tule", Z_STATE},
    {8, 65, "Urique", Z_STATE},
    {8, 66, "Uruachi", Z_STATE},
    {8, 67, "Valle de Zaragoza", Z_STATE},

    /* Nayarit (18): Bahía de Banderas keeps Centro time with Puerto Vallarta. */
    {18, 1, "Acaponeta", Z_STATE},
    {18, 2, "Ahuacatlán", Z_STATE},
    {18, 3, "Amatlán de Cañas", Z_STATE},
    {18, 4, "Compostela", Z_STATE},
    {18, 5, "Huajicori", Z_STATE},
    {18, 6, "Ixtlán del Río", Z_STATE},
    {18, 7, "Jala", Z_STATE},
    {18, 8, "Xalisco", Z_STATE},
    {18, 9, "Del Nayar", Z_STATE},
    {18, 10, "Rosamorada", Z_STATE},
    {18, 11, "Ruíz", Z_STATE},
    {18, 12, "San Blas", Z_STATE},
    {18, 13, "San Pedro Lagunillas", Z_STATE},
    {18, 14, "Santa María del Oro", Z_STATE},
    {18, 15, "Santiago Ixcuintla", Z_STATE},
    {18, 16, "Tecuala", Z_STATE},
    {18, 17, "Tepic", Z_STATE},
    {18, 18, "Tuxpan", Z_STATE},
    {18, 19, "La Yesca", Z_STATE},
    {18, 20, "Bahía de Banderas", Z_BAHIA_BANDERAS},

    /* Nuevo León (19): fraction I names Anáhuac. */
    {19, 1, "Abasolo", Z_STATE},
    {19, 2, "Agualeguas", Z_STATE},
    {19, 3, "Los Aldamas", Z_STATE},
    {19, 4, "Allende", Z_STATE},
    {19, 5, "Anáhuac", Z_MATAMOROS},
    {19, 6, "Apodaca", Z_STATE},
    {19, 7, "Aramberri", Z_STATE},
    {19, 8, "Bustamante", Z_STATE},
    {19, 9, "Cadereyta Jiménez", Z_STATE},
    {19, 10, "El Carmen", Z_STATE},
    {19, 11, "Cerralvo", Z_STATE},
    {19, 12, "Ciénega de Flores", Z_STATE},
    {19, 13, "China", Z_STATE},
    {19, 14, "Doctor Arroyo", Z_STATE},
    {19, 15, "Doctor Coss", Z_STATE},
    {19, 16, "Doctor González", Z_STATE},
    {19, 17, "Galeana", Z_STATE},
    {19, 18, "García", Z_STATE},
    {19, 19, "San Pedro Garza García", Z_STATE},
    {19, 20, "General Bravo", Z_STATE},
    {19, 21, "General Escobedo", Z_STATE},
    {19, 22, "General Terán", Z_STATE},
    {19, 23, "General Treviño", Z_STATE},
    {19, 24, "General Zaragoza", Z_STATE},
    {19, 25, "General Zuazua", Z_STATE},
    {19, 26, "Guadalupe", Z_STATE},
    {19, 27, "Los Herreras", Z_STATE},
    {19, 28, "Higueras", Z_STATE},
    {19, 29, "Hualahuises", Z_STATE},
    {19, 30, "Iturbide", Z_STATE},
    {19, 31, "Juárez", Z_STATE},
    {19, 32, "Lampazos de Naranjo", Z_STATE},
    {19, 33, "Linares", Z_STATE},
    {19, 34, "Marín", Z_STATE},
    {19, 35, "Melchor Ocampo", Z_STATE},
    {19, 36, "Mier y Noriega", Z_STATE},
    {19, 37, "Mina", Z_STATE},
    {19, 38, "Montemorelos", Z_STATE},
    {19, 39, "Monterrey", Z_STATE},
    {19, 40, "Parás", Z_STATE},
    {19, 41, "Pesquería", Z_STATE},
    {19, 42, "Los Ramones", Z_STATE},
    {19, 43, "Rayones", Z_STATE},
    {19, 44, "Sabinas Hidalgo", Z_STATE},
    {19, 45, "Salinas Victoria", Z_STATE},
    {19, 46, "San Nicolás de los Garza", Z_STATE},
    {19, 47, "Hidalgo", Z_STATE},
    {19, 48, "Santa Catarina", Z_STATE},
    {19, 49, "Santiago", Z_STATE},
    {19, 50, "Vallecillo", Z_STATE},
    {19, 51, "Villaldama", Z_STATE},

    /* Tamaulipas (28): fraction I names ten of them. */
    {28, 1, "Abasolo", Z_STATE},
    {28, 2, "Aldama", Z_STATE},
    {28, 3, "Altamira", Z_STATE},
    {28, 4, "Antiguo Morelos", Z_STATE},
    {28, 5, "Burgos", Z_STATE},
    {28, 6, "Bustamante", Z_STATE},
    {28, 7, "Camargo", Z_MATAMOROS},
    {28, 8, "Casas", Z_STATE},
    {28, 9, "Ciudad Madero", Z_STATE},
    {28, 10, "Cruillas", Z_STATE},
    {28, 11, "Gómez Farías", Z_STATE},
    {28, 12, "González", Z_STATE},
    {28, 13, "Güémez", Z_STATE},
    {28, 14, "Guerrero", Z_MATAMOROS},
    {28, 15, "Gustavo Díaz Ordaz", Z_MATAMOROS},
    {28, 16, "Hidalgo", Z_STATE},
    {28, 17, "Jaumave", Z_STATE},
    {28, 18, "Jiménez", Z_STATE},
    {28, 19, "Llera", Z_STATE},
    {28, 20, "Mainero", Z_STATE},
    {28, 21, "El Mante", Z_STATE},
    {28, 22, "Matamoros", Z_MATAMOROS},
    {28, 23, "Méndez", Z_STATE},
    {28, 24, "Mier", Z_MATAMOROS},
    {28, 25, "Miguel Alemán", Z_MATAMOROS},
    {28, 26, "Miquihuana", Z_STATE},
    {28, 27, "Nuevo Laredo", Z_MATAMOROS},
    {28, 28, "Nuevo Morelos", Z_STATE},
    {28, 29, "Ocampo", Z_STATE},
    {28, 30, "Padilla", Z_STATE},
    {28, 31, "Palmillas", Z_STATE},
    {28, 32, "Reynosa", Z_MATAMOROS},
    {28, 33, "Río Bravo", Z_MATAMOROS},
    {28, 34, "San Carlos", Z_STATE},
    {28, 35, "San Fernando", Z_STATE},
    {28, 36, "San Nicolás", Z_STATE},
    {28, 37, "Soto la Marina", Z_STATE},
    {28, 38, "Tampico", Z_STATE},
    {28, 39, "Tula", Z_STATE},
    {28, 40, "Valle Hermoso", Z_MATAMOROS},
    {28, 41, "Victoria", Z_STATE},
    {28, 42, "Villagrán", Z_STATE},
    {28, 43, "Xicoténcatl", Z_STATE},
};

/* Common names that differ from INEGI's: folded alias, state, code. */
static const struct {
    const char *alias;
    unsigned char state;
    unsigned short code;
} municipality_aliases[] = {
    {"ciudad acuna", 5, 2}, {"ciudad juarez", 8, 37},
    {"batopilas", 8, 8},    {"doctor belisario dominguez", 8, 22},
    {"parral", 8, 32},      {"carmen", 19, 10},
    {"escobedo", 19, 21},   {"san pedro garza garcia", 19, 19},
    {"mante", 28, 21},      {"ciudad victoria", 28, 41},
    {"nayar", 18, 9},       {"ruiz", 18, 11},
};

void
mxzone_fold(const char *s, char *buf, unsigned len)
{
    static const char *const from[] = {"á", "é", "í", "ó", "ú", "ü", "ñ",
                                       "Á", "É", "Í", "Ó", "Ú", "Ü", "Ñ"};
    static const char to[] = "aeiouunaeiouun";
    unsigned n = 0;
    bool space = false;

    if (len == 0)
        return;
    while (*s != '\0' && n + 1 < len) {
        char c = 0;

        for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
            if (strncmp(s, from[i], 2) == 0) {
                c = to[i];
                s += 2;
                break;
            }
        }
        if (c == 0)
            c = (char)tolower((unsigned char)*s++);
        if (!isalnum((unsigned char)c)) {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < len)
            buf[n++] = ' ';
        space = false;
        buf[n++] = c;
    }
    buf[n] = '\0';
}

/* Parse s as a decimal code of 1 to max_digits digits; -1 when it is not one. */
static int
parse_code(const char *s, size_t max_digits)
{
    size_t n = strlen(s);
    int v = 0;

    if (n == 0 || n > max_digits || strspn(s, "0123456789") != n)
        return -1;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool
alias_has(const char *aliases, const char *folded)
{
    size_t n = strlen(folded);

    for (const char *p = aliases; *p != '\0';) {
        size_t k = strcspn(p, "|");

        if (k == n && strncmp(p, folded, n) == 0)
            return true;
        p += k + (p[k] == '|');
    }
    return false;
}

static int
find_state(const char *s)
{
    char folded[128], name[128];
    int code = parse_code(s, 2);

    if (code >= 1 && code <= 32)
        return code;
    if (code >= 0)
        return -1;
    mxzone_fold(s, folded, sizeof(folded));
    for (int i = 1; i <= 32; i++) {
        mxzone_fold(states[i].name, name, sizeof(name));
        if (strcmp(name, folded) == 0 || alias_has(states[i].aliases, folded))
            return i;
    }
    return -1;
}

static const struct municipality *
find_listed(int state, int code)
{
    for (size_t i = 0; i < sizeof(municipalities) / sizeof(municipalities[0]); i++)
        if (municipalities[i].state == state && municipalities[i].code == code)
            return &municipalities[i];
    return NULL;
}

static bool
state_is_listed(int state)
{
    return find_listed(state, 1) != NULL;
}

/*
 * The municipality code named by s in state; 0 for an unlisted name, -1 when
 * unknown.
 *
 * FIXME: only the five states whose zone varies inside them carry their full
 * catalogue; in the other 27 a name is accepted unchecked (the zone is the
 * state's whatever the municipality) and a code is checked against the state's
 * count only. Costs: a misspelt name there is not refused. Loading INEGI's
 * AGEEML catalogue as data/ would close it.
 */
static int
find_municipality(int state, const char *s)
{
    char folded[128], name[128];
    int code = parse_code(s, 5);

    if (code >= 0 && strlen(s) == 5) {
        /* A five-digit key carries its state: it must agree with the state given. */
        if (code / 1000 != state)
            return -1;
        code %= 1000;
    }
    if (code >= 0)
        return code >= 1 && code <= states[state].n_municipalities ? code : -1;

    mxzone_fold(s, folded, sizeof(folded));
    for (size_t i = 0; i < sizeof(municipalities) / sizeof(municipalities[0]); i++) {
        if (municipalities[i].state != state)
            continue;
        mxzone_fold(municipalities[i].name, name, sizeof(name));
        if (strcmp(name, folded) == 0)
            return municipalities[i].code;
    }
    for (size_t i = 0; i < sizeof(municipality_aliases) / sizeof(municipality_aliases[0]); i++)
        if (municipality_aliases[i].state == state &&
            strcmp(municipality_aliases[i].alias, folded) == 0)
            return municipality_aliases[i].code;
    return state_is_listed(state) || folded[0] == '\0' ? -1 : 0;
}

int
mxzone_resolve(const char *state, const char *municipality, struct mxzone_place *out,
               struct error *err)
{
    int st = find_state(state), mun;
    const struct municipality *m;
    enum zone_id z;

    if (st < 0)
        return error_set(err, "zone_unknown_state",
                         "entidad federativa desconocida: «%.60s»; use la clave INEGI (01-32) o "
                         "el nombre",
                         state);
    mun = find_municipality(st, municipality);
    if (mun < 0)
        return error_set(err, "zone_unknown_municipality",
                         "municipio desconocido en %s: «%.60s»; use la clave INEGI de tres "
                         "dígitos o el nombre",
                         states[st].name, municipality);

    m = mun > 0 ? find_listed(st, mun) : NULL;
    z = m != NULL && m->zone != Z_STATE ? m->zone : states[st].zone;
    memset(out, 0, sizeof(*out));
    out->state = st;
    out->municipality = mun;
    out->state_name = states[st].name;
    out->municipality_name = m != NULL ? m->name : NULL;
    out->municipality_checked = mun > 0;
    out->iana = zones[z].iana;
    out->legal_zone = zones[z].legal_zone;
    out->basis = zones[z].basis;
    return 0;
}
