/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json parser: typed getters on jansson objects, value checks and
 * errors that name the field.  See spec-json.h.
 */
#include "spec-json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ------------------------------------------------------------ */

int fail_oom(berr_t *err)
{
	return berr_set(err, ENOMEM, "parse config");
}

int fail_at(berr_t *err, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	berr_vset(err, 0, fmt, ap);
	va_end(ap);
	return berr_prefix(err, "%s", path);
}

/* Error in "<path>.<key>", or "<key>" at the top level (path ""). */
int fail_key(berr_t *err, const char *path, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	berr_vset(err, 0, fmt, ap);
	va_end(ap);
	return berr_prefix(err, "%s%s%s", path, *path ? "." : "", key);
}

/* Error in "<path>[i]". */
int fail_idx(berr_t *err, const char *path, size_t i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	berr_vset(err, 0, fmt, ap);
	va_end(ap);
	return berr_prefix(err, "%s[%zu]", path, i);
}

const char *path_key(char buf[static FIELD_PATH_MAX], const char *path, const char *key)
{
	snprintf(buf, FIELD_PATH_MAX, "%s%s%s", path, *path ? "." : "", key);
	return buf;
}

const char *path_idx(char buf[static FIELD_PATH_MAX], const char *path, size_t i)
{
	snprintf(buf, FIELD_PATH_MAX, "%s[%zu]", path, i);
	return buf;
}

/* ---- value checks: return what is wrong, or NULL ----------------------- */

const char *check_abs_path(const char *s)
{
	return s[0] == '/' ? NULL : "must be an absolute path";
}

const char *check_env(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s ? NULL : "must have the form KEY=VALUE";
}

static const char *check_u32(json_t *v, uint32_t *out)
{
	json_int_t n;

	if (!json_is_integer(v))
		return "must be a non-negative integer < 2^32";
	n = json_integer_value(v);
	if (n < 0 || n > UINT32_MAX)
		return "must be a non-negative integer < 2^32";
	*out = (uint32_t)n;
	return NULL;
}

/* A uid or gid: (uid_t)-1 means "leave unchanged" to set*id(2), so a config
 * asking for it would silently keep the caller's id. */
const char *check_id(json_t *v, uint32_t *out)
{
	const char *bad = check_u32(v, out);

	if (!bad && *out == UINT32_MAX)
		return "4294967295 is not a valid id";
	return bad;
}

/* ---- getters -----------------------------------------------------------
 *
 * All return 1 when the field is set, 0 when an optional field is absent or
 * null (*out is left alone) and <0 on error.
 */

json_t *lookup_field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

static int absent(const char *path, const char *key, bool req, berr_t *err)
{
	return req ? fail_key(err, path, key, "missing required field") : 0;
}

int get_string(json_t *o, const char *path, const char *key, bool req,
	       const char **out, berr_t *err)
{
	json_t *v = lookup_field(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_string(v))
		return fail_key(err, path, key, "must be a string");
	*out = json_string_value(v);
	return 1;
}

/* A string that must be an absolute path. */
int get_abs_path(json_t *o, const char *path, const char *key, bool req,
		 const char **out, berr_t *err)
{
	const char *s = NULL;
	int r = get_string(o, path, key, req, &s, err);

	if (r > 0 && check_abs_path(s))
		return fail_key(err, path, key, "%s", check_abs_path(s));
	if (r > 0)
		*out = s;
	return r;
}

int get_bool(json_t *o, const char *path, const char *key, bool req, bool *out, berr_t *err)
{
	json_t *v = lookup_field(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_boolean(v))
		return fail_key(err, path, key, "must be a boolean");
	*out = json_is_true(v);
	return 1;
}

int get_int(json_t *o, const char *path, const char *key, bool req,
	    json_int_t min, json_int_t max, json_int_t *out, berr_t *err)
{
	json_t *v = lookup_field(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return fail_key(err, path, key, "must be an integer between %lld and %lld",
				(long long)min, (long long)max);
	*out = json_integer_value(v);
	return 1;
}

int get_u32(json_t *o, const char *path, const char *key, bool req,
	    uint32_t *out, berr_t *err)
{
	json_t *v = lookup_field(o, key);
	const char *bad;

	if (!v)
		return absent(path, key, req, err);
	bad = check_u32(v, out);
	return bad ? fail_key(err, path, key, "%s", bad) : 1;
}

int get_id(json_t *o, const char *path, const char *key, bool req,
	   uint32_t *out, berr_t *err)
{
	json_t *v = lookup_field(o, key);
	const char *bad;

	if (!v)
		return absent(path, key, req, err);
	bad = check_id(v, out);
	return bad ? fail_key(err, path, key, "%s", bad) : 1;
}

/* uint64: literals above INT64_MAX arrive wrapped (see wrap_u64_literals()),
 * so any integer is accepted and converted back; -1 thus means 2^64-1. */
int get_u64(json_t *o, const char *path, const char *key, bool req,
	    uint64_t *out, berr_t *err)
{
	json_t *v = lookup_field(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_integer(v))
		return fail_key(err, path, key, "must be an integer < 2^64");
	*out = (uint64_t)json_integer_value(v);
	return 1;
}

int get_object(json_t *o, const char *path, const char *key, bool req,
	       json_t **out, berr_t *err)
{
	json_t *v = lookup_field(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_object(v))
		return fail_key(err, path, key, "must be an object");
	*out = v;
	return 1;
}

int get_array(json_t *o, const char *path, const char *key, bool req,
	      json_t **out, berr_t *err)
{
	json_t *v = lookup_field(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_array(v))
		return fail_key(err, path, key, "must be an array");
	*out = v;
	return 1;
}

/* Array of strings -> NULL-terminated vector of borrowed strings.  check, if
 * given, validates each element. */
int get_strv(json_t *o, const char *path, const char *key, bool req,
	     const char *(*check)(const char *), char ***out, berr_t *err)
{
	char p[FIELD_PATH_MAX];
	json_t *arr = NULL, *v;
	char **strv;
	size_t i;
	int r;

	r = get_array(o, path, key, req, &arr, err);
	if (r <= 0)
		return r;
	path_key(p, path, key);
	strv = calloc(json_array_size(arr) + 1, sizeof(*strv));
	if (!strv)
		return fail_oom(err);
	json_array_foreach(arr, i, v) {
		const char *bad;

		if (!json_is_string(v)) {
			free(strv);
			return fail_idx(err, p, i, "must be a string");
		}
		bad = check ? check(json_string_value(v)) : NULL;
		if (bad) {
			free(strv);
			return fail_idx(err, p, i, "%s", bad);
		}
		/* The vector is handed to execve() & co, which take char *const[];
		 * nobody writes through it. */
		strv[i] = (char *)json_string_value(v);
	}
	*out = strv;
	return 1;
}

/* Parse each object of arr with fn; elems (n entries of size bytes, may be
 * NULL) was allocated by the caller and stored in the spec already, so
 * spec_free() releases what a failing element leaves behind. */
int parse_each(json_t *arr, const char *path, void *elems, size_t size,
	       parse_elem_fn fn, void *ctx, berr_t *err)
{
	char p[FIELD_PATH_MAX];
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		void *elem = elems ? (char *)elems + i * size : NULL;
		int r;

		path_idx(p, path, i);
		if (!json_is_object(v))
			return fail_at(err, p, "must be an object");
		r = fn(v, p, elem, ctx, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Empty optional strings mean "not set", as in Go. */
const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}
