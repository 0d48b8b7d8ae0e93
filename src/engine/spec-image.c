/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json for a container: the runtime's default spec, then the image
 * config, then the run options, with docker's rules where they meet:
 *   args  = Entrypoint + Cmd; a CMD on the command line replaces Cmd;
 *           --entrypoint replaces Entrypoint and drops the image's Cmd
 *   env   = image Env, then -e (same key replaces); PATH if missing,
 *           HOSTNAME, HOME from passwd, TERM=xterm with a tty
 *   user  = -u or USER, resolved in the image's own /etc/passwd, /etc/group
 *   cwd   = -w or WorkingDir (created in the rootfs when missing)
 */
#include "engine.h"
#include "../runtime/berth-runtime.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* docker's default capability set */
static const char *const default_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
};

#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))

/* ---- the image config ------------------------------------------------------------- */

/* A JSON array of strings as a NULL-terminated vector; NULL for null/absent. */
static int strv_from_json(json_t *a, const char *what, char ***out, berr_t *err)
{
	char **v;
	size_t i;
	json_t *s;

	*out = NULL;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return berr_fail(err, "image config: %s is not an array", what);
	v = calloc(json_array_size(a) + 1, sizeof(*v));
	if (!v)
		return berr_errno(err, "image config");
	json_array_foreach(a, i, s) {
		if (!json_is_string(s) || !(v[i] = strdup(json_string_value(s)))) {
			strv_freep(&v);
			return berr_fail(err, "image config: %s[%zu] is not a string", what, i);
		}
	}
	*out = v;
	return 0;
}

static int string_from_json(json_t *s, const char *what, char **out, berr_t *err)
{
	*out = NULL;
	if (!s || json_is_null(s))
		return 0;
	if (!json_is_string(s))
		return berr_fail(err, "image config: %s is not a string", what);
	*out = strdup(json_string_value(s));
	return *out ? 0 : berr_errno(err, "image config");
}

int image_config_parse(const char *text, struct image_config *c, berr_t *err)
{
	_cleanup_json_ json_t *root = NULL;
	json_error_t je;
	json_t *cfg;

	*c = (struct image_config){ 0 };
	root = json_loads(text ? text : "{}", 0, &je);
	if (!json_is_object(root))
		return berr_fail(err, "image config: %s", root ? "not an object" : je.text);
	cfg = json_object_get(root, "config");
	if (!cfg || json_is_null(cfg))
		return 0;
	if (!json_is_object(cfg))
		return berr_fail(err, "image config: config is not an object");
	if (strv_from_json(json_object_get(cfg, "Entrypoint"), "Entrypoint", &c->entrypoint, err) < 0 ||
	    strv_from_json(json_object_get(cfg, "Cmd"), "Cmd", &c->cmd, err) < 0 ||
	    strv_from_json(json_object_get(cfg, "Env"), "Env", &c->env, err) < 0 ||
	    string_from_json(json_object_get(cfg, "User"), "User", &c->user, err) < 0 ||
	    string_from_json(json_object_get(cfg, "WorkingDir"), "WorkingDir", &c->workdir, err) < 0 ||
	    string_from_json(json_object_get(cfg, "StopSignal"), "StopSignal", &c->stop_signal, err) < 0) {
		image_config_clear(c);
		return -1;
	}
	return 0;
}

void image_config_clear(struct image_config *c)
{
	strv_freep(&c->entrypoint);
	strv_freep(&c->cmd);
	strv_freep(&c->env);
	free(c->user);
	free(c->workdir);
	free(c->stop_signal);
	*c = (struct image_config){ 0 };
}

/* ---- process ---------------------------------------------------------------------- */

static int append_strv(json_t *a, char *const *v)
{
	for (; v && *v; v++)
		if (json_array_append_new(a, json_string(*v)) < 0)
			return -1;
	return 0;
}

