/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sqlite index of the store: which images exist, their names, layers and
 * holders.  Blobs and layers are files; the index only says who uses them.
 *
 * WAL so readers never wait for a writer; busy_timeout so concurrent berth
 * processes queue rather than fail; foreign keys so names, layers and holders
 * cannot outlive their image.  Each change is one BEGIN IMMEDIATE
 * transaction: the write lock is taken up front, so two writers never
 * deadlock upgrading from a read.
 */
#include "store-db.h"
#include "util/cleanup.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS 30000

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS images ("
	"  id TEXT PRIMARY KEY,"
	"  manifest_digest TEXT,"
	"  manifest_type TEXT,"
	"  size INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS images_manifest ON images(manifest_digest);"
	"CREATE TABLE IF NOT EXISTS names ("
	"  name TEXT PRIMARY KEY,"
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);"
	"CREATE INDEX IF NOT EXISTS names_image ON names(image_id);"
	"CREATE TABLE IF NOT EXISTS image_layers ("
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  diff_id TEXT NOT NULL,"
	"  blob_digest TEXT,"
	"  PRIMARY KEY (image_id, idx));"
	"CREATE TABLE IF NOT EXISTS holders ("
	"  holder TEXT PRIMARY KEY,"
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);"
	"CREATE INDEX IF NOT EXISTS holders_image ON holders(image_id);";

static void finalizep(sqlite3_stmt **st)
{
	sqlite3_finalize(*st);
	*st = NULL;
}
#define _cleanup_stmt_ __attribute__((cleanup(finalizep)))

/* -errno of the error just set, for callers that tell EBUSY or ENOENT apart */
static int err_code(berr_t *err)
{
	return err && *err ? -berr_code(*err) : -EIO;
}

static int db_fail(struct berth_store *s, berr_t *err, const char *what)
{
	int code = sqlite3_errcode(s->db);
	int errnum = code == SQLITE_BUSY || code == SQLITE_LOCKED ? EBUSY
		   : code == SQLITE_NOMEM ? ENOMEM
		   : code == SQLITE_FULL ? ENOSPC
		   : code == SQLITE_READONLY || code == SQLITE_PERM ? EROFS : EIO;

	berr_fail(err, "image index: %s: %s", what, sqlite3_errmsg(s->db));
	if (err && *err)
		(*err)->errnum = errnum;
	return -errnum;
}

static int db_exec(struct berth_store *s, const char *sql, berr_t *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, sql);
	return 0;
}

static int db_prepare(struct berth_store *s, const char *sql, sqlite3_stmt **st, berr_t *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(s, err, "prepare");
	return 0;
}

/* Prepare and bind text parameters (NULL binds NULL). */
static int db_query(struct berth_store *s, sqlite3_stmt **st, berr_t *err, const char *sql,
		    int n, ...)
{
	va_list ap;

	if (db_prepare(s, sql, st, err) < 0)
		return err_code(err);
	va_start(ap, n);
	for (int i = 1; i <= n; i++) {
		const char *v = va_arg(ap, const char *);

		if (sqlite3_bind_text(*st, i, v, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
			va_end(ap);
			return db_fail(s, err, "bind");
		}
	}
	va_end(ap);
	return 0;
}

/* Run a statement that returns no rows. */
static int db_run(struct berth_store *s, berr_t *err, const char *sql, int n, ...)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	va_list ap;

	if (db_prepare(s, sql, &st, err) < 0)
		return err_code(err);
	va_start(ap, n);
	for (int i = 1; i <= n; i++) {
		const char *v = va_arg(ap, const char *);

		if (sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
			va_end(ap);
			return db_fail(s, err, "bind");
		}
	}
	va_end(ap);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(s, err, "update");
	return 0;
}

static int db_begin(struct berth_store *s, berr_t *err)
{
	return db_exec(s, "BEGIN IMMEDIATE", err);
}

