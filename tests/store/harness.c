/* harness.c - fresh databases for the store tests (see harness.h). */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int64_t
harness_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Run argv, returning its exit status (or -1). */
static int
run(const char *const argv[])
{
    pid_t pid = fork();
    int status = 0;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        setenv("PGOPTIONS", "-c client_min_messages=warning", 1);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The server URL with every connection's search_path set to schema: a fresh schema per test
 * is much cheaper than a fresh database. */
static int
pg_url_with_schema(const char *server, const char *schema, char *out, size_t size)
{
    if (strchr(server, '?') != NULL)
        return -1;
    snprintf(out, size, "%s?options=-csearch_path%%3D%s", server, schema);
    return 0;
}

int
harness_fresh(const char *backend, const char *name, char *url, size_t url_size, char *dir,
              size_t dir_size)
{
    snprintf(dir, dir_size, "/tmp/buzon-store-%s-XXXXXX", name);
    if (mkdtemp(dir) == NULL)
        return -1;

    if (strcmp(backend, "sqlite") == 0) {
        snprintf(url, url_size, "sqlite:%s/buzon.db", dir);
        return 0;
    }

    {
        const char *server = getenv("BUZON_TEST_PG_URL");
        char schema[128], drop[192], create[192];
        if (server == NULL || server[0] == '\0') {
            harness_cleanup(dir);
            return -1;
        }
        snprintf(schema, sizeof(schema), "buzon_%s_%d", name, (int)getpid());
        snprintf(drop, sizeof(drop), "DROP SCHEMA IF EXISTS %s CASCADE", schema);
        snprintf(create, sizeof(create), "CREATE SCHEMA %s", schema);
        const char *const argv[] = {"psql", "-q", "-X",   "-v", "ON_ERROR_STOP=1", server, "-c",
                                    drop,   "-c", create, NULL};
        if (run(argv) != 0) {
            harness_cleanup(dir);
            return -1;
        }
        return pg_url_with_schema(server, schema, url, url_size);
    }
}

int
harness_sql(const char *url, const char *sql)
{
    if (strncmp(url, "sqlite:", 7) == 0) {
        const char *const argv[] = {"sqlite3", "-bail", url + 7, sql, NULL};
        return run(argv);
    }
    const char *const argv[] = {"psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", url, "-c", sql, NULL};
    return run(argv);
}

void
harness_cleanup(const char *dir)
{
    const char *const argv[] = {"rm", "-rf", dir, NULL};

    if (strncmp(dir, "/tmp/buzon-store-", 17) == 0)
        run(argv);
}
