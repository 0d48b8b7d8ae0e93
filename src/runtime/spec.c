/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json (OCI runtime-spec 1.2, Linux parts) -> struct spec.
 *
 * Rules that apply everywhere:
 *  - Unknown keys are ignored (forward compatibility, like runc).
 *  - A key set to null is treated as absent (Go's zero value).
 *  - Fields the runtime-spec marks REQUIRED are required.
 *  - Duplicate keys in an object are rejected: two tools reading the same
 *    file must not see two different configs.
 *  - Errors name the field: "mounts[2].options[0]: must be a string".
 *    The caller adds the file ("config.json: ").
 */
#include "spec.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <linux/ioprio.h>
#include <linux/mount.h>
#include <linux/sched.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#define SPEC_MAX_SIZE (4u << 20)
/* Field paths are built from our own key names and indices, so this is plenty. */
#define FIELD_PATH_MAX 128

#define REQ true
#define OPT false

/* ---- errors ------------------------------------------------------------ */

static int oom(berr_t *err)
{
	return berr_set(err, ENOMEM, "parse config");
}

__attribute__((format(printf, 3, 4)))
static int fail(berr_t *err, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	berr_vset(err, 0, fmt, ap);
	va_end(ap);
	return berr_prefix(err, "%s", path);
}

/* Error in "<path>.<key>", or "<key>" at the top level (path ""). */
__attribute__((format(printf, 4, 5)))
static int fail_key(berr_t *err, const char *path, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	berr_vset(err, 0, fmt, ap);
	va_end(ap);
	return berr_prefix(err, "%s%s%s", path, *path ? "." : "", key);
}

/* Error in "<path>[i]". */
__attribute__((format(printf, 4, 5)))
static int fail_idx(berr_t *err, const char *path, size_t i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	berr_vset(err, 0, fmt, ap);
	va_end(ap);
	return berr_prefix(err, "%s[%zu]", path, i);
}

static const char *path_key(char buf[static FIELD_PATH_MAX], const char *path, const char *key)
{
	snprintf(buf, FIELD_PATH_MAX, "%s%s%s", path, *path ? "." : "", key);
	return buf;
}

static const char *path_idx(char buf[static FIELD_PATH_MAX], const char *path, size_t i)
{
	snprintf(buf, FIELD_PATH_MAX, "%s[%zu]", path, i);
	return buf;
}

/* ---- value checks: return what is wrong, or NULL ----------------------- */

static const char *check_abs_path(const char *s)
{
	return s[0] == '/' ? NULL : "must be an absolute path";
}

static const char *check_env(const char *s)
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
static const char *check_id(json_t *v, uint32_t *out)
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

static json_t *lookup(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

static int absent(const char *path, const char *key, bool req, berr_t *err)
{
	return req ? fail_key(err, path, key, "missing required field") : 0;
}

static int get_string(json_t *o, const char *path, const char *key, bool req,
		      const char **out, berr_t *err)
{
	json_t *v = lookup(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_string(v))
		return fail_key(err, path, key, "must be a string");
	*out = json_string_value(v);
	return 1;
}

/* A string that must be an absolute path. */
static int get_abs_path(json_t *o, const char *path, const char *key, bool req,
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

static int get_bool(json_t *o, const char *path, const char *key, bool req, bool *out, berr_t *err)
{
	json_t *v = lookup(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_boolean(v))
		return fail_key(err, path, key, "must be a boolean");
	*out = json_is_true(v);
	return 1;
}

static int get_int(json_t *o, const char *path, const char *key, bool req,
		   json_int_t min, json_int_t max, json_int_t *out, berr_t *err)
{
	json_t *v = lookup(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return fail_key(err, path, key, "must be an integer between %lld and %lld",
				(long long)min, (long long)max);
	*out = json_integer_value(v);
	return 1;
}

static int get_u32(json_t *o, const char *path, const char *key, bool req,
		   uint32_t *out, berr_t *err)
{
	json_t *v = lookup(o, key);
	const char *bad;

	if (!v)
		return absent(path, key, req, err);
	bad = check_u32(v, out);
	return bad ? fail_key(err, path, key, "%s", bad) : 1;
}

static int get_id(json_t *o, const char *path, const char *key, bool req,
		  uint32_t *out, berr_t *err)
{
	json_t *v = lookup(o, key);
	const char *bad;

	if (!v)
		return absent(path, key, req, err);
	bad = check_id(v, out);
	return bad ? fail_key(err, path, key, "%s", bad) : 1;
}

/* uint64: literals above INT64_MAX arrive wrapped (see wrap_u64_literals()),
 * so any integer is accepted and converted back; -1 thus means 2^64-1. */
static int get_u64(json_t *o, const char *path, const char *key, bool req,
		   uint64_t *out, berr_t *err)
{
	json_t *v = lookup(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_integer(v))
		return fail_key(err, path, key, "must be an integer < 2^64");
	*out = (uint64_t)json_integer_value(v);
	return 1;
}

static int get_object(json_t *o, const char *path, const char *key, bool req,
		      json_t **out, berr_t *err)
{
	json_t *v = lookup(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_object(v))
		return fail_key(err, path, key, "must be an object");
	*out = v;
	return 1;
}

static int get_array(json_t *o, const char *path, const char *key, bool req,
		     json_t **out, berr_t *err)
{
	json_t *v = lookup(o, key);

	if (!v)
		return absent(path, key, req, err);
	if (!json_is_array(v))
		return fail_key(err, path, key, "must be an array");
	*out = v;
	return 1;
}

/* Array of strings -> NULL-terminated vector of borrowed strings.  check, if
 * given, validates each element. */
static int get_strv(json_t *o, const char *path, const char *key, bool req,
		    const char *(*check)(const char *), char ***out, berr_t *err)
{
	char p[FIELD_PATH_MAX];
	json_t *arr, *v;
	char **strv;
	size_t i;
	int r;

	r = get_array(o, path, key, req, &arr, err);
	if (r <= 0)
		return r;
	path_key(p, path, key);
	strv = calloc(json_array_size(arr) + 1, sizeof(*strv));
	if (!strv)
		return oom(err);
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
typedef int (*parse_elem_fn)(json_t *o, const char *path, void *elem, void *ctx, berr_t *err);

static int parse_each(json_t *arr, const char *path, void *elems, size_t size,
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
			return fail(err, p, "must be an object");
		r = fn(v, p, elem, ctx, err);
		if (r < 0)
			return r;
	}
	return 0;
}

struct name_value {
	const char *name;
	uint64_t value;
};

static const struct name_value *find_name(const struct name_value *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

/* Empty optional strings mean "not set", as in Go. */
static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* ---- uint64 literals ---------------------------------------------------
 *
 * jansson keeps integers as long long and refuses larger literals, yet the
 * spec has uint64 fields where Go tools write values up to 2^64-1, e.g.
 * RLIM_INFINITY as 18446744073709551615 (runc#1283).  Before parsing, such
 * literals (standalone tokens in [2^63, 2^64)) are rewritten to their two's
 * complement, which is what a Go uint64 -> int64 conversion gives and what
 * get_u64() converts back.  A shorter replacement is padded with spaces so
 * positions in syntax errors do not move; only the rare 19-digit literals
 * grow by one character.
 */

static bool is_delim(char c)
{
	return c != '\0' && strchr(" \t\r\n,:[]{}", c);
}

/* The literal buf[i..j) if it is a standalone integer token in [2^63, 2^64). */
static bool big_literal(const char *buf, size_t len, size_t i, size_t j, uint64_t *out)
{
	uint64_t v = 0;

	if ((i > 0 && !is_delim(buf[i - 1])) || (j < len && !is_delim(buf[j])))
		return false;
	if (j - i < 19 || j - i > 20)
		return false;
	for (size_t k = i; k < j; k++) {
		unsigned int d = (unsigned int)(buf[k] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return v > INT64_MAX;
}

/* Returns 1 with a rewritten copy in *copy, 0 if buf needs no change, <0 on ENOMEM. */
static int wrap_u64_literals(const char *buf, size_t len, char **copy, size_t *copy_len)
{
	_cleanup_free_ char *out = NULL;
	size_t o = 0, done = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char tmp[24];
		uint64_t v;
		size_t j;
		int w;

		if (in_str) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in_str = false;
			continue;
		}
		if (buf[i] == '"')
			in_str = true;
		/* a leading 0 would be invalid JSON: leave it to jansson */
		if (buf[i] < '1' || buf[i] > '9')
			continue;
		for (j = i; j < len && buf[j] >= '0' && buf[j] <= '9'; j++)
			;
		if (!big_literal(buf, len, i, j, &v)) {
			i = j - 1;
			continue;
		}
		/* Each rewrite grows by at most 1 and needs >= 20 input bytes. */
		if (!out && !(out = malloc(len + len / 20 + 2)))
			return -ENOMEM;
		w = snprintf(tmp, sizeof(tmp), "-%" PRIu64, -v);
		memcpy(out + o, buf + done, i - done);
		o += i - done;
		memcpy(out + o, tmp, (size_t)w);
		o += (size_t)w;
		for (; (size_t)w < j - i; w++)
			out[o++] = ' ';
		done = j;
		i = j - 1;
	}
	if (!out)
		return 0;
	memcpy(out + o, buf + done, len - done);
	*copy_len = o + len - done;
	*copy = steal_ptr(out);
	return 1;
}

/* ---- mounts ------------------------------------------------------------ */

enum mopt_kind {
	MOPT_SET,		/* MS_* on */
	MOPT_CLEAR,		/* MS_* off, and remembered in clear_flags */
	MOPT_BIND,		/* MS_BIND [|MS_REC] */
	MOPT_PROPAGATION,	/* MS_SHARED etc. [|MS_REC]; the last one wins */
	MOPT_ATTR_SET,		/* recursive MOUNT_ATTR_* on */
	MOPT_ATTR_CLR,		/* recursive MOUNT_ATTR_* off */
	MOPT_ATIME,		/* recursive atime mode: a value of the MOUNT_ATTR__ATIME field */
	MOPT_IGNORE,
	MOPT_UNSUPPORTED,
};

static const struct mount_opt {
	const char *name;
	enum mopt_kind kind;
	uint64_t value;
} mount_opts[] = {
	{ "defaults", MOPT_IGNORE, 0 },
	{ "ro", MOPT_SET, MS_RDONLY },
	{ "rw", MOPT_CLEAR, MS_RDONLY },
	{ "nosuid", MOPT_SET, MS_NOSUID },
	{ "suid", MOPT_CLEAR, MS_NOSUID },
	{ "nodev", MOPT_SET, MS_NODEV },
	{ "dev", MOPT_CLEAR, MS_NODEV },
	{ "noexec", MOPT_SET, MS_NOEXEC },
	{ "exec", MOPT_CLEAR, MS_NOEXEC },
	{ "sync", MOPT_SET, MS_SYNCHRONOUS },
	{ "async", MOPT_CLEAR, MS_SYNCHRONOUS },
	{ "dirsync", MOPT_SET, MS_DIRSYNC },
	{ "remount", MOPT_SET, MS_REMOUNT },
	{ "mand", MOPT_SET, MS_MANDLOCK },
	{ "nomand", MOPT_CLEAR, MS_MANDLOCK },
	{ "noatime", MOPT_SET, MS_NOATIME },
	{ "atime", MOPT_CLEAR, MS_NOATIME },
	{ "nodiratime", MOPT_SET, MS_NODIRATIME },
	{ "diratime", MOPT_CLEAR, MS_NODIRATIME },
	{ "relatime", MOPT_SET, MS_RELATIME },
	{ "norelatime", MOPT_CLEAR, MS_RELATIME },
	{ "strictatime", MOPT_SET, MS_STRICTATIME },
	{ "nostrictatime", MOPT_CLEAR, MS_STRICTATIME },
	{ "lazytime", MOPT_SET, MS_LAZYTIME },
	{ "nolazytime", MOPT_CLEAR, MS_LAZYTIME },
	{ "nosymfollow", MOPT_SET, MS_NOSYMFOLLOW },
	{ "symfollow", MOPT_CLEAR, MS_NOSYMFOLLOW },

	{ "bind", MOPT_BIND, MS_BIND },
	{ "rbind", MOPT_BIND, MS_BIND | MS_REC },

	{ "private", MOPT_PROPAGATION, MS_PRIVATE },
	{ "rprivate", MOPT_PROPAGATION, MS_PRIVATE | MS_REC },
	{ "shared", MOPT_PROPAGATION, MS_SHARED },
	{ "rshared", MOPT_PROPAGATION, MS_SHARED | MS_REC },
	{ "slave", MOPT_PROPAGATION, MS_SLAVE },
	{ "rslave", MOPT_PROPAGATION, MS_SLAVE | MS_REC },
	{ "unbindable", MOPT_PROPAGATION, MS_UNBINDABLE },
	{ "runbindable", MOPT_PROPAGATION, MS_UNBINDABLE | MS_REC },

	{ "rro", MOPT_ATTR_SET, MOUNT_ATTR_RDONLY },
	{ "rrw", MOPT_ATTR_CLR, MOUNT_ATTR_RDONLY },
	{ "rnosuid", MOPT_ATTR_SET, MOUNT_ATTR_NOSUID },
	{ "rsuid", MOPT_ATTR_CLR, MOUNT_ATTR_NOSUID },
	{ "rnodev", MOPT_ATTR_SET, MOUNT_ATTR_NODEV },
	{ "rdev", MOPT_ATTR_CLR, MOUNT_ATTR_NODEV },
	{ "rnoexec", MOPT_ATTR_SET, MOUNT_ATTR_NOEXEC },
	{ "rexec", MOPT_ATTR_CLR, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", MOPT_ATTR_SET, MOUNT_ATTR_NODIRATIME },
	{ "rdiratime", MOPT_ATTR_CLR, MOUNT_ATTR_NODIRATIME },
	{ "rnosymfollow", MOPT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW },
	{ "rsymfollow", MOPT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW },
	/*
	 * The atime mode is one field that mount_setattr(2) only changes as a
	 * whole (MOUNT_ATTR__ATIME in attr_clr, the mode in attr_set), so the
	 * "clear" options pick a mode too: ratime and rnostrictatime go back to
	 * the kernel default relatime; rnorelatime means full atime updates.
	 */
	{ "rnoatime", MOPT_ATIME, MOUNT_ATTR_NOATIME },
	{ "ratime", MOPT_ATIME, MOUNT_ATTR_RELATIME },
	{ "rrelatime", MOPT_ATIME, MOUNT_ATTR_RELATIME },
	{ "rnorelatime", MOPT_ATIME, MOUNT_ATTR_STRICTATIME },
	{ "rstrictatime", MOPT_ATIME, MOUNT_ATTR_STRICTATIME },
	{ "rnostrictatime", MOPT_ATIME, MOUNT_ATTR_RELATIME },

	/* Tells some runtimes to copy the image's content into a tmpfs; we do not. */
	{ "tmpcopyup", MOPT_IGNORE, 0 },
	{ "idmap", MOPT_UNSUPPORTED, 0 },
	{ "ridmap", MOPT_UNSUPPORTED, 0 },
};

static const struct mount_opt *find_mount_opt(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_opts); i++)
		if (!strcmp(mount_opts[i].name, name))
			return &mount_opts[i];
	return NULL;
}

/* Later options override earlier ones, as with mount(8). */
static void apply_mount_opt(struct spec_mount *m, const struct mount_opt *opt)
{
	switch (opt->kind) {
	case MOPT_SET:
		m->flags |= opt->value;
		m->clear_flags &= ~opt->value;
		break;
	case MOPT_CLEAR:
		m->flags &= ~opt->value;
		m->clear_flags |= opt->value;
		break;
	case MOPT_BIND:
		m->flags |= opt->value;
		m->bind = true;
		break;
	case MOPT_PROPAGATION:
		m->propagation = opt->value;
		break;
	case MOPT_ATTR_SET:
		m->attr_set |= opt->value;
		m->attr_clr &= ~opt->value;
		break;
	case MOPT_ATTR_CLR:
		m->attr_clr |= opt->value;
		m->attr_set &= ~opt->value;
		break;
	case MOPT_ATIME:
		m->attr_clr |= MOUNT_ATTR__ATIME;
		m->attr_set = (m->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | opt->value;
		break;
	case MOPT_IGNORE:
	case MOPT_UNSUPPORTED:
		break;
	}
}

/* Options we do not know are the filesystem's: join them into m->data.
 * Two passes so the buffer is allocated once. */
static int parse_mount_options(json_t *opts, const char *path, struct spec_mount *m, berr_t *err)
{
	size_t i, data_len = 0;
	json_t *v;
	char *d;

	json_array_foreach(opts, i, v) {
		const struct mount_opt *opt;
		const char *name;

		if (!json_is_string(v))
			return fail_idx(err, path, i, "must be a string");
		name = json_string_value(v);
		opt = find_mount_opt(name);
		if (opt && opt->kind == MOPT_UNSUPPORTED)
			return fail_idx(err, path, i, "\"%s\" is not supported", name);
		if (opt)
			apply_mount_opt(m, opt);
		else if (*name)
			data_len += strlen(name) + 1;
	}
	if (!data_len)
		return 0;
	d = m->data = malloc(data_len);
	if (!d)
		return oom(err);
	json_array_foreach(opts, i, v) {
		const char *name = json_string_value(v);
		size_t n = strlen(name);

		if (!n || find_mount_opt(name))
			continue;
		if (d != m->data)
			*d++ = ',';
		memcpy(d, name, n);
		d += n;
	}
	*d = '\0';
	return 0;
}

static int parse_mount(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	char p[FIELD_PATH_MAX];
	struct spec_mount *m = elem;
	const char *dest;
	json_t *opts;
	char *abs;
	int r;

	r = get_string(o, path, "destination", REQ, &dest, err);
	if (r < 0)
		return r;
	if (!*dest)
		return fail_key(err, path, "destination", "must not be empty");
	/* runc accepts a relative destination as relative to "/".  Always keep
	 * a copy, so spec_free() need not know which ones were rewritten. */
	if (asprintf(&abs, "%s%s", *dest == '/' ? "" : "/", dest) < 0)
		return oom(err);
	m->destination = abs;
	r = get_string(o, path, "source", OPT, &m->source, err);
	if (r < 0)
		return r;
	r = get_string(o, path, "type", OPT, &m->type, err);
	if (r < 0)
		return r;
	m->source = nonempty(m->source);
	m->type = nonempty(m->type);
	if (lookup(o, "uidMappings") || lookup(o, "gidMappings"))
		return fail(err, path, "id-mapped mounts are not supported");
	if (m->type && !strcmp(m->type, "bind")) {
		m->flags |= MS_BIND;
		m->bind = true;
	}
	r = get_array(o, path, "options", OPT, &opts, err);
	if (r <= 0)
		return r;
	return parse_mount_options(opts, path_key(p, path, "options"), m, err);
}

static int parse_mounts(json_t *root, struct spec *s, berr_t *err)
{
	json_t *arr;
	int r;

	r = get_array(root, "", "mounts", OPT, &arr, err);
	if (r <= 0)
		return r;
	s->mounts = calloc(json_array_size(arr) + 1, sizeof(*s->mounts));
	if (!s->mounts)
		return oom(err);
	s->n_mounts = json_array_size(arr);
	return parse_each(arr, "mounts", s->mounts, sizeof(*s->mounts), parse_mount, s, err);
}

/* ---- process ----------------------------------------------------------- */

static int parse_console_size(json_t *o, struct spec_process *p, berr_t *err)
{
	const char *path = "process.consoleSize";
	json_int_t h, w;
	json_t *cs;
	int r;

	r = get_object(o, "process", "consoleSize", OPT, &cs, err);
	if (r <= 0)
		return r;
	/* struct winsize holds unsigned shorts */
	r = get_int(cs, path, "height", REQ, 0, USHRT_MAX, &h, err);
	if (r < 0)
		return r;
	r = get_int(cs, path, "width", REQ, 0, USHRT_MAX, &w, err);
	if (r < 0)
		return r;
	p->has_console_size = true;
	p->console_height = (unsigned int)h;
	p->console_width = (unsigned int)w;
	return 0;
}

static int parse_additional_gids(json_t *user, struct spec_process *p, berr_t *err)
{
	const char *path = "process.user.additionalGids";
	json_t *arr, *v;
	size_t i;
	int r;

	r = get_array(user, "process.user", "additionalGids", OPT, &arr, err);
	if (r <= 0)
		return r;
	p->additional_gids = calloc(json_array_size(arr) + 1, sizeof(*p->additional_gids));
	if (!p->additional_gids)
		return oom(err);
	json_array_foreach(arr, i, v) {
		const char *bad = check_id(v, &p->additional_gids[i]);

		if (bad)
			return fail_idx(err, path, i, "%s", bad);
		p->n_additional_gids++;
	}
	return 0;
}

static int parse_user(json_t *o, struct spec_process *p, berr_t *err)
{
	const char *path = "process.user";
	json_t *user;
	json_int_t umask_v;
	int r;

	r = get_object(o, "process", "user", REQ, &user, err);
	if (r < 0)
		return r;
	r = get_id(user, path, "uid", REQ, &p->uid, err);
	if (r < 0)
		return r;
	r = get_id(user, path, "gid", REQ, &p->gid, err);
	if (r < 0)
		return r;
	r = get_int(user, path, "umask", OPT, 0, 0777, &umask_v, err);
	if (r < 0)
		return r;
	if (r > 0) {
		p->has_umask = true;
		p->umask = (mode_t)umask_v;
	}
	return parse_additional_gids(user, p, err);
}

static const char *const cap_set_names[SPEC_CAP_SET_COUNT] = {
	[SPEC_CAP_BOUNDING] = "bounding",
	[SPEC_CAP_EFFECTIVE] = "effective",
	[SPEC_CAP_INHERITABLE] = "inheritable",
	[SPEC_CAP_PERMITTED] = "permitted",
	[SPEC_CAP_AMBIENT] = "ambient",
};

static int parse_cap_set(json_t *caps, enum spec_cap_set set, uint64_t *mask, berr_t *err)
{
	char p[FIELD_PATH_MAX];
	json_t *arr, *v;
	size_t i;
	int r;

	r = get_array(caps, "process.capabilities", cap_set_names[set], OPT, &arr, err);
	if (r <= 0)
		return r;
	path_key(p, "process.capabilities", cap_set_names[set]);
	json_array_foreach(arr, i, v) {
		int cap;

		if (!json_is_string(v))
			return fail_idx(err, p, i, "must be a string");
		/* Unknown names fail: dropping a capability the user meant
		 * to restrict, or granting a typo, must not go unnoticed. */
		cap = spec_cap_from_name(json_string_value(v));
		if (cap < 0)
			return fail(err, p, "unknown capability \"%s\"", json_string_value(v));
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}

static int parse_caps(json_t *o, struct spec_process *p, berr_t *err)
{
	json_t *caps;
	int r;

	r = get_object(o, "process", "capabilities", OPT, &caps, err);
	if (r <= 0)
		return r;
	p->has_caps = true;
	for (int set = 0; set < SPEC_CAP_SET_COUNT; set++) {
		r = parse_cap_set(caps, (enum spec_cap_set)set, &p->caps[set], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_rlimit(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_process *p = ctx;
	struct spec_rlimit *rl = elem;
	const char *type;
	int r;

	r = get_string(o, path, "type", REQ, &type, err);
	if (r < 0)
		return r;
	rl->resource = spec_rlimit_from_name(type);
	if (rl->resource < 0)
		return fail_key(err, path, "type", "unknown rlimit \"%s\"", type);
	/* At most 16 distinct types, so this scan stays short. */
	for (struct spec_rlimit *prev = p->rlimits; prev < rl; prev++)
		if (prev->resource == rl->resource)
			return fail_key(err, path, "type", "duplicate rlimit \"%s\"", type);
	r = get_u64(o, path, "soft", REQ, &rl->soft, err);
	if (r < 0)
		return r;
	r = get_u64(o, path, "hard", REQ, &rl->hard, err);
	if (r < 0)
		return r;
	if (rl->soft > rl->hard)
		return fail(err, path, "soft limit %" PRIu64 " exceeds hard limit %" PRIu64,
			    rl->soft, rl->hard);
	return 0;
}

static int parse_rlimits(json_t *o, struct spec_process *p, berr_t *err)
{
	json_t *arr;
	int r;

	r = get_array(o, "process", "rlimits", OPT, &arr, err);
	if (r <= 0)
		return r;
	p->rlimits = calloc(json_array_size(arr) + 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return oom(err);
	p->n_rlimits = json_array_size(arr);
	return parse_each(arr, "process.rlimits", p->rlimits, sizeof(*p->rlimits),
			  parse_rlimit, p, err);
}

static const struct name_value ioprio_classes[] = {
	{ "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
	{ "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
	{ "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
};

static int parse_io_priority(json_t *o, struct spec_process *p, berr_t *err)
{
	const char *path = "process.ioPriority";
	const struct name_value *cls;
	const char *name;
	json_int_t level;
	json_t *io;
	int r;

	r = get_object(o, "process", "ioPriority", OPT, &io, err);
	if (r <= 0)
		return r;
	r = get_string(io, path, "class", REQ, &name, err);
	if (r < 0)
		return r;
	cls = find_name(ioprio_classes, ARRAY_SIZE(ioprio_classes), name);
	if (!cls)
		return fail_key(err, path, "class", "unknown class \"%s\"", name);
	r = get_int(io, path, "priority", REQ, 0, 7, &level, err);
	if (r < 0)
		return r;
	p->has_io_priority = true;
	p->ioprio_class = (int)cls->value;
	p->ioprio_level = (int)level;
	return 0;
}

static const struct name_value sched_policies[] = {
	{ "SCHED_OTHER", SCHED_OTHER },
	{ "SCHED_FIFO", SCHED_FIFO },
	{ "SCHED_RR", SCHED_RR },
	{ "SCHED_BATCH", SCHED_BATCH },
	{ "SCHED_ISO", SCHED_ISO },
	{ "SCHED_IDLE", SCHED_IDLE },
	{ "SCHED_DEADLINE", SCHED_DEADLINE },
};

static const struct name_value sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
	{ "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
	{ "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
	{ "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
	{ "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
};

static int parse_sched_flags(json_t *sched, struct spec_process *p, berr_t *err)
{
	const char *path = "process.scheduler.flags";
	json_t *arr, *v;
	size_t i;
	int r;

	r = get_array(sched, "process.scheduler", "flags", OPT, &arr, err);
	if (r <= 0)
		return r;
	json_array_foreach(arr, i, v) {
		const struct name_value *f;

		if (!json_is_string(v))
			return fail_idx(err, path, i, "must be a string");
		f = find_name(sched_flags, ARRAY_SIZE(sched_flags), json_string_value(v));
		if (!f)
			return fail_idx(err, path, i, "unknown flag \"%s\"", json_string_value(v));
		p->sched.flags |= f->value;
	}
	return 0;
}

/* What sched_setattr(2) would refuse anyway, caught before anything is created. */
static int check_sched(struct spec_process *p, berr_t *err)
{
	const char *path = "process.scheduler";
	bool rt = p->sched.policy == SCHED_FIFO || p->sched.policy == SCHED_RR;

	if (rt && (p->sched.priority < 1 || p->sched.priority > 99))
		return fail_key(err, path, "priority", "must be between 1 and 99 for SCHED_FIFO and SCHED_RR");
	if (!rt && p->sched.priority != 0)
		return fail_key(err, path, "priority", "can only be set for SCHED_FIFO and SCHED_RR");
	if (p->sched.policy != SCHED_DEADLINE) {
		if (p->sched.runtime || p->sched.deadline || p->sched.period)
			return fail(err, path, "runtime, deadline and period can only be set for SCHED_DEADLINE");
		return 0;
	}
	if (p->sched.runtime > p->sched.deadline ||
	    (p->sched.period && p->sched.deadline > p->sched.period))
		return fail(err, path, "SCHED_DEADLINE needs runtime <= deadline <= period");
	return 0;
}

static int parse_scheduler(json_t *o, struct spec_process *p, berr_t *err)
{
	const char *path = "process.scheduler";
	const struct name_value *pol;
	json_int_t nice_v = 0, prio = 0;
	const char *name;
	json_t *sched;
	int r;

	r = get_object(o, "process", "scheduler", OPT, &sched, err);
	if (r <= 0)
		return r;
	r = get_string(sched, path, "policy", REQ, &name, err);
	if (r < 0)
		return r;
	pol = find_name(sched_policies, ARRAY_SIZE(sched_policies), name);
	if (!pol)
		return fail_key(err, path, "policy", "unknown policy \"%s\"", name);
	p->sched.policy = (int)pol->value;
	if (get_int(sched, path, "nice", OPT, -20, 19, &nice_v, err) < 0 ||
	    get_int(sched, path, "priority", OPT, 0, 99, &prio, err) < 0 ||
	    get_u64(sched, path, "runtime", OPT, &p->sched.runtime, err) < 0 ||
	    get_u64(sched, path, "deadline", OPT, &p->sched.deadline, err) < 0 ||
	    get_u64(sched, path, "period", OPT, &p->sched.period, err) < 0 ||
	    parse_sched_flags(sched, p, err) < 0)
		return -1;
	p->sched.nice = (int)nice_v;
	p->sched.priority = (int)prio;
	p->has_scheduler = true;
	return check_sched(p, err);
}

static int parse_process_basics(json_t *o, struct spec_process *p, berr_t *err)
{
	json_int_t oom_adj;
	int r;

	r = get_bool(o, "process", "terminal", OPT, &p->terminal, err);
	if (r < 0)
		return r;
	r = get_strv(o, "process", "args", REQ, NULL, &p->args, err);
	if (r < 0)
		return r;
	if (!p->args[0])
		return fail(err, "process.args", "must not be empty");
	r = get_strv(o, "process", "env", OPT, check_env, &p->env, err);
	if (r < 0)
		return r;
	if (!p->env && !(p->env = calloc(1, sizeof(*p->env))))
		return oom(err);
	r = get_abs_path(o, "process", "cwd", REQ, &p->cwd, err);
	if (r < 0)
		return r;
	r = get_bool(o, "process", "noNewPrivileges", OPT, &p->no_new_privileges, err);
	if (r < 0)
		return r;
	r = get_int(o, "process", "oomScoreAdj", OPT, -1000, 1000, &oom_adj, err);
	if (r < 0)
		return r;
	if (r > 0) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)oom_adj;
	}
	r = get_string(o, "process", "apparmorProfile", OPT, &p->apparmor_profile, err);
	if (r < 0)
		return r;
	p->apparmor_profile = nonempty(p->apparmor_profile);
	r = get_string(o, "process", "selinuxLabel", OPT, &p->selinux_label, err);
	if (r < 0)
		return r;
	p->selinux_label = nonempty(p->selinux_label);
	return 0;
}

static int parse_process(json_t *root, struct spec *s, berr_t *err)
{
	json_t *o;
	int r;

	r = get_object(root, "", "process", OPT, &o, err);
	if (r <= 0)
		return r;
	s->process = calloc(1, sizeof(*s->process));
	if (!s->process)
		return oom(err);
	if (parse_process_basics(o, s->process, err) < 0 ||
	    parse_console_size(o, s->process, err) < 0 ||
	    parse_user(o, s->process, err) < 0 ||
	    parse_caps(o, s->process, err) < 0 ||
	    parse_rlimits(o, s->process, err) < 0 ||
	    parse_io_priority(o, s->process, err) < 0 ||
	    parse_scheduler(o, s->process, err) < 0)
		return -1;
	return 0;
}

/* ---- hooks, annotations ------------------------------------------------ */

static int parse_hook(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_hook *h = elem;
	json_int_t timeout;
	int r;

	r = get_abs_path(o, path, "path", REQ, &h->path, err);
	if (r < 0)
		return r;
	r = get_strv(o, path, "args", OPT, NULL, &h->args, err);
	if (r < 0)
		return r;
	/* An empty argv is never meant; absent args mean argv = {path}. */
	if (h->args && !h->args[0]) {
		free(h->args);
		h->args = NULL;
	}
	r = get_strv(o, path, "env", OPT, check_env, &h->env, err);
	if (r < 0)
		return r;
	r = get_int(o, path, "timeout", OPT, 1, INT_MAX, &timeout, err);
	if (r < 0)
		return r;
	if (r > 0)
		h->timeout = (int)timeout;
	return 0;
}

static int parse_hooks(json_t *root, struct spec *s, berr_t *err)
{
	json_t *hooks;
	int r;

	r = get_object(root, "", "hooks", OPT, &hooks, err);
	if (r <= 0)
		return r;
	for (int k = 0; k < SPEC_HOOK_KIND_COUNT; k++) {
		struct spec_hooks *hk = &s->hooks[k];
		const char *name = spec_hook_name((enum spec_hook_kind)k);
		char p[FIELD_PATH_MAX];
		json_t *arr;

		r = get_array(hooks, "hooks", name, OPT, &arr, err);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		hk->v = calloc(json_array_size(arr) + 1, sizeof(*hk->v));
		if (!hk->v)
			return oom(err);
		hk->n = json_array_size(arr);
		r = parse_each(arr, path_key(p, "hooks", name), hk->v, sizeof(*hk->v),
			       parse_hook, NULL, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_annotations(json_t *root, struct spec *s, berr_t *err)
{
	const char *key;
	json_t *v;
	int r;

	r = get_object(root, "", "annotations", OPT, &s->annotations, err);
	if (r <= 0)
		return r;
	json_object_foreach(s->annotations, key, v)
		if (!json_is_string(v))
			return fail_key(err, "annotations", key, "must be a string");
	return 0;
}

/* ---- linux ------------------------------------------------------------- */

static int parse_namespace(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_linux *l = ctx;
	const char *type, *nspath = NULL;
	int ns, r;

	r = get_string(o, path, "type", REQ, &type, err);
	if (r < 0)
		return r;
	for (ns = 0; ns < SPEC_NS_COUNT; ns++)
		if (!strcmp(type, spec_ns_name((enum spec_ns)ns)))
			break;
	if (ns == SPEC_NS_COUNT)
		return fail_key(err, path, "type", "unknown namespace type \"%s\"", type);
	if (l->ns[ns].present)
		return fail_key(err, path, "type", "duplicate namespace type \"%s\"", type);
	r = get_string(o, path, "path", OPT, &nspath, err);
	if (r < 0)
		return r;
	nspath = nonempty(nspath);
	if (nspath && check_abs_path(nspath))
		return fail_key(err, path, "path", "%s", check_abs_path(nspath));
	l->ns[ns].present = true;
	l->ns[ns].path = nspath;
	return 0;
}

static int parse_namespaces(json_t *lx, struct spec_linux *l, berr_t *err)
{
	json_t *arr;
	int r;

	r = get_array(lx, "linux", "namespaces", OPT, &arr, err);
	if (r <= 0)
		return r;
	return parse_each(arr, "linux.namespaces", NULL, 0, parse_namespace, l, err);
}

static int parse_id_mapping(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_id_mapping *m = elem;

	if (get_u32(o, path, "containerID", REQ, &m->container_id, err) < 0 ||
	    get_u32(o, path, "hostID", REQ, &m->host_id, err) < 0 ||
	    get_u32(o, path, "size", REQ, &m->size, err) < 0)
		return -1;
	if (m->size == 0)
		return fail_key(err, path, "size", "must not be 0");
	/* The kernel wants both ranges to end at or below 2^32-1. */
	if ((uint64_t)m->container_id + m->size > UINT32_MAX ||
	    (uint64_t)m->host_id + m->size > UINT32_MAX)
		return fail(err, path, "range exceeds 2^32-1");
	return 0;
}

static int parse_id_mappings(json_t *lx, const char *key, struct spec_id_mapping **out,
			     size_t *n, berr_t *err)
{
	char p[FIELD_PATH_MAX];
	json_t *arr;
	int r;

	r = get_array(lx, "linux", key, OPT, &arr, err);
	if (r <= 0)
		return r;
	*out = calloc(json_array_size(arr) + 1, sizeof(**out));
	if (!*out)
		return oom(err);
	*n = json_array_size(arr);
	return parse_each(arr, path_key(p, "linux", key), *out, sizeof(**out),
			  parse_id_mapping, NULL, err);
}

static int parse_device(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_device *d = elem;
	json_int_t major = 0, minor = 0, mode = 0;
	const char *type;
	bool need_numbers;
	int r;

	if (get_abs_path(o, path, "path", REQ, &d->path, err) < 0 ||
	    get_string(o, path, "type", REQ, &type, err) < 0)
		return -1;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return fail_key(err, path, "type", "must be one of \"c\", \"b\", \"u\", \"p\"");
	d->type = type[0];
	need_numbers = d->type != 'p';
	/* glibc's makedev() takes unsigned int halves */
	if (get_int(o, path, "major", need_numbers, 0, UINT32_MAX, &major, err) < 0 ||
	    get_int(o, path, "minor", need_numbers, 0, UINT32_MAX, &minor, err) < 0)
		return -1;
	d->major = major;
	d->minor = minor;
	r = get_int(o, path, "fileMode", OPT, 0, 07777, &mode, err);
	if (r < 0)
		return r;
	d->has_file_mode = r > 0;
	d->file_mode = (mode_t)mode;
	r = get_u32(o, path, "uid", OPT, &d->uid, err);
	if (r < 0)
		return r;
	d->has_uid = r > 0;
	r = get_u32(o, path, "gid", OPT, &d->gid, err);
	if (r < 0)
		return r;
	d->has_gid = r > 0;
	return 0;
}

static int parse_devices(json_t *lx, struct spec_linux *l, berr_t *err)
{
	json_t *arr;
	int r;

	r = get_array(lx, "linux", "devices", OPT, &arr, err);
	if (r <= 0)
		return r;
	l->devices = calloc(json_array_size(arr) + 1, sizeof(*l->devices));
	if (!l->devices)
		return oom(err);
	l->n_devices = json_array_size(arr);
	return parse_each(arr, "linux.devices", l->devices, sizeof(*l->devices),
			  parse_device, NULL, err);
}

static int parse_sysctl(json_t *lx, struct spec_linux *l, berr_t *err)
{
	const char *key;
	json_t *obj, *v;
	int r;

	r = get_object(lx, "linux", "sysctl", OPT, &obj, err);
	if (r <= 0)
		return r;
	l->sysctl = calloc(json_object_size(obj) + 1, sizeof(*l->sysctl));
	if (!l->sysctl)
		return oom(err);
	json_object_foreach(obj, key, v) {
		if (!*key)
			return fail(err, "linux.sysctl", "empty key");
		if (!json_is_string(v))
			return fail_key(err, "linux.sysctl", key, "must be a string");
		l->sysctl[l->n_sysctl].key = key;
		l->sysctl[l->n_sysctl].value = json_string_value(v);
		l->n_sysctl++;
	}
	return 0;
}

static int parse_time_offset(json_t *o, const char *path, int64_t *secs, uint32_t *nsecs,
			     berr_t *err)
{
	json_int_t s = 0, ns = 0;

	if (get_int(o, path, "secs", OPT, INT64_MIN, INT64_MAX, &s, err) < 0 ||
	    get_int(o, path, "nanosecs", OPT, 0, 999999999, &ns, err) < 0)
		return -1;
	*secs = s;
	*nsecs = (uint32_t)ns;
	return 0;
}

static int parse_time_offsets(json_t *lx, struct spec_linux *l, berr_t *err)
{
	const char *path = "linux.timeOffsets";
	const char *clock;
	json_t *obj, *v;
	int r;

	r = get_object(lx, "linux", "timeOffsets", OPT, &obj, err);
	if (r <= 0)
		return r;
	json_object_foreach(obj, clock, v) {
		char p[FIELD_PATH_MAX];

		if (json_is_null(v))
			continue;
		if (!json_is_object(v))
			return fail_key(err, path, clock, "must be an object");
		path_key(p, path, clock);
		if (!strcmp(clock, "monotonic"))
			r = parse_time_offset(v, p, &l->monotonic_secs, &l->monotonic_nanosecs, err);
		else if (!strcmp(clock, "boottime"))
			r = parse_time_offset(v, p, &l->boottime_secs, &l->boottime_nanosecs, err);
		else
			r = fail(err, path, "unknown clock \"%s\"", clock);
		if (r < 0)
			return r;
		l->has_time_offsets = true;
	}
	return 0;
}

static int parse_rootfs_propagation(json_t *lx, struct spec_linux *l, berr_t *err)
{
	const struct mount_opt *opt;
	const char *name = NULL;
	int r;

	r = get_string(lx, "linux", "rootfsPropagation", OPT, &name, err);
	if (r <= 0 || !*name)
		return r;
	opt = find_mount_opt(name);
	if (!opt || opt->kind != MOPT_PROPAGATION)
		return fail_key(err, "linux", "rootfsPropagation", "unknown propagation \"%s\"", name);
	l->rootfs_propagation = opt->value;
	return 0;
}

/* The runtime interprets these elsewhere; here they are only type-checked. */
static int parse_linux_objects(json_t *lx, struct spec_linux *l, berr_t *err)
{
	if (get_object(lx, "linux", "resources", OPT, &l->resources, err) < 0 ||
	    get_object(lx, "linux", "seccomp", OPT, &l->seccomp, err) < 0 ||
	    get_object(lx, "linux", "intelRdt", OPT, &l->intel_rdt, err) < 0 ||
	    get_object(lx, "linux", "personality", OPT, &l->personality, err) < 0)
		return -1;
	return 0;
}

static int parse_linux_strings(json_t *lx, struct spec_linux *l, berr_t *err)
{
	if (get_string(lx, "linux", "cgroupsPath", OPT, &l->cgroups_path, err) < 0 ||
	    get_string(lx, "linux", "mountLabel", OPT, &l->mount_label, err) < 0 ||
	    get_strv(lx, "linux", "maskedPaths", OPT, check_abs_path, &l->masked_paths, err) < 0 ||
	    get_strv(lx, "linux", "readonlyPaths", OPT, check_abs_path, &l->readonly_paths, err) < 0)
		return -1;
	l->cgroups_path = nonempty(l->cgroups_path);
	l->mount_label = nonempty(l->mount_label);
	return 0;
}

static int parse_linux(json_t *root, struct spec *s, berr_t *err)
{
	struct spec_linux *l = &s->linux;
	json_t *lx;
	int r;

	r = get_object(root, "", "linux", OPT, &lx, err);
	if (r <= 0)
		return r;
	if (parse_namespaces(lx, l, err) < 0 ||
	    parse_id_mappings(lx, "uidMappings", &l->uid_mappings, &l->n_uid_mappings, err) < 0 ||
	    parse_id_mappings(lx, "gidMappings", &l->gid_mappings, &l->n_gid_mappings, err) < 0 ||
	    parse_devices(lx, l, err) < 0 ||
	    parse_linux_objects(lx, l, err) < 0 ||
	    parse_linux_strings(lx, l, err) < 0 ||
	    parse_rootfs_propagation(lx, l, err) < 0 ||
	    parse_sysctl(lx, l, err) < 0 ||
	    parse_time_offsets(lx, l, err) < 0)
		return -1;
	return 0;
}

/* ---- whole document ---------------------------------------------------- */

static int parse_root_fs(json_t *root, struct spec *s, berr_t *err)
{
	json_t *r_obj;
	int r;

	r = get_object(root, "", "root", REQ, &r_obj, err);
	if (r < 0)
		return r;
	r = get_string(r_obj, "root", "path", REQ, &s->root_path, err);
	if (r < 0)
		return r;
	if (!*s->root_path)
		return fail(err, "root.path", "must not be empty");
	r = get_bool(r_obj, "root", "readonly", OPT, &s->root_readonly, err);
	return r < 0 ? r : 0;
}

static int parse_header(json_t *root, struct spec *s, berr_t *err)
{
	int r;

	r = get_string(root, "", "ociVersion", REQ, &s->oci_version, err);
	if (r < 0)
		return r;
	if (strncmp(s->oci_version, "1.", 2) != 0)
		return fail(err, "ociVersion", "unsupported version \"%s\" (want 1.x)", s->oci_version);
	if (get_string(root, "", "hostname", OPT, &s->hostname, err) < 0 ||
	    get_string(root, "", "domainname", OPT, &s->domainname, err) < 0)
		return -1;
	s->hostname = nonempty(s->hostname);
	s->domainname = nonempty(s->domainname);
	return 0;
}

/* Checks across fields, after everything parsed. */
static int check_namespaces(const struct spec *s, berr_t *err)
{
	const struct spec_linux *l = &s->linux;
	const struct spec_namespace *uts = &l->ns[SPEC_NS_UTS];
	const struct spec_namespace *user = &l->ns[SPEC_NS_USER];
	const struct spec_namespace *timens = &l->ns[SPEC_NS_TIME];

	if (!l->ns[SPEC_NS_MNT].present)
		return fail(err, "linux.namespaces", "a mount namespace is required");
	/* Joining a UTS namespace and renaming it would rename someone else. */
	if (s->hostname && (!uts->present || uts->path))
		return fail(err, "hostname", "unable to set hostname without a private UTS namespace");
	if (s->domainname && (!uts->present || uts->path))
		return fail(err, "domainname", "unable to set domainname without a private UTS namespace");
	if (l->n_uid_mappings && !user->present)
		return fail(err, "linux.uidMappings", "requires a user namespace");
	if (l->n_gid_mappings && !user->present)
		return fail(err, "linux.gidMappings", "requires a user namespace");
	if (user->present && !user->path && !l->n_uid_mappings)
		return fail(err, "linux.uidMappings", "a new user namespace needs at least one mapping");
	if (user->present && !user->path && !l->n_gid_mappings)
		return fail(err, "linux.gidMappings", "a new user namespace needs at least one mapping");
	/* Offsets can only be written before the first process enters. */
	if (l->has_time_offsets && !timens->present)
		return fail(err, "linux.timeOffsets", "requires a time namespace");
	if (l->has_time_offsets && timens->path)
		return fail(err, "linux.timeOffsets", "cannot be set when joining an existing time namespace");
	return 0;
}

static int parse_document(json_t *root, struct spec *s, berr_t *err)
{
	if (!json_is_object(root))
		return berr_fail(err, "the document must be a JSON object");
	if (parse_header(root, s, err) < 0 ||
	    parse_root_fs(root, s, err) < 0 ||
	    parse_mounts(root, s, err) < 0 ||
	    parse_process(root, s, err) < 0 ||
	    parse_hooks(root, s, err) < 0 ||
	    parse_annotations(root, s, err) < 0 ||
	    parse_linux(root, s, err) < 0)
		return -1;
	return check_namespaces(s, err);
}

int spec_parse(const char *buf, size_t len, struct spec **out, berr_t *err)
{
	_cleanup_spec_ struct spec *s = NULL;
	_cleanup_free_ char *wrapped = NULL;
	size_t wrapped_len = 0;
	json_error_t jerr;
	int r;

	r = wrap_u64_literals(buf, len, &wrapped, &wrapped_len);
	if (r < 0)
		return oom(err);
	s = calloc(1, sizeof(*s));
	if (!s)
		return oom(err);
	s->json = json_loadb(wrapped ? wrapped : buf, wrapped ? wrapped_len : len,
			     JSON_REJECT_DUPLICATES, &jerr);
	if (!s->json) {
		if (jerr.line > 0)
			return berr_fail(err, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
		return berr_fail(err, "%s", jerr.text);
	}
	r = parse_document(s->json, s, err);
	if (r < 0)
		return r;
	*out = steal_ptr(s);
	return 0;
}

int spec_load(const char *path, struct spec **out, berr_t *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	r = read_file_at(AT_FDCWD, path, SPEC_MAX_SIZE, &buf, &len, err);
	if (r < 0)
		return r;
	return spec_parse(buf, len, out, err);
}

static void hooks_free(struct spec_hooks *hk)
{
	for (size_t i = 0; i < hk->n; i++) {
		free(hk->v[i].args);
		free(hk->v[i].env);
	}
	free(hk->v);
}

static void process_free(struct spec_process *p)
{
	if (!p)
		return;
	free(p->additional_gids);
	free(p->args);
	free(p->env);
	free(p->rlimits);
	free(p);
}

static void linux_free(struct spec_linux *l)
{
	free(l->uid_mappings);
	free(l->gid_mappings);
	free(l->devices);
	free(l->masked_paths);
	free(l->readonly_paths);
	free(l->sysctl);
}

/* Frees whatever a partial parse left, too: unset pointers are NULL. */
void spec_free(struct spec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_mounts; i++) {
		/* always a private copy, see parse_mount() */
		free((char *)s->mounts[i].destination);
		free(s->mounts[i].data);
	}
	free(s->mounts);
	process_free(s->process);
	for (int k = 0; k < SPEC_HOOK_KIND_COUNT; k++)
		hooks_free(&s->hooks[k]);
	linux_free(&s->linux);
	json_decref(s->json);
	free(s);
}