/* Commit when ret >= 0, else roll back; returns ret or the commit's failure. */
static int db_end(struct berth_store *s, int ret, berr_t *err)
{
	if (ret >= 0)
		return db_exec(s, "COMMIT", err);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

/* The first column of every row, as a NULL-terminated string vector. */
static int collect_strings(struct berth_store *s, sqlite3_stmt *st, char ***out, size_t *count,
			   berr_t *err)
{
	_cleanup_strv_ char **v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	v = calloc(1, sizeof(*v));
	if (!v)
		return berr_errno(err, "image index");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (n + 1 >= cap) {
			char **nv;

			cap = cap ? cap * 2 : 8;
			nv = realloc(v, (cap + 1) * sizeof(*v));
			if (!nv)
				return berr_errno(err, "image index");
			v = nv;
		}
		v[n] = strdup(t ? t : "");
		if (!v[n])
			return berr_errno(err, "image index");
		v[++n] = NULL;
	}
	if (rc != SQLITE_DONE)
		return db_fail(s, err, "query");
	if (count)
		*count = n;
	*out = steal_ptr(v);
	return 0;
}

static int schema_init(struct berth_store *s, berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int rc, version;

	if (db_exec(s, schema, err) < 0)
		return err_code(err);
	if (db_prepare(s, "SELECT version FROM schema_version", &st, err) < 0)
		return err_code(err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		char sql[64];

		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d)", SCHEMA_VERSION);
		return db_exec(s, sql, err);
	}
	if (rc != SQLITE_ROW)
		return db_fail(s, err, "read schema version");
	version = sqlite3_column_int(st, 0);
	if (version != SCHEMA_VERSION)
		return berr_fail(err, "image index has schema version %d; this berth knows %d",
				 version, SCHEMA_VERSION);
	return 0;
}

