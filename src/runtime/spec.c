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
#include "spec-internal.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_MAX_SIZE (4u << 20)

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

/* ---- annotations ------------------------------------------------------ */

static int parse_annotations(json_t *root, struct spec *s, berr_t *err)
{
	const char *key;
	json_t *v;
	int r;

	r = get_object(root, "", "annotations", OPT, &s->annotations, err);
	if (r <= 0)
		return r;
	json_object_foreach(s->annotations, key, v) {
		if (!*key)
			return fail_at(err, "annotations", "keys must not be empty");
		if (!json_is_string(v))
			return fail_key(err, "annotations", key, "must be a string");
	}
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
		return fail_at(err, "root.path", "must not be empty");
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
		return fail_at(err, "ociVersion", "unsupported version \"%s\" (want 1.x)", s->oci_version);
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

	/*
	 * A joined UTS namespace is renamed too, as runc and crun do (it is what
	 * pods sharing one namespace rely on); only the host's is off limits.
	 */
	if (s->hostname && !uts->present)
		return fail_at(err, "hostname", "unable to set hostname without a private UTS namespace");
	if (s->domainname && !uts->present)
		return fail_at(err, "domainname", "unable to set domainname without a private UTS namespace");
	if (l->n_uid_mappings && !user->present)
		return fail_at(err, "linux.uidMappings", "requires a user namespace");
	if (l->n_gid_mappings && !user->present)
		return fail_at(err, "linux.gidMappings", "requires a user namespace");
	if (user->present && !user->path && !l->n_uid_mappings)
		return fail_at(err, "linux.uidMappings", "a new user namespace needs at least one mapping");
	if (user->present && !user->path && !l->n_gid_mappings)
		return fail_at(err, "linux.gidMappings", "a new user namespace needs at least one mapping");
	/* Offsets can only be written before the first process enters. */
	if (l->has_time_offsets && !timens->present)
		return fail_at(err, "linux.timeOffsets", "requires a time namespace");
	if (l->has_time_offsets && timens->path)
		return fail_at(err, "linux.timeOffsets", "cannot be set when joining an existing time namespace");
	return 0;
}

static int parse_process(json_t *root, struct spec *s, berr_t *err)
{
	json_t *o;
	int r;

	r = get_object(root, "", "process", OPT, &o, err);
	if (r <= 0)
		return r;
	return spec_process_parse(o, s, err);
}

static int parse_document(json_t *root, struct spec *s, berr_t *err)
{
	if (!json_is_object(root))
		return berr_fail(err, "the document must be a JSON object");
	if (parse_header(root, s, err) < 0 ||
	    parse_root_fs(root, s, err) < 0 ||
	    spec_mounts_parse(root, s, err) < 0 ||
	    parse_process(root, s, err) < 0 ||
	    spec_hooks_parse(root, s, err) < 0 ||
	    parse_annotations(root, s, err) < 0 ||
	    spec_linux_parse(root, s, err) < 0)
		return -1;
	return check_namespaces(s, err);
}

/* A new struct spec holding the JSON document in buf, not yet parsed. */
static int load_document(const char *buf, size_t len, struct spec **out, berr_t *err)
{
	_cleanup_spec_ struct spec *s = NULL;
	_cleanup_free_ char *wrapped = NULL;
	size_t wrapped_len = 0;
	json_error_t jerr;
	int r;

	r = wrap_u64_literals(buf, len, &wrapped, &wrapped_len);
	if (r < 0)
		return fail_oom(err);
	s = calloc(1, sizeof(*s));
	if (!s)
		return fail_oom(err);
	s->json = json_loadb(wrapped ? wrapped : buf, wrapped ? wrapped_len : len,
			     JSON_REJECT_DUPLICATES, &jerr);
	if (!s->json) {
		if (jerr.line > 0)
			return berr_fail(err, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
		return berr_fail(err, "%s", jerr.text);
	}
	*out = steal_ptr(s);
	return 0;
}

int spec_parse(const char *buf, size_t len, struct spec **out, berr_t *err)
{
	_cleanup_spec_ struct spec *s = NULL;
	int r;

	r = load_document(buf, len, &s, err);
	if (r < 0)
		return r;
	r = parse_document(s->json, s, err);
	if (r < 0)
		return r;
	*out = steal_ptr(s);
	return 0;
}

/* The document is what config.json has as "process", so errors are named
 * as in config.json: "process.args: ...". */
int spec_parse_process(const char *buf, size_t len, struct spec **out, berr_t *err)
{
	_cleanup_spec_ struct spec *s = NULL;
	int r;

	r = load_document(buf, len, &s, err);
	if (r < 0)
		return r;
	if (!json_is_object(s->json))
		return fail_at(err, "process", "must be an object");
	r = spec_process_parse(s->json, s, err);
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

/* Frees whatever a partial parse left, too: unset pointers are NULL. */
void spec_free(struct spec *s)
{
	if (!s)
		return;
	spec_mounts_free(s);
	spec_process_free(s->process);
	for (int k = 0; k < SPEC_HOOK_KIND_COUNT; k++)
		spec_hooks_free(&s->hooks[k]);
	spec_linux_free(&s->linux);
	json_decref(s->json);
	free(s);
}
