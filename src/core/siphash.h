/*
 * siphash.h - SipHash-2-4 (Aumasson and Bernstein, 2012), a keyed 64-bit hash.
 *
 * Used where a short, keyed, non-reversible name is needed (RFC hashes in logs, hash tables
 * keyed by outside input). Not a replacement for SHA-256 in evidence.
 */
#ifndef BUZON_CORE_SIPHASH_H
#define BUZON_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* Hash len bytes at data (in) under the 16-byte key (in). Pure; thread-safe. */
uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
