/*
 * commands.h - entry points of the `buzon` subcommands, one per file in src/cli/.
 * Each takes the subcommand's own argv (argv[0] is its name) and returns an exit code (cli.h).
 */
#ifndef BUZON_CLI_COMMANDS_H
#define BUZON_CLI_COMMANDS_H

int cli_serve(int argc, char **argv);
int cli_ident(int argc, char **argv);
int cli_clock(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_efirma(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_mailbox(int argc, char **argv);
int cli_worker(int argc, char **argv);
int cli_staff(int argc, char **argv);
int cli_token(int argc, char **argv);

#endif
