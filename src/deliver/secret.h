/*
 * secret.h - read a password from a file (internal to deliver/).
 *
 * Passwords are never put in the INI file or the environment: the configuration names a file
 * (e.g. [deliver] smtp_password_file) readable by the service alone.
 */
#ifndef BUZON_DELIVER_SECRET_H
#define BUZON_DELIVER_SECRET_H

#include "core/error.h"

#include <stddef.h>

/*
 * Read the first line of the file at path (in) into *out (out, heap; the caller wipes it with
 * mem_wipe and frees it). An empty path gives *out = NULL and success. Returns 0, or -1 with
 * err ("deliver_secret_file") when the file cannot be read, is empty or over 1024 bytes; what
 * names the key (e.g. "smtp_password_file") goes in the message.
 */
int deliver__read_secret(const char *path, const char *what, char **out, struct error *err);

#endif