static int set_args(json_t *proc, const struct berth_run_opts *o, const struct image_config *ic,
		    berr_t *err)
{
	json_t *args = json_array();
	char *ep[] = { (char *)o->entrypoint, NULL };
	char *const *entry = ic->entrypoint, *const *cmd = o->cmd ? o->cmd : ic->cmd;

	if (o->entrypoint) {
		entry = *o->entrypoint ? ep : NULL;
		cmd = o->cmd; /* --entrypoint drops the image's Cmd */
	}
	if (!args || append_strv(args, entry) < 0 || append_strv(args, cmd) < 0) {
		json_decref(args);
		return berr_fail(err, "args: out of memory");
	}
	if (json_array_size(args) == 0) {
		json_decref(args);
		return berr_fail(err, "no command specified: the image has no Entrypoint or Cmd");
	}
	if (!json_string_length(json_array_get(args, 0))) {
		json_decref(args);
		return berr_fail(err, "the command is an empty string");
	}
	json_object_set_new(proc, "args", args);
	return 0;
}

/* Index in env of the variable named like kv ("K=..." or "K"), or -1. */
static ssize_t env_find(json_t *env, const char *kv)
{
	size_t klen = strcspn(kv, "="), i;
	json_t *e;

	json_array_foreach(env, i, e) {
		const char *s = json_string_value(e);

		if (s && !strncmp(s, kv, klen) && (s[klen] == '=' || s[klen] == '\0'))
			return (ssize_t)i;
	}
	return -1;
}

static int env_set(json_t *env, const char *kv, bool replace)
{
	ssize_t i = env_find(env, kv);

	if (i >= 0)
		return replace ? json_array_set_new(env, (size_t)i, json_string(kv)) : 0;
	return json_array_append_new(env, json_string(kv));
}

static int env_setf(json_t *env, bool replace, const char *k, const char *v)
{
	_cleanup_free_ char *kv = NULL;

	if (asprintf(&kv, "%s=%s", k, v) < 0)
		return -1;
	return env_set(env, kv, replace);
}

static int set_env(json_t *proc, const struct berth_run_opts *o, const struct image_config *ic,
		   const char *hostname, const struct exec_user *u, berr_t *err)
{
	json_t *env = json_array();
	int bad = !env;

	for (char **e = ic->env; !bad && e && *e; e++)
		bad = env_set(env, *e, true);
	for (char **e = o->env; !bad && e && *e; e++) {
		const char *val;

		if (**e == '=' || !**e) {
			json_decref(env);
			return berr_fail(err, "invalid environment variable \"%s\"", *e);
		}
		/* a bare K takes our value, and is dropped when we have none */
		if (!strchr(*e, '='))
			bad = (val = getenv(*e)) ? env_setf(env, true, *e, val) : 0;
		else
			bad = env_set(env, *e, true);
	}
	if (!bad)
		bad = env_set(env, DEFAULT_PATH, false) || env_setf(env, true, "HOSTNAME", hostname) ||
		      env_setf(env, false, "HOME", u->home) ||
		      (o->tty && env_set(env, "TERM=xterm", false));
	if (bad) {
		json_decref(env);
		return berr_fail(err, "env: out of memory");
	}
	json_object_set_new(proc, "env", env);
	return 0;
}

static int set_user(json_t *proc, const struct exec_user *u)
{
	json_t *user = json_pack("{s:I, s:I}", "uid", (json_int_t)u->uid, "gid", (json_int_t)u->gid);

	if (!user)
		return -1;
	if (u->n_groups) {
		json_t *g = json_array();

		for (size_t i = 0; g && i < u->n_groups; i++)
			json_array_append_new(g, json_integer(u->groups[i]));
		json_object_set_new(user, "additionalGids", g);
	}
	return json_object_set_new(proc, "user", user);
}

/* docker's capabilities; a non-root user gets them only as a bound */
static int set_caps(json_t *proc, bool root)
{
	json_t *caps = json_object(), *all = json_array();

	for (size_t i = 0; all && i < ARRAY_SIZE(default_caps); i++)
		json_array_append_new(all, json_string(default_caps[i]));
	if (!caps || !all) {
		json_decref(caps);
		json_decref(all);
		return -1;
	}
	json_object_set(caps, "bounding", all);
	json_object_set_new(caps, "effective", root ? json_copy(all) : json_array());
	json_object_set_new(caps, "permitted", root ? json_copy(all) : json_array());
	json_decref(all);
	return json_object_set_new(proc, "capabilities", caps);
}

