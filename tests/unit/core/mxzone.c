/*
 * Tests of core/mxzone: legal zones of Mexican places (legal-rules.md section 8, A15, A16).
 * Codes: INEGI Marco Geoestadístico; zones: LHHEUM arts. 3 and 5, IANA zone1970.tab.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/mxzone.h"

#include <string.h>

static const char *
zone_of(const char *state, const char *municipality)
{
    struct mxzone_place p;
    struct error err = {0};

    if (mxzone_resolve(state, municipality, &p, &err) != 0)
        fail_msg("%s / %s: %s", state, municipality, err.message);
    return p.iana;
}

static void
every_border_municipality_of_fraction_i_is_on_matamoros_time(void **state)
{
    static const char *const coahuila[] = {"Acuña",          "Allende",     "Guerrero", "Hidalgo",
                                           "Jiménez",        "Morelos",     "Nava",     "Ocampo",
                                           "Piedras Negras", "Villa Unión", "Zaragoza"};
    static const char *const tamaulipas[] = {
        "Nuevo Laredo",       "Guerrero", "Mier",      "Miguel Alemán", "Camargo",
        "Gustavo Díaz Ordaz", "Reynosa",  "Río Bravo", "Valle Hermoso", "Matamoros"};

    (void)state;
    for (size_t i = 0; i < sizeof(coahuila) / sizeof(coahuila[0]); i++)
        assert_string_equal(zone_of("Coahuila", coahuila[i]), "America/Matamoros");
    for (size_t i = 0; i < sizeof(tamaulipas) / sizeof(tamaulipas[0]); i++)
        assert_string_equal(zone_of("Tamaulipas", tamaulipas[i]), "America/Matamoros");
    assert_string_equal(zone_of("Nuevo León", "Anáhuac"), "America/Matamoros");
}

static void
chihuahua_border_groups_b_and_c_have_their_zones(void **state)
{
    (void)state;
    /* Fraction II: Ojinaga's group; fraction III: Juárez's group (A16). */
    assert_string_equal(zone_of("08", "015"), "America/Ojinaga");
    assert_string_equal(zone_of("Chihuahua", "Ojinaga"), "America/Ojinaga");
    assert_string_equal(zone_of("Chihuahua", "Manuel Benavides"), "America/Ojinaga");
    assert_string_equal(zone_of("Chihuahua", "Janos"), "America/Ciudad_Juarez");
    assert_string_equal(zone_of("Chihuahua", "Ascensión"), "America/Ciudad_Juarez");
    assert_string_equal(zone_of("Chihuahua", "037"), "America/Ciudad_Juarez");
    assert_string_equal(zone_of("Chihuahua", "Praxedis G. Guerrero"), "America/Ciudad_Juarez");
    assert_string_equal(zone_of("Chihuahua", "Guadalupe"), "America/Ciudad_Juarez");
    /* The rest of the state is Centro without DST (LHHEUM art. 3). */
    assert_string_equal(zone_of("Chihuahua", "Chihuahua"), "America/Chihuahua");
    assert_string_equal(zone_of("Chihuahua", "Cuauhtémoc"), "America/Chihuahua");
}

static void
homonyms_resolve_within_their_state(void **state)
{
    (void)state;
    /* A15: the names of section 8 that repeat across states, each with its own zone. */
    assert_string_equal(zone_of("Coahuila", "Matamoros"), "America/Monterrey");
    assert_string_equal(zone_of("Tamaulipas", "Matamoros"), "America/Matamoros");
    assert_string_equal(zone_of("Chihuahua", "Matamoros"), "America/Chihuahua");
    assert_string_equal(zone_of("Coahuila", "Guerrero"), "America/Matamoros");
    assert_string_equal(zone_of("Chihuahua", "Guerrero"), "America/Chihuahua");
    assert_string_equal(zone_of("Coahuila", "Jiménez"), "America/Matamoros");
    assert_string_equal(zone_of("Chihuahua", "Jiménez"), "America/Chihuahua");
    assert_string_equal(zone_of("Tamaulipas", "Jiménez"), "America/Monterrey");
    assert_string_equal(zone_of("Nuevo León", "Allende"), "America/Monterrey");
    assert_string_equal(zone_of("Chihuahua", "Allende"), "America/Chihuahua");
    assert_string_equal(zone_of("Chihuahua", "Morelos"), "America/Chihuahua");
    assert_string_equal(zone_of("Tamaulipas", "Ocampo"), "America/Monterrey");
    assert_string_equal(zone_of("Chihuahua", "Camargo"), "America/Chihuahua");
    assert_string_equal(zone_of("Nuevo León", "Guadalupe"), "America/Monterrey");
    assert_string_equal(zone_of("Nuevo León", "Juárez"), "America/Monterrey");
    assert_string_equal(zone_of("Coahuila", "Juárez"), "America/Monterrey");
    assert_string_equal(zone_of("Nuevo León", "Hidalgo"), "America/Monterrey");
    assert_string_equal(zone_of("Tamaulipas", "Hidalgo"), "America/Monterrey");
}

