/* Tests of http/request: the request arena, accessors and response builders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/request.h"

#include <stdalign.h>
#include <stdio.h>
#include <string.h>

static void
arena_blocks_are_aligned_zeroed_and_independent(void **state)
{
    struct http_arena arena = {0};
    unsigned char *p[64];

    (void)state;
    for (size_t i = 0; i < 64; i++) {
        size_t size = i * 37 + 1;

        p[i] = http_arena_alloc(&arena, size);
        assert_int_equal((uintptr_t)p[i] % alignof(max_align_t), 0);
        for (size_t j = 0; j < size; j++)
            assert_int_equal(p[i][j], 0);
        memset(p[i], (int)i, size);
    }

    /* Large blocks (past half a chunk) and small ones after them do not overlap. */
    {
        unsigned char *big = http_arena_alloc(&arena, 100000);
        unsigned char *small = http_arena_alloc(&arena, 16);

        memset(big, 0xAB, 100000);
        memset(small, 0xCD, 16);
        assert_int_equal(big[99999], 0xAB);
        assert_int_equal(small[0], 0xCD);
    }
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(p[i][i * 37], (unsigned char)i);
    http_arena_release(&arena);
}

static int order[4];
static int n_order;

static void
record(void *arg)
{
    order[n_order++] = *(int *)arg;
}

static void
deferred_functions_run_last_first_and_the_arena_is_reusable(void **state)
{
    static int one = 1, two = 2, three = 3;
    struct http_arena arena = {0};
    char *s;

    (void)state;
    n_order = 0;
    http_arena_defer(&arena, record, &one);
    http_arena_defer(&arena, record, &two);
    http_arena_defer(&arena, record, &three);
    http_arena_release(&arena);
    assert_int_equal(n_order, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[2], 1);

    s = http_arena_strndup(&arena, "hola mundo", 4);
    assert_string_equal(s, "hola");
    assert_string_equal(http_arena_strdup(&arena, "otra"), "otra");
    http_arena_release(&arena);
    assert_int_equal(n_order, 3);
}

static void
headers_are_found_without_case_and_handlers_get_eight(void **state)
{
    struct http_arena arena = {0};
    struct http_kv headers[] = {{"Content-Type", "application/json"}, {"X-A", "1"}};
    struct http_request req = {.arena = &arena, .headers = headers, .n_headers = 2};
    struct http_response resp = {0};
    char name[16];

    (void)state;
    assert_string_equal(http_request_header(&req, "content-type"), "application/json");
    assert_null(http_request_header(&req, "X-B"));
    for (int i = 0; i < HTTP_MAX_HANDLER_HEADERS; i++) {
        snprintf(name, sizeof(name), "X-H%d", i);
        assert_int_equal(http_response_header(&req, &resp, name, "v"), 0);
    }
    assert_int_equal(http_response_header(&req, &resp, "X-Extra", "v"), -1);
    assert_string_equal(http_response_get_header(&resp, "x-h7"), "v");
    http_arena_release(&arena);
}

static void
json_and_byte_bodies_are_copied_into_the_arena(void **state)
{
    struct http_arena arena = {0};
    struct http_request req = {.arena = &arena};
    struct http_response resp = {0};
    char text[] = "abc";

    (void)state;
    http_response_json(&req, &resp, 201, json_pack("{s:i}", "n", 5));
    assert_int_equal(resp.status, 201);
    assert_string_equal(resp.content_type, "application/json");
    assert_int_equal(resp.body_len, 7);
    assert_memory_equal(resp.body, "{\"n\":5}", 7);

    http_response_bytes(&req, &resp, 200, "text/plain", text, 3);
    text[0] = 'X';
    assert_memory_equal(resp.body, "abc", 3);
    http_arena_release(&arena);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_blocks_are_aligned_zeroed_and_independent),
        cmocka_unit_test(deferred_functions_run_last_first_and_the_arena_is_reusable),
        cmocka_unit_test(headers_are_found_without_case_and_handlers_get_eight),
        cmocka_unit_test(json_and_byte_bodies_are_copied_into_the_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
