/* harness.c - fresh databases for the store tests (see harness.h). */
#include "harness.h"

#include <stdbool.h>
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

/* Run argv, returning its exit status (or -1). With out (size bytes), what it prints on its
 * standard output is kept there, without the last line feed. */
static int
run_out(const char *const argv[], char *out, size_t size)
{
    int fds[2] = {-1, -1}, status = 0;
    bool overflow = false;
    size_t len = 0;
    pid_t pid;

    if (out != NULL && pipe(fds) != 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setenv("PGOPTIONS", "-c client_min_messages=warning", 1);
        if (out != NULL) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }

    if (out != NULL) {
        char rest[512];
        ssize_t n;

        /* Read all of it, so that the client never blocks on a full pipe; keep what fits. */
        close(fds[1]);
        while ((n = read(fds[0], len + 1 < size ? out + len : rest,
                         len + 1 < size ? size - 1 - len : sizeof(rest))) > 0)
            if (len + 1 < size)
                len += (size_t)n;
            else
                overflow = true;
        close(fds[0]);
        while (len > 0 && out[len - 1] == '\n')
            len--;
        out[len] = '\0';
    }
    if (waitpid(pid, &status, 0) < 0 || overflow)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
run(const char *const argv[])
{
    return run_out(argv, NULL, 0);
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

int
harness_sql_file(const char *url, const char *path)
{
    char read[1100];

    if (strncmp(url, "sqlite:", 7) == 0) {
        snprintf(read, sizeof(read), ".read '%s'", path);
        const char *const argv[] = {"sqlite3", "-bail", url + 7, read, NULL};
        return run(argv);
    }
    const char *const argv[] = {"psql", "-q", "-X", "-1", "-v", "ON_ERROR_STOP=1",
                                url,    "-f", path, NULL};
    return run(argv);
}

int
harness_query(const char *url, const char *sql, char *out, size_t size)
{
    if (strncmp(url, "sqlite:", 7) == 0) {
        const char *const argv[] = {"sqlite3", "-bail", "-batch", url + 7, sql, NULL};
        return run_out(argv, out, size);
    }
    const char *const argv[] = {"psql", "-q", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                url,    "-c", sql,  NULL};
    return run_out(argv, out, size);
}

void
harness_cleanup(const char *dir)
{
    const char *const argv[] = {"rm", "-rf", dir, NULL};

    if (strncmp(dir, "/tmp/buzon-store-", 17) == 0)
        run(argv);
}
