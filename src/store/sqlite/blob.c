/*
 * blob.c - the SQLite backend's blob store: one file per content, named by its SHA-256, under
 * DIR/blobs/ab/abcdef... beside the database.
 *
 * A file is written under a temporary name, fsynced, renamed to its final name and its
 * directory fsynced, all before the row that names it is inserted: a committed row therefore
 * always finds its content after a crash. A crash before the commit may leave a file no row
 * names; it is harmless (same content, same name).
 *
 * FIXME: no job removes unnamed files or leftover temporary ".hex.XXXXXX" files yet; they
 * cost only disk, and the retention job of design.md section 5 is where it belongs.
 */
#include "store/impl.h"

#include "core/mem.h"
#include "core/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
io_error(struct error *err, const char *what, const char *path)
{
    error_set(err, "store_blob_io", "no se pudo guardar o leer un documento");
    error_detail(err, "%s %s: %s", what, path, strerror(errno));
    return STORE_ERROR;
}

static int
fsync_dir(const char *dir, struct error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return io_error(err, "open", dir);
    rc = fsync(fd);
    close(fd);
    return rc == 0 ? STORE_OK : io_error(err, "fsync", dir);
}

/* mkdir dir if missing; fsync its parent when it was created so that the entry is durable. */
static int
ensure_dir(const char *dir, const char *parent, struct error *err)
{
    if (mkdir(dir, 0700) == 0)
        return parent != NULL ? fsync_dir(parent, err) : STORE_OK;
    return errno == EEXIST ? STORE_OK : io_error(err, "mkdir", dir);
}

static int
write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void
blob_paths(const char *root, const char *hex, char *sub, char *final, size_t size)
{
    snprintf(sub, size, "%s/%.2s", root, hex);
    snprintf(final, size, "%s/%s", sub, hex);
}

/* Write the content durably under its final name unless it is already there. */
static int
write_file(const char *root, const char *hex, const void *data, size_t len, struct error *err)
{
    char sub[1300], final[1300], tmp[1400];
    struct stat sb;
    int fd, rc;

    blob_paths(root, hex, sub, final, sizeof(sub));
    if (stat(final, &sb) == 0 && (size_t)sb.st_size == len)
        return STORE_OK;

    rc = ensure_dir(root, NULL, err);
    if (rc == STORE_OK)
        rc = ensure_dir(sub, root, err);
    if (rc != STORE_OK)
        return rc;

    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", sub, hex);
    fd = mkstemp(tmp);
    if (fd < 0)
        return io_error(err, "mkstemp", tmp);
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        rc = io_error(err, "write", tmp);
        close(fd);
        unlink(tmp);
        return rc;
    }
    close(fd);
    if (rename(tmp, final) != 0) {
        rc = io_error(err, "rename", final);
        unlink(tmp);
        return rc;
    }
    return fsync_dir(sub, err);
}

static struct store__query q_insert =
    STORE__QUERY("INSERT INTO blobs (sha256, size, media_type, created_at) "
                 "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING");
static struct store__query q_size = STORE__QUERY("SELECT size FROM blobs WHERE sha256 = $1");

static int
sq_blob_put(struct store_tx *tx, const void *data, size_t len, const char *media_type,
            uint8_t digest[STORE_HASH_LEN], struct error *err)
{
    char hex[SHA256_HEX_LEN + 1];
    int rc;

    if (len > STORE_BLOB_MAX)
        return store__invalid(tx, err, "store_too_long", "el documento excede %d MiB",
                              STORE_BLOB_MAX >> 20);
    rc = store__check_fixed(tx, "media_type", media_type, STORE_MEDIA_TYPE_MAX + 1, err);
    if (rc != STORE_OK)
        return rc;

    sha256(data, len, digest);
    sha256_hex(digest, hex);
    rc = write_file(tx->db->blob_dir, hex, data, len, err);
    if (rc != STORE_OK)
        return store__fail(tx, rc);

    {
        struct store__arg args[] = {SA_BLOB(digest, STORE_HASH_LEN), SA_I64(len),
                                    SA_TEXT(media_type), SA_I64(store__now_us())};
        return store__exec(tx, &q_insert, args, 4, err);
    }
}

static int
read_file(const char *path, size_t len, unsigned char **out, struct error *err)
{
    unsigned char *buf = mem_alloc(len + 1);
    size_t got = 0;
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        free(buf);
        return io_error(err, "open", path);
    }
    got = fread(buf, 1, len + 1, f);
    fclose(f);
    if (got != len) {
        free(buf);
        error_set(err, "store_blob_corrupt", "un documento guardado está dañado o incompleto");
        error_detail(err, "%s: %zu bytes, expected %zu", path, got, len);
        return STORE_ERROR;
    }
    *out = buf;
    return STORE_OK;
}

static void
read_size(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

static int
sq_blob_get(struct store_tx *tx, const uint8_t digest[STORE_HASH_LEN], void **data, size_t *len,
            struct error *err)
{
    char hex[SHA256_HEX_LEN + 1], sub[1300], path[1300];
    struct store__arg args[] = {SA_BLOB(digest, STORE_HASH_LEN)};
    uint8_t check[SHA256_LEN];
    unsigned char *buf = NULL;
    int64_t size = 0;
    int rc = store__one(tx, &q_size, args, 1, read_size, &size, err);

    *data = NULL;
    *len = 0;
    if (rc != STORE_OK)
        return rc;

    sha256_hex(digest, hex);
    blob_paths(tx->db->blob_dir, hex, sub, path, sizeof(sub));
    rc = read_file(path, (size_t)size, &buf, err);
    if (rc != STORE_OK)
        return rc;

    /* The name is the content's hash: a mismatch means the file was altered. */
    sha256(buf, (size_t)size, check);
    if (memcmp(check, digest, SHA256_LEN) != 0) {
        free(buf);
        error_set(err, "store_blob_corrupt", "un documento guardado está dañado o alterado");
        error_detail(err, "%s: content does not match its name", path);
        return STORE_ERROR;
    }
    *data = buf;
    *len = (size_t)size;
    return STORE_OK;
}

void
store__sqlite_ops(struct store_ops *ops)
{
    ops->blob_put = sq_blob_put;
    ops->blob_get = sq_blob_get;
}