/* The common case, an index made by this berth: a read, no write lock. */
static bool schema_current(struct berth_store *s)
{
	sqlite3_stmt *st = NULL;
	bool ok;

	if (sqlite3_prepare_v2(s->db, "SELECT version FROM schema_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return false;
	ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == SCHEMA_VERSION;
	sqlite3_finalize(st);
	return ok;
}

int store_db_open(struct berth_store *s, berr_t *err)
{
	int one = 1;
	_cleanup_free_ char *path = NULL;
	int ret;

	if (asprintf(&path, "%s/images.db", s->root) < 0)
		return berr_errno(err, "open image index");
	/* sqlite opens its files O_CLOEXEC itself (test-store checks it) */
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		ret = berr_fail(err, "open image index %s: %s", path,
				s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_db_close(s);
		return ret;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/*
	 * Every berth command opens the index: leave the WAL file in place and
	 * let sqlite checkpoint when the WAL grows, not at each close (three
	 * fdatasyncs and an unlink per `berth run`).  WAL stays crash-safe.
	 */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	if (db_exec(s, "PRAGMA journal_mode=WAL", err) < 0 ||
	    db_exec(s, "PRAGMA foreign_keys=ON", err) < 0 ||
	    db_exec(s, "PRAGMA synchronous=NORMAL", err) < 0)
		goto fail;
	if (schema_current(s))
		return 0;
	if (db_begin(s, err) < 0)
		goto fail;
	if (db_end(s, schema_init(s, err), err) < 0)
		goto fail;
	return 0;
fail:
	store_db_close(s);
	return berr_prefix(err, "open %s", path);
}

void store_db_close(struct berth_store *s)
{
	if (s->db)
		sqlite3_close_v2(s->db);
	s->db = NULL;
}

static int image_add_locked(struct berth_store *s, const struct image_record *rec,
			    const char *name, berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	char size[24], created[24];

	snprintf(size, sizeof(size), "%llu", (unsigned long long)rec->size);
	snprintf(created, sizeof(created), "%lld", (long long)time(NULL));
	/* the same config again (a re-pull, another compression) keeps its age
	 * but takes the newest manifest and blobs */
	if (db_run(s, err,
		   "INSERT INTO images (id, manifest_digest, manifest_type, size, created) "
		   "VALUES (?1, ?2, ?3, CAST(?4 AS INTEGER), CAST(?5 AS INTEGER)) "
		   "ON CONFLICT(id) DO UPDATE SET manifest_digest = excluded.manifest_digest, "
		   "manifest_type = excluded.manifest_type, size = excluded.size",
		   5, rec->id, rec->manifest_digest, rec->manifest_type, size, created) < 0)
		return err_code(err);
	if (db_run(s, err, "DELETE FROM image_layers WHERE image_id = ?1", 1, rec->id) < 0)
		return err_code(err);
	if (db_prepare(s, "INSERT INTO image_layers (image_id, idx, diff_id, blob_digest) "
			  "VALUES (?1, ?2, ?3, ?4)", &st, err) < 0)
		return err_code(err);
	for (size_t i = 0; i < rec->n_layers; i++) {
		sqlite3_reset(st);
		if (sqlite3_bind_text(st, 1, rec->id, -1, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 2, (sqlite3_int64)i) != SQLITE_OK ||
		    sqlite3_bind_text(st, 3, rec->diff_ids[i], -1, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_text(st, 4, rec->blob_digests ? rec->blob_digests[i] : NULL, -1,
				      SQLITE_STATIC) != SQLITE_OK)
			return db_fail(s, err, "bind");
		if (sqlite3_step(st) != SQLITE_DONE)
			return db_fail(s, err, "add layer");
	}
	if (name && db_run(s, err,
			   "INSERT INTO names (name, image_id) VALUES (?1, ?2) "
			   "ON CONFLICT(name) DO UPDATE SET image_id = excluded.image_id",
			   2, name, rec->id) < 0)
		return err_code(err);
	return 0;
}

int store_image_add(struct berth_store *s, const struct image_record *rec, const char *name,
		    berr_t *err)
{
	if (digest_check(rec->id, err) < 0)
		return berr_prefix(err, "add image");
	if (rec->manifest_digest && digest_check(rec->manifest_digest, err) < 0)
		return berr_prefix(err, "add image %s: manifest", rec->id);
	for (size_t i = 0; i < rec->n_layers; i++) {
		if (digest_check(rec->diff_ids[i], err) < 0)
			return berr_prefix(err, "add image %s: layer %zu diff_id", rec->id, i);
		if (rec->blob_digests && rec->blob_digests[i] &&
		    digest_check(rec->blob_digests[i], err) < 0)
			return berr_prefix(err, "add image %s: layer %zu", rec->id, i);
	}
	if (db_begin(s, err) < 0)
		return berr_prefix(err, "add image %s", rec->id);
	if (db_end(s, image_add_locked(s, rec, name, err), err) < 0)
		return berr_prefix(err, "add image %s", rec->id);
	return 0;
}

int db_image_get(struct berth_store *s, const char *id, struct berth_image *img, berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int rc;

	if (db_query(s, &st, err, "SELECT id, manifest_digest, manifest_type, size, created "
		     "FROM images WHERE id = ?1", 1, id) < 0)
		return err_code(err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return berr_fail_code(err, ENOENT, "image %s", id);
	if (rc != SQLITE_ROW)
		return db_fail(s, err, "read image");
#define COL_DUP(i) (sqlite3_column_type(st, i) == SQLITE_NULL ? NULL \
		    : strdup((const char *)sqlite3_column_text(st, i)))
	img->id = COL_DUP(0);
	img->manifest_digest = COL_DUP(1);
	img->manifest_type = COL_DUP(2);
#undef COL_DUP
	img->size = (uint64_t)sqlite3_column_int64(st, 3);
	img->created = sqlite3_column_int64(st, 4);
	if (!img->id)
		return berr_errno(err, "read image");
	finalizep(&st);

	if (db_query(s, &st, err, "SELECT name FROM names WHERE image_id = ?1 ORDER BY name",
		     1, id) < 0 ||
	    collect_strings(s, st, &img->names, NULL, err) < 0)
		return err_code(err);
	finalizep(&st);
	if (db_query(s, &st, err, "SELECT diff_id FROM image_layers WHERE image_id = ?1 "
		     "ORDER BY idx", 1, id) < 0 ||
	    collect_strings(s, st, &img->diff_ids, &img->n_layers, err) < 0)
		return err_code(err);
	return 0;
}

int db_image_ids(struct berth_store *s, char ***ids, berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;

	if (db_prepare(s, "SELECT id FROM images ORDER BY created DESC, id", &st, err) < 0)
		return err_code(err);
	return collect_strings(s, st, ids, NULL, err);
}

/* The single id a one-column query yields; -ENOENT without err for none. */
static int query_one_id(struct berth_store *s, sqlite3_stmt *st, char **id, berr_t *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return -ENOENT;
	if (rc != SQLITE_ROW)
		return db_fail(s, err, "query");
	*id = strdup((const char *)sqlite3_column_text(st, 0));
	if (!*id)
		return berr_errno(err, "query");
	return 0;
}

int db_resolve_name(struct berth_store *s, const char *name, char **id, berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int ret;

	if (db_query(s, &st, err, "SELECT image_id FROM names WHERE name = ?1", 1, name) < 0)
		return err_code(err);
	ret = query_one_id(s, st, id, err);
	if (ret == -ENOENT)
		return berr_fail_code(err, ENOENT, "no image named %s", name);
	return ret;
}

int db_resolve_manifest(struct berth_store *s, const char *digest, char **id, berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	int ret;

	if (db_query(s, &st, err, "SELECT id FROM images WHERE manifest_digest = ?1 "
		     "ORDER BY created DESC LIMIT 1", 1, digest) < 0)
		return err_code(err);
	ret = query_one_id(s, st, id, err);
	if (ret == -ENOENT)
		return berr_fail_code(err, ENOENT, "no image with manifest %s", digest);
	return ret;
}

int db_resolve_prefix(struct berth_store *s, const char *hex_prefix, char **id, berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	_cleanup_free_ char *pattern = NULL;
	_cleanup_strv_ char **ids = NULL;
	size_t n;

	/* the caller checked hex_prefix is hex, so it holds no GLOB metacharacters */
	if (asprintf(&pattern, "sha256:%s*", hex_prefix) < 0)
		return berr_errno(err, "lookup");
	if (db_query(s, &st, err, "SELECT id FROM images WHERE id GLOB ?1 LIMIT 2", 1,
		     pattern) < 0 ||
	    collect_strings(s, st, &ids, &n, err) < 0)
		return err_code(err);
	if (n == 0)
		return berr_fail_code(err, ENOENT, "no image with id %s", hex_prefix);
	if (n > 1)
		return berr_fail(err, "short id %s is ambiguous: it matches more than one image",
				 hex_prefix);
	*id = steal_ptr(ids[0]);
	return 0;
}

int db_tag(struct berth_store *s, const char *id, const char *name, berr_t *err)
{
	int ret;

	if (db_begin(s, err) < 0)
		return err_code(err);
	ret = db_run(s, err, "INSERT INTO names (name, image_id) VALUES (?1, ?2) "
		     "ON CONFLICT(name) DO UPDATE SET image_id = excluded.image_id", 2, name, id);
	/* the image may have been removed since it was looked up */
	if (ret < 0 && sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
		ret = berr_fail_code(err, ENOENT, "image %s is gone", id);
	return db_end(s, ret, err);
}

static int count_rows(struct berth_store *s, const char *sql, const char *arg, int64_t *n,
		      berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;

	if (db_query(s, &st, err, sql, 1, arg) < 0)
		return err_code(err);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(s, err, "count");
	*n = sqlite3_column_int64(st, 0);
	return 0;
}

/* Within a transaction: remove image id unless held (then: -EBUSY, or with
 * force, just its names). */
static int image_delete_locked(struct berth_store *s, const char *id, bool force,
			       bool *removed, berr_t *err)
{
	int64_t held = 0;

	if (count_rows(s, "SELECT count(*) FROM holders WHERE image_id = ?1", id, &held, err) < 0)
		return err_code(err);
	if (held && !force)
		return berr_fail_code(err, EBUSY, "image %.19s is in use by %lld container%s "
				"(remove them first, or force)", id, (long long)held,
				held == 1 ? "" : "s");
	if (held)
		return db_run(s, err, "DELETE FROM names WHERE image_id = ?1", 1, id);
	if (db_run(s, err, "DELETE FROM images WHERE id = ?1", 1, id) < 0)
		return err_code(err);
	*removed = true;
	return 0;
}

static int untag_locked(struct berth_store *s, const char *name, bool force, bool *removed,
			berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	_cleanup_free_ char *id = NULL;
	int64_t names = 0;
	int ret;

	if (db_query(s, &st, err, "SELECT image_id FROM names WHERE name = ?1", 1, name) < 0)
		return err_code(err);
	ret = query_one_id(s, st, &id, err);
	if (ret == -ENOENT)
		return berr_fail_code(err, ENOENT, "no image named %s", name);
	if (ret < 0)
		return ret;
	if (count_rows(s, "SELECT count(*) FROM names WHERE image_id = ?1", id, &names, err) < 0)
		return err_code(err);
	if (names > 1)
		return db_run(s, err, "DELETE FROM names WHERE name = ?1", 1, name);
	return image_delete_locked(s, id, force, removed, err);
}

int db_untag(struct berth_store *s, const char *name, bool force, bool *image_removed,
	     berr_t *err)
{
	*image_removed = false;
	if (db_begin(s, err) < 0)
		return err_code(err);
	return db_end(s, untag_locked(s, name, force, image_removed, err), err);
}

int db_image_delete(struct berth_store *s, const char *id, bool force, bool *image_removed,
		    berr_t *err)
{
	*image_removed = false;
	if (db_begin(s, err) < 0)
		return err_code(err);
	return db_end(s, image_delete_locked(s, id, force, image_removed, err), err);
}

int db_prune_images(struct berth_store *s, bool all, size_t *n, berr_t *err)
{
	static const char dangling[] =
		"DELETE FROM images WHERE id NOT IN (SELECT image_id FROM names) "
		"AND id NOT IN (SELECT image_id FROM holders)";
	static const char unheld[] =
		"DELETE FROM images WHERE id NOT IN (SELECT image_id FROM holders)";
	int ret;

	if (db_begin(s, err) < 0)
		return err_code(err);
	ret = db_exec(s, all ? unheld : dangling, err);
	*n = ret < 0 ? 0 : (size_t)sqlite3_changes(s->db);
	return db_end(s, ret, err);
}

int db_referenced(struct berth_store *s, char ***blobs, char ***diff_ids, berr_t *err)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	_cleanup_strv_ char **b = NULL, **d = NULL;
	int ret;

	/* one read transaction, so both lists describe the same moment */
	if (db_exec(s, "BEGIN", err) < 0)
		return err_code(err);
	ret = db_prepare(s, "SELECT id FROM images UNION SELECT manifest_digest FROM images "
			 "WHERE manifest_digest IS NOT NULL UNION SELECT blob_digest FROM "
			 "image_layers WHERE blob_digest IS NOT NULL", &st, err);
	if (ret >= 0)
		ret = collect_strings(s, st, &b, NULL, err);
	finalizep(&st);
	if (ret >= 0)
		ret = db_prepare(s, "SELECT DISTINCT diff_id FROM image_layers", &st, err);
	if (ret >= 0)
		ret = collect_strings(s, st, &d, NULL, err);
	finalizep(&st);
	ret = db_end(s, ret, err);
	if (ret < 0)
		return ret;
	*blobs = steal_ptr(b);
	*diff_ids = steal_ptr(d);
	return 0;
}

int db_hold(struct berth_store *s, const char *id, const char *holder, berr_t *err)
{
	int ret;

	if (db_begin(s, err) < 0)
		return err_code(err);
	ret = db_run(s, err, "INSERT INTO holders (holder, image_id) VALUES (?1, ?2) "
		     "ON CONFLICT(holder) DO UPDATE SET image_id = excluded.image_id", 2, holder, id);
	if (ret < 0 && sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
		ret = berr_fail_code(err, ENOENT, "no image %s", id);
	return db_end(s, ret, err);
}

int db_release(struct berth_store *s, const char *holder, berr_t *err)
{
	int ret;

	if (db_begin(s, err) < 0)
		return err_code(err);
	ret = db_run(s, err, "DELETE FROM holders WHERE holder = ?1", 1, holder);
	return db_end(s, ret, err);
}