/* mkdir -p of an absolute path inside the rootfs, never leaving it: each
 * parent is opened with RESOLVE_IN_ROOT, so symlinks resolve in the rootfs. */
static int mkdir_in_rootfs(int rootfs_fd, const char *path, berr_t *err)
{
	_cleanup_free_ char *prefix = calloc(1, strlen(path) + 2);
	_cleanup_close_ int last = -1;

	if (!prefix)
		return berr_errno(err, "mkdir %s", path);
	for (const char *p = path;;) {
		_cleanup_close_ int parent = -1;
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		parent = openat_in_root(rootfs_fd, *prefix ? prefix : "/", O_PATH | O_DIRECTORY, 0);
		if (parent < 0)
			return berr_errno(err, "working directory %s: %s", path, prefix);
		strcat(prefix, "/");
		strncat(prefix, p, n);
		if (mkdirat(parent, prefix + strlen(prefix) - n, 0755) < 0 && errno != EEXIST)
			return berr_errno(err, "working directory %s: mkdir %s", path, prefix);
		p += n;
	}
	last = openat_in_root(rootfs_fd, *prefix ? prefix : "/", O_PATH | O_DIRECTORY, 0);
	if (last < 0)
		return berr_errno(err, "working directory %s", path);
	return 0;
}

static bool abs_clean(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if (s[-1] == '/' && (s[2] == '\0' || s[2] == '/'))
			return false;
	return true;
}

static int set_cwd(json_t *proc, const struct berth_run_opts *o, const struct image_config *ic,
		   int rootfs_fd, berr_t *err)
{
	const char *cwd = o->workdir ? o->workdir : ic->workdir && *ic->workdir ? ic->workdir : "/";

	if (!abs_clean(cwd))
		return berr_fail(err, "working directory \"%s\" must be an absolute path without \"..\"",
				 cwd);
	if (rootfs_fd >= 0 && mkdir_in_rootfs(rootfs_fd, cwd, err) < 0)
		return -1;
	json_object_set_new(proc, "cwd", json_string(cwd));
	return 0;
}

static int build_process(json_t *spec, const struct spec_input *in, const struct image_config *ic,
			 const char *hostname, berr_t *err)
{
	const struct berth_run_opts *o = in->opts;
	json_t *proc = json_object_get(spec, "process");
	const char *user = o->user ? o->user : ic->user;
	struct exec_user u;
	int ret;

	if (user_resolve(in->rootfs_fd, user, &u, err) < 0)
		return -1;
	ret = set_args(proc, o, ic, err);
	if (ret == 0)
		ret = set_env(proc, o, ic, hostname, &u, err);
	if (ret == 0)
		ret = set_cwd(proc, o, ic, in->rootfs_fd, err);
	if (ret == 0 && (set_user(proc, &u) < 0 || set_caps(proc, u.uid == 0) < 0))
		ret = berr_fail(err, "process: out of memory");
	exec_user_clear(&u);
	if (ret < 0)
		return -1;
	json_object_set_new(proc, "terminal", json_boolean(o->tty));
	json_object_set_new(proc, "noNewPrivileges", json_false());
	return 0;
}

/* ---- mounts, resources, namespaces ---------------------------------------------- */

static int add_bind(json_t *mounts, const char *src, const char *dst, bool ro)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:[s, s]}", "destination", dst, "type", "bind",
			      "source", src, "options", "rbind", "rprivate");

	if (!m)
		return -1;
	if (ro)
		json_array_append_new(json_object_get(m, "options"), json_string("ro"));
	return json_array_append_new(mounts, m);
}

