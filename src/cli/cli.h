/*
 * cli.h - shared pieces of the `buzon` subcommands.
 *
 * Each subcommand is a function `int cli_<name>(int argc, char **argv)` that parses its own
 * options (argv[0] is the subcommand's name), prints its own --help, and returns an exit code:
 * CLI_OK, CLI_FAIL or CLI_USAGE, as `buzon --help` documents.
 */
#ifndef BUZON_CLI_CLI_H
#define BUZON_CLI_CLI_H

#include "base/config.h"
#include "core/error.h"

#include <stdbool.h>
#include <stdio.h>

enum {
    CLI_OK = 0,    /* the command did what was asked */
    CLI_FAIL = 1,  /* it could not, or a checked value is not valid */
    CLI_USAGE = 2, /* bad usage or bad input: nothing was done */
};

struct cli_command {
    const char *name;
    const char *summary; /* Spanish, one line, for `buzon --help` */
    int (*run)(int argc, char **argv);
};

/* The subcommands, ending with a NULL name. */
extern const struct cli_command cli_commands[];

/*
 * Print an error to stderr as one JSON object {"error": code, "message": text} and return
 * the exit code given, so that a command can `return cli_error(CLI_USAGE, ...)`.
 */
int cli_error(int exit_code, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same as cli_error with the code and message of err (in). */
int cli_error_from(int exit_code, const struct error *err);

/*
 * Build the configuration: defaults, then the file (path when not NULL; otherwise ./buzon.ini
 * when it exists), then BUZON_* environment variables, then the --data-dir option (data_dir,
 * may be NULL) as server.data_dir. Returns the config (caller frees with config_free) or NULL
 * with err filled.
 */
struct config *cli_load_config(const char *path, const char *data_dir, struct error *err);

/*
 * Read a whole file (path in; "-" reads stdin) into a NUL-terminated heap buffer (*out, caller
 * frees) of *len bytes (out, may be NULL), refusing files larger than max bytes.
 * Returns 0 or -1 with err filled ("file_read", "file_too_large").
 */
int cli_read_file(const char *path, size_t max, char **out, size_t *len, struct error *err);

#endif
