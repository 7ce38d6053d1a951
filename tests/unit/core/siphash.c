/* Tests of core/siphash against the reference vector of the SipHash paper (appendix A). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/siphash.h"

static void
paper_vector_matches(void **state)
{
    uint8_t key[16], msg[15];

    (void)state;
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    for (int i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    /* Key 00..0f, message 00..0e: SipHash-2-4 = a129ca6149be45e5. */
    assert_true(siphash24(key, msg, sizeof(msg)) == 0xa129ca6149be45e5ULL);
}

static void
empty_input_uses_only_the_length_word(void **state)
{
    uint8_t key[16];

    (void)state;
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    /* Reference implementation's vectors.h, entry 0: 310e0edd47db6f72 (little endian). */
    assert_true(siphash24(key, "", 0) == 0x726fdb47dd0e0e31ULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paper_vector_matches),
        cmocka_unit_test(empty_input_uses_only_the_length_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