static int build_mounts(json_t *spec, const struct spec_input *in, berr_t *err)
{
	static const char *const etc_files[] = { "hosts", "hostname", "resolv.conf" };
	json_t *mounts = json_object_get(spec, "mounts");

	if (in->dir) {
		for (size_t i = 0; i < ARRAY_SIZE(etc_files); i++) {
			_cleanup_free_ char *src = NULL, *dst = NULL;

			if (asprintf(&src, "%s/%s", in->dir, etc_files[i]) < 0 ||
			    asprintf(&dst, "/etc/%s", etc_files[i]) < 0 || add_bind(mounts, src, dst, false))
				return berr_fail(err, "mounts: out of memory");
		}
	}
	for (char **v = in->opts->volumes; v && *v; v++) {
		struct volume vol;
		int ret;

		if (volume_parse(*v, &vol, err) < 0)
			return -1;
		ret = add_bind(mounts, vol.host, vol.ctr, vol.ro);
		volume_clear(&vol);
		if (ret < 0)
			return berr_fail(err, "mounts: out of memory");
	}
	return 0;
}

static int build_linux(json_t *spec, const struct spec_input *in, berr_t *err)
{
	const struct berth_run_opts *o = in->opts;
	json_t *lx = json_object_get(spec, "linux");
	json_t *res = json_object_get(lx, "resources"), *ns = json_object_get(lx, "namespaces");
	_cleanup_free_ char *cg = NULL;
	size_t i;
	json_t *n;

	if (asprintf(&cg, "/berth/%s", in->id) < 0)
		return berr_errno(err, "cgroupsPath");
	json_object_set_new(lx, "cgroupsPath", json_string(cg));
	if (o->memory > 0)
		json_object_set_new(res, "memory", json_pack("{s:I}", "limit", (json_int_t)o->memory));
	if (o->cpu_quota > 0)
		json_object_set_new(res, "cpu", json_pack("{s:I, s:I}", "quota",
							  (json_int_t)o->cpu_quota, "period",
							  (json_int_t)100000));
	if (o->pids_limit > 0)
		json_object_set_new(res, "pids", json_pack("{s:I}", "limit",
							   (json_int_t)o->pids_limit));
	json_array_foreach(ns, i, n) {
		if (strcmp(json_string_value(json_object_get(n, "type")) ?: "", "network"))
			continue;
		if (o->network == BERTH_NET_HOST)
			json_array_remove(ns, i);
		else if (in->netns)
			json_object_set_new(n, "path", json_string(in->netns));
		break;
	}
	return 0;
}

const char *container_hostname(const struct berth_run_opts *o, const char *id,
			       char buf[SHORT_ID_LEN + 1])
{
	if (o->hostname)
		return o->hostname;
	snprintf(buf, SHORT_ID_LEN + 1, "%s", id);
	return buf;
}

int spec_build(const struct spec_input *in, char **config_json, berr_t *err)
{
	_cleanup_free_ char *def = berth_spec_default(false);
	_cleanup_json_ json_t *spec = NULL;
	struct image_config ic;
	char buf[SHORT_ID_LEN + 1];
	const char *host = container_hostname(in->opts, in->id, buf);
	int ret;

	if (!def || !(spec = json_loads(def, 0, NULL)))
		return berr_fail(err, "default spec");
	if (!*host || strlen(host) > 64 || strchr(host, '/'))
		return berr_fail(err, "invalid hostname \"%s\"", host);
	if (image_config_parse(in->image_config, &ic, err) < 0)
		return -1;
	ret = build_process(spec, in, &ic, host, err);
	image_config_clear(&ic);
	if (ret < 0 || build_mounts(spec, in, err) < 0 || build_linux(spec, in, err) < 0)
		return -1;
	json_object_set_new(spec, "hostname", json_string(host));
	json_object_set_new(json_object_get(spec, "root"), "readonly", json_boolean(in->opts->read_only));
	json_object_set_new(json_object_get(spec, "root"), "path", json_string("rootfs"));
	*config_json = json_dumps(spec, JSON_INDENT(2));
	return *config_json ? 0 : berr_fail(err, "config.json: out of memory");
}
