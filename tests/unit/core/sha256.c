/*
 * Tests of core/sha256 against the NIST examples (FIPS 180-4 example values, "SHA256.pdf" of
 * the CSRC cryptographic standards examples) and the long-message vector of FIPS 180-2
 * appendix B.3 (one million 'a').
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/sha256.h"

static void
hex_of(const char *msg, size_t len, char hex[SHA256_HEX_LEN + 1])
{
    uint8_t d[SHA256_LEN];

    sha256(msg, len, d);
    sha256_hex(d, hex);
}

static void
one_block_message_abc_matches_nist(void **state)
{
    char hex[SHA256_HEX_LEN + 1];

    (void)state;
    hex_of("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
empty_message_matches_nist(void **state)
{
    char hex[SHA256_HEX_LEN + 1];

    (void)state;
    hex_of("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void
two_block_message_matches_nist(void **state)
{
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char hex[SHA256_HEX_LEN + 1];

    (void)state;
    hex_of(msg, strlen(msg), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
million_a_fed_in_odd_pieces_matches_nist(void **state)
{
    char chunk[997], hex[SHA256_HEX_LEN + 1];
    uint8_t d[SHA256_LEN];
    struct sha256 ctx;
    size_t left = 1000000;

    (void)state;
    memset(chunk, 'a', sizeof(chunk));
    sha256_init(&ctx);
    while (left > 0) {
        size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
        sha256_update(&ctx, chunk, n);
        left -= n;
    }
    sha256_final(&ctx, d);
    sha256_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
lengths_around_the_padding_boundary_agree_with_one_shot(void **state)
{
    char msg[130];

    (void)state;
    memset(msg, 'x', sizeof(msg));
    /* 55, 56 and 64 bytes are the edges of FIPS 180-4 section 5.1.1's padding. */
    for (size_t len = 50; len < sizeof(msg); len++) {
        uint8_t one[SHA256_LEN], split[SHA256_LEN];
        struct sha256 ctx;
        sha256(msg, len, one);
        sha256_init(&ctx);
        sha256_update(&ctx, msg, len / 3);
        sha256_update(&ctx, msg + len / 3, len - len / 3);
        sha256_final(&ctx, split);
        assert_memory_equal(one, split, SHA256_LEN);
    }
}

static void
hex_round_trips_and_refuses_bad_digits(void **state)
{
    uint8_t d[SHA256_LEN], back[SHA256_LEN];
    char hex[SHA256_HEX_LEN + 1];

    (void)state;
    sha256("abc", 3, d);
    sha256_hex(d, hex);
    assert_int_equal(sha256_from_hex(hex, back), 0);
    assert_memory_equal(d, back, SHA256_LEN);

    hex[10] = 'g';
    assert_int_equal(sha256_from_hex(hex, back), -1);
    assert_int_equal(sha256_from_hex("abcd", back), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_block_message_abc_matches_nist),
        cmocka_unit_test(empty_message_matches_nist),
        cmocka_unit_test(two_block_message_matches_nist),
        cmocka_unit_test(million_a_fed_in_odd_pieces_matches_nist),
        cmocka_unit_test(lengths_around_the_padding_boundary_agree_with_one_shot),
        cmocka_unit_test(hex_round_trips_and_refuses_bad_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