static void
states_take_their_general_zone(void **state)
{
    struct mxzone_place p;
    struct error err = {0};

    (void)state;
    assert_string_equal(zone_of("Quintana Roo", "Benito Juárez"), "America/Cancun");
    assert_string_equal(zone_of("Baja California", "Tijuana"), "America/Tijuana");
    assert_string_equal(zone_of("Baja California Sur", "La Paz"), "America/Mazatlan");
    assert_string_equal(zone_of("Sinaloa", "Culiacán"), "America/Mazatlan");
    assert_string_equal(zone_of("Sonora", "Hermosillo"), "America/Hermosillo");
    assert_string_equal(zone_of("Nayarit", "Tepic"), "America/Mazatlan");
    assert_string_equal(zone_of("Nayarit", "Bahía de Banderas"), "America/Bahia_Banderas");
    assert_string_equal(zone_of("Yucatán", "Mérida"), "America/Merida");
    assert_string_equal(zone_of("Campeche", "Campeche"), "America/Merida");
    assert_string_equal(zone_of("Durango", "Durango"), "America/Monterrey");
    assert_string_equal(zone_of("Nuevo León", "Monterrey"), "America/Monterrey");
    assert_string_equal(zone_of("Ciudad de México", "Cuauhtémoc"), "America/Mexico_City");
    assert_string_equal(zone_of("Jalisco", "Guadalajara"), "America/Mexico_City");

    /* Outside the five listed states a name is accepted but marked unchecked. */
    assert_int_equal(mxzone_resolve("14", "Guadalajara", &p, &err), 0);
    assert_false(p.municipality_checked);
    assert_null(p.municipality_name);
    assert_int_equal(mxzone_resolve("14", "039", &p, &err), 0);
    assert_true(p.municipality_checked);
    assert_int_equal(p.municipality, 39);
}

static void
names_match_without_case_accents_or_punctuation(void **state)
{
    struct mxzone_place p;
    struct error err = {0};
    char buf[64];

    (void)state;
    assert_string_equal(zone_of("COAHUILA DE ZARAGOZA", "PIEDRAS NEGRAS"), "America/Matamoros");
    assert_string_equal(zone_of("coahuila", "acuna"), "America/Matamoros");
    assert_string_equal(zone_of("Nuevo Leon", "ANAHUAC"), "America/Matamoros");
    assert_string_equal(zone_of("chihuahua", "praxedis g guerrero"), "America/Ciudad_Juarez");
    assert_string_equal(zone_of("chihuahua", "Ciudad Juárez"), "America/Ciudad_Juarez");
    assert_string_equal(zone_of("CDMX", "Coyoacán"), "America/Mexico_City");
    assert_string_equal(zone_of("5", "25"), "America/Matamoros");
    assert_string_equal(zone_of("05", "05025"), "America/Matamoros");
    assert_int_equal(mxzone_resolve(" Tamaulipas ", "nuevo   laredo", &p, &err), 0);
    assert_int_equal(p.state, 28);
    assert_int_equal(p.municipality, 27);
    assert_string_equal(p.municipality_name, "Nuevo Laredo");
    assert_string_equal(p.basis, "LHHEUM art. 5 fracción I");
    mxzone_fold("  Ñuñoa, Güémez  ", buf, sizeof(buf));
    assert_string_equal(buf, "nunoa guemez");
}

static void
unknown_places_are_refused_in_spanish(void **state)
{
    struct mxzone_place p;
    struct error err = {0};

    (void)state;
    assert_int_equal(mxzone_resolve("Texas", "Laredo", &p, &err), -1);
    assert_string_equal(err.code, "zone_unknown_state");
    assert_non_null(strstr(err.message, "entidad federativa desconocida"));
    assert_int_equal(mxzone_resolve("33", "001", &p, &err), -1);
    assert_int_equal(mxzone_resolve("00", "001", &p, &err), -1);
    assert_int_equal(mxzone_resolve("Coahuila", "Laredo", &p, &err), -1);
    assert_string_equal(err.code, "zone_unknown_municipality");
    assert_non_null(strstr(err.message, "Coahuila de Zaragoza"));
    assert_int_equal(mxzone_resolve("Coahuila", "039", &p, &err), -1);
    assert_int_equal(mxzone_resolve("Coahuila", "000", &p, &err), -1);
    /* A five-digit key of another state. */
    assert_int_equal(mxzone_resolve("Coahuila", "28022", &p, &err), -1);
    assert_int_equal(mxzone_resolve("Jalisco", "", &p, &err), -1);
    assert_int_equal(mxzone_resolve("Jalisco", "126", &p, &err), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_border_municipality_of_fraction_i_is_on_matamoros_time),
        cmocka_unit_test(chihuahua_border_groups_b_and_c_have_their_zones),
        cmocka_unit_test(homonyms_resolve_within_their_state),
        cmocka_unit_test(states_take_their_general_zone),
        cmocka_unit_test(names_match_without_case_accents_or_punctuation),
        cmocka_unit_test(unknown_places_are_refused_in_spanish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
