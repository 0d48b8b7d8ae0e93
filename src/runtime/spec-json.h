/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_SPEC_JSON_H
#define BERTH_SPEC_JSON_H

/*
 * Internal to the config.json parser (spec*.c): typed getters on jansson
 * objects and errors that name the field ("mounts[2].options[0]: ...").
 *
 * A field path is the dotted path of the object being read ("process.user",
 * "" at the top level); the getters append the key themselves.
 */

#include "spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Field paths are built from our own key names and indices, so this is plenty. */
#define FIELD_PATH_MAX 128

#define REQ true
#define OPT false

/* ---- errors ------------------------------------------------------------ */

/* ENOMEM while parsing. */
int fail_oom(berr_t *err);
/* Error in "<path>". */
int fail_at(berr_t *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Error in "<path>.<key>", or "<key>" at the top level (path ""). */
int fail_key(berr_t *err, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Error in "<path>[i]". */
int fail_idx(berr_t *err, const char *path, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "<path>.<key>" and "<path>[i]" written to buf, which is returned. */
const char *path_key(char buf[static FIELD_PATH_MAX], const char *path, const char *key);
const char *path_idx(char buf[static FIELD_PATH_MAX], const char *path, size_t i);

/* ---- value checks: return what is wrong, or NULL ----------------------- */

const char *check_abs_path(const char *s);
const char *check_env(const char *s);
/* A uid or gid < 2^32-1, stored in *out. */
const char *check_id(json_t *v, uint32_t *out);

/* ---- getters -----------------------------------------------------------
 *
 * All return 1 when the field is set, 0 when an optional field is absent or
 * null (*out is left alone) and <0 on error.
 */

/* o[key], or NULL when absent or null. */
json_t *lookup_field(json_t *o, const char *key);

int get_string(json_t *o, const char *path, const char *key, bool req,
	       const char **out, berr_t *err);
/* A string that must be an absolute path. */
int get_abs_path(json_t *o, const char *path, const char *key, bool req,
		 const char **out, berr_t *err);
int get_bool(json_t *o, const char *path, const char *key, bool req, bool *out, berr_t *err);
int get_int(json_t *o, const char *path, const char *key, bool req,
	    json_int_t min, json_int_t max, json_int_t *out, berr_t *err);
int get_u32(json_t *o, const char *path, const char *key, bool req,
	    uint32_t *out, berr_t *err);
/* A uid or gid, see check_id(). */
int get_id(json_t *o, const char *path, const char *key, bool req,
	   uint32_t *out, berr_t *err);
/* Any integer, read back as uint64 (see wrap_u64_literals() in spec.c). */
int get_u64(json_t *o, const char *path, const char *key, bool req,
	    uint64_t *out, berr_t *err);
int get_object(json_t *o, const char *path, const char *key, bool req,
	       json_t **out, berr_t *err);
int get_array(json_t *o, const char *path, const char *key, bool req,
	      json_t **out, berr_t *err);
/* Array of strings -> NULL-terminated vector of borrowed strings.  check, if
 * given, validates each element. */
int get_strv(json_t *o, const char *path, const char *key, bool req,
	     const char *(*check)(const char *), char ***out, berr_t *err);

/* Parse each object of arr with fn; elems (n entries of size bytes, may be
 * NULL) was allocated by the caller and stored in the spec already, so
 * spec_free() releases what a failing element leaves behind. */
typedef int (*parse_elem_fn)(json_t *o, const char *path, void *elem, void *ctx, berr_t *err);

int parse_each(json_t *arr, const char *path, void *elems, size_t size,
	       parse_elem_fn fn, void *ctx, berr_t *err);

/* Empty optional strings mean "not set", as in Go. */
const char *nonempty(const char *s);

#endif
