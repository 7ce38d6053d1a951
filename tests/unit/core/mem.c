/* Tests of core/mem: copies of strings into fixed buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/mem.h"

#include <stdio.h>
#include <string.h>

static void
strcopy_writes_what_snprintf_writes(void **state)
{
    const char *cases[] = {"", "a", "PELM800101AB1", "exactamente16byt",
                           "demasiado largo para ocho"};
    char got[17], want[17];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t cap = 1; cap <= sizeof(got); cap++) {
            memset(got, 'x', sizeof(got));
            memset(want, 'x', sizeof(want));
            snprintf(want, cap, "%s", cases[i]);
            assert_int_equal(mem_strcopy(got, cap, cases[i]), strlen(want));
            assert_memory_equal(got, want, sizeof(got));
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strcopy_writes_what_snprintf_writes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
