/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checkpoint / restore through the criu binary (criu.c builds its argv,
 * criu-run.c runs it).
 *
 *   checkpoint: running or paused container -> berth's metadata into the
 *               image dir (runc's descriptors.json, the saved config and
 *               bundle) -> criu dump -> unless --leave-running/--pre-dump,
 *               delete the container as runc does.  If criu fails, the
 *               container is untouched and the error quotes criu's log.
 *   restore:    config (--bundle, else the one saved in the image dir) ->
 *               state dir + cgroup -> criu restore, itself in the cgroup and
 *               in a private mount namespace holding the rootfs bind it
 *               needs as --root -> pid from --pidfile -> state "running".
 *               Any failure removes all of it again.
 */
#include "container.h"
#include "cgroup.h"
#include "criu.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define DESCRIPTORS_FILE "descriptors.json"   /* runc's name and format */
#define META_FILE "berth-checkpoint.json"     /* bundle, rootfs, annotations */
#define META_CONFIG_FILE "berth-config.json"  /* the config.json saved at create */
#define CRIU_WORK_DIR "criu.work"
#define CRIU_ROOT_DIR "criu-root"
#define CRIU_PID_FILE "criu.pid"

/* ---- small helpers ------------------------------------------------------------ */

static char *abs_path(const char *p)
{
	char cwd[PATH_MAX];
	char *s = NULL;

	if (p[0] == '/')
		return strdup(p);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&s, "%s/%s", cwd, p) < 0)
		return NULL;
	return s;
}

/* The directory for path (made if missing), as an absolute path. */
static int make_dir(const char *what, const char *path, char **out, berr_t *err)
{
	_cleanup_free_ char *abs = abs_path(path);

	if (!abs)
		return berr_errno(err, "%s %s", what, path);
	if (mkdir_p(abs, 0700, err) < 0)
		return berr_prefix(err, "%s", what);
	*out = realpath(abs, NULL);
	if (!*out)
		return berr_errno(err, "%s %s", what, abs);
	return 0;
}

/* ROOT/ID as an absolute path (criu runs elsewhere and takes paths only). */
static char *state_dir_path(const struct berth_runtime *rt, const char *id, const char *sub)
{
	_cleanup_free_ char *root = realpath(rt->root, NULL);
	char *s = NULL;

	if (!root || asprintf(&s, "%s/%s%s%s", root, id, sub ? "/" : "", sub ? sub : "") < 0)
		return NULL;
	return s;
}

struct strv {
	char **v;
	size_t n;
};

static int strv_add(struct strv *l, char *s)
{
	char **nv;

	if (!s)
		return -1;
	nv = realloc(l->v, (l->n + 2) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -1;
	}
	l->v = nv;
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
	return 0;
}

static void strv_clear(struct strv *l)
{
	strv_freep(&l->v);
	l->n = 0;
}

/* ---- what criu must be told about the container ----------------------------------- */

/* The freezer directory (v1) and criu's --cgroup-root list, from the state's cgroup. */
static int cgroup_facts(const char *serialized, char **freezer, struct strv *roots, berr_t *err)
{
	json_t *o, *dirs, *d;
	size_t i;
	int ret = 0;

	if (freezer)
		*freezer = NULL;
	if (!serialized)
		return 0;
	o = json_loads(serialized, 0, NULL);
	if (!o)
		return berr_fail(err, "corrupt cgroup in state.json");
	dirs = json_object_get(o, "dirs");
	json_array_foreach(dirs, i, d) {
		const char *ctrls = json_string_value(json_object_get(d, "ctrls"));
		const char *mnt = json_string_value(json_object_get(d, "mnt"));
		const char *path = json_string_value(json_object_get(d, "path"));
		const char *rel;

		if (!ctrls || !mnt || !path || strncmp(path, mnt, strlen(mnt)))
			continue;
		rel = path + strlen(mnt);
		if (freezer && !*freezer && !strcmp(ctrls, "freezer"))
			*freezer = strdup(path);
		if (roots) {
			char *s = NULL;

			if (asprintf(&s, "%s%s%s", ctrls, *ctrls ? ":" : "", *rel ? rel : "/") < 0)
				s = NULL;
			if (strv_add(roots, s) < 0)
				ret = berr_set(err, ENOMEM, "cgroup roots");
		}
	}
	json_decref(o);
	return ret;
}

static bool spec_has_cgroup_mount(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (spec_mount_is_cgroup(&s->mounts[i]))
			return true;
	return false;
}

/* On a v1/hybrid host the container's cgroup mount binds the host tree: list its mounts. */
static int host_cgroup_mounts(const struct spec *s, struct strv *out, berr_t *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	struct statfs sf;

	if (!spec_has_cgroup_mount(s))
		return 0;
	if (statfs(CRIU_CGROUP_FS, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
		return 0;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return berr_errno(err, "mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char mp[PATH_MAX];
		size_t n = strlen(CRIU_CGROUP_FS);

		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		if (strncmp(mp, CRIU_CGROUP_FS, n) || (mp[n] && mp[n] != '/'))
			continue;
		if (strv_add(out, strdup(mp)) < 0)
			return berr_set(err, ENOMEM, "cgroup mounts");
	}
	return 0;
}

/* runc: masked paths that are files are /dev/null binds, external to criu. */
static int masked_files(const struct spec *s, pid_t pid, struct strv *out, berr_t *err)
{
	for (char **p = s->linux.masked_paths; p && *p; p++) {
		char path[PATH_MAX];
		struct stat sb;

		snprintf(path, sizeof(path), "/proc/%d/root%s", pid, *p);
		if (stat(path, &sb) < 0 || S_ISDIR(sb.st_mode))
			continue;
		if (strv_add(out, strdup(*p)) < 0)
			return berr_set(err, ENOMEM, "masked paths");
	}
	return 0;
}

/* Joined net/pid namespaces are not the container's to dump: criu marks them external. */
static int external_namespaces(const struct spec *s, struct strv *out, berr_t *err)
{
	static const struct { enum spec_ns ns; const char *name, *key; } ext[] = {
		{ SPEC_NS_NET, "net", "extRootNetNS" },
		{ SPEC_NS_PID, "pid", "extRootPidNS" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		const struct spec_namespace *n = &s->linux.ns[ext[i].ns];
		struct stat sb;
		char *e = NULL;

		if (!n->present || !n->path)
			continue;
		if (stat(n->path, &sb) < 0)
			return berr_errno(err, "%s namespace %s", ext[i].name, n->path);
		if (asprintf(&e, "%s[%llu]:%s", ext[i].name, (unsigned long long)sb.st_ino,
			     ext[i].key) < 0)
			e = NULL;
		if (strv_add(out, e) < 0)
			return berr_set(err, ENOMEM, "namespaces");
	}
	return 0;
}

/* ---- checkpoint --------------------------------------------------------------------- */

/* Where fds 0-2 of pid point, as runc's descriptors.json (restore maps pipes by these). */
static int write_descriptors(int img_fd, pid_t pid, berr_t *err)
{
	json_t *a = json_array();
	_cleanup_free_ char *text = NULL;

	for (int fd = 0; fd < 3 && a; fd++) {
		char path[64], target[PATH_MAX];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		json_array_append_new(a, json_string(n > 0 ? target : "/dev/null"));
	}
	text = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	if (!text)
		return berr_set(err, ENOMEM, DESCRIPTORS_FILE);
	return write_file_atomic_at(img_fd, DESCRIPTORS_FILE, text, strlen(text), 0600, err);
}

static int write_meta(int img_fd, const struct container *c, const char *config_text,
		      size_t config_len, berr_t *err)
{
	_cleanup_free_ char *text = NULL;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", c->st.id, "bundle", c->st.bundle,
			      "rootfs", c->st.rootfs, "created", c->st.created);

	if (o && c->st.annotations_json)
		json_object_set_new(o, "annotations", json_loads(c->st.annotations_json, 0, NULL));
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return berr_set(err, ENOMEM, META_FILE);
	if (write_file_atomic_at(img_fd, META_CONFIG_FILE, config_text, config_len, 0600, err) < 0)
		return -1;
	return write_file_atomic_at(img_fd, META_FILE, text, strlen(text), 0600, err);
}

static void remove_meta(int img_fd)
{
	unlinkat(img_fd, DESCRIPTORS_FILE, 0);
	unlinkat(img_fd, META_FILE, 0);
	unlinkat(img_fd, META_CONFIG_FILE, 0);
}

static int checkpoint_locked(const struct berth_runtime *rt, const struct berth_checkpoint_opts *o,
			     struct container *c, berr_t *err)
{
	_cleanup_free_ char *img = NULL, *work = NULL, *freezer = NULL, *config = NULL;
	_cleanup_close_ int img_fd = -1;
	struct strv cgm = { 0 }, masked = { 0 }, ext = { 0 };
	size_t config_len = 0;
	struct criu_req r;
	int ret;

	if (c->st.status != BERTH_RUNNING && c->st.status != BERTH_PAUSED)
		return berr_fail(err, "container \"%s\" is %s, not running", c->st.id,
				 berth_status_name(c->st.status));
	if (read_file_at(c->dirfd, CONFIG_FILE, 16 << 20, &config, &config_len, err) < 0 ||
	    spec_parse(config, config_len, &c->spec, err) < 0)
		return berr_prefix(err, "saved config");
	if (make_dir("image path", o->image_path, &img, err) < 0)
		return -1;
	if (o->work_path) {
		if (make_dir("work path", o->work_path, &work, err) < 0)
			return -1;
	} else {
		_cleanup_free_ char *w = state_dir_path(rt, c->st.id, CRIU_WORK_DIR);

		if (!w)
			return berr_errno(err, "work path");
		if (make_dir("work path", w, &work, err) < 0)
			return -1;
	}
	img_fd = open(img, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (img_fd < 0)
		return berr_errno(err, "image path %s", img);

	ret = cgroup_facts(c->st.cgroup, &freezer, NULL, err);
	if (ret == 0)
		ret = host_cgroup_mounts(c->spec, &cgm, err);
	if (ret == 0)
		ret = masked_files(c->spec, c->st.pid, &masked, err);
	if (ret == 0)
		ret = external_namespaces(c->spec, &ext, err);
	if (ret == 0)
		ret = write_descriptors(img_fd, c->st.pid, err);
	if (ret == 0)
		ret = write_meta(img_fd, c, config, config_len, err);
	if (ret == 0) {
		r = (struct criu_req){
			.action = o->pre_dump ? CRIU_PRE_DUMP : CRIU_DUMP,
			.criu = rt->criu, .o = o, .spec = c->spec, .bundle = c->st.bundle,
			.pid = c->st.pid, .image_path = img, .work_path = work, .root = c->st.rootfs,
			.freeze_cgroup = freezer, .cgroup_mounts = cgm.v, .masked_files = masked.v,
			.external = ext.v,
		};
		ret = criu_run(&r, &(struct criu_child){ 0 }, true, err);
		if (ret < 0)
			remove_meta(img_fd);
	}
	strv_clear(&cgm);
	strv_clear(&masked);
	strv_clear(&ext);
	if (ret < 0 || o->pre_dump || o->leave_running)
		return ret;
	/* runc: a checkpoint that stops the container also deletes it */
	if (container_delete(rt, c, true, err) < 0)
		return berr_prefix(err, "delete after checkpoint");
	return 0;
}

int berth_checkpoint(const struct berth_runtime *rt, const struct berth_checkpoint_opts *o,
		     berr_t *err)
{
	struct container c;
	int ret;

	if (!o->image_path)
		return berr_fail(err, "--image-path is required");
	if (criu_check_opts(o, err) < 0)
		return -1;
	ret = container_open(rt, o->id, &c, err);
	if (ret == 0)
		ret = checkpoint_locked(rt, o, &c, err);
	container_clear(&c);
	return ret;
}

/* ---- restore ------------------------------------------------------------------------ */

struct restore {
	struct container c;
	struct cgroup *cg;
	char *img;
	char *work;
	char *state_path;           /* ROOT/ID, absolute */
	char *criu_root;
	char *pid_path;
	int fds[8];                 /* inherited by criu: stdio pipes, net and pid ns */
	size_t n_fds;
	struct strv inherit;        /* "fd[N]:KEY" */
	bool work_kept;
};

static void restore_clear(struct restore *r)
{
	cgroup_free(r->cg);
	container_clear(&r->c);
	free(r->img);
	free(r->work);
	free(r->state_path);
	free(r->criu_root);
	free(r->pid_path);
	for (size_t i = 0; i < r->n_fds; i++)
		close(r->fds[i]);
	strv_clear(&r->inherit);
}

/* The bundle and config: --bundle's, else those recorded at checkpoint. */
static int restore_load_config(const struct berth_checkpoint_opts *o, struct restore *r,
			       berr_t *err)
{
	struct container *c = &r->c;
	_cleanup_close_ int img_fd = open(r->img, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char path[PATH_MAX];
	json_t *meta = NULL;

	if (img_fd < 0)
		return berr_errno(err, "image path %s", r->img);
	if (faccessat(img_fd, META_FILE, F_OK, 0) == 0) {
		_cleanup_free_ char *text = NULL;

		if (read_file_at(img_fd, META_FILE, 1 << 20, &text, NULL, err) < 0)
			return -1;
		meta = json_loads(text, 0, NULL);
		if (!meta)
			return berr_fail(err, "%s/%s: not JSON", r->img, META_FILE);
	}
	if (o->bundle) {
		c->st.bundle = realpath(o->bundle, NULL);
		if (!c->st.bundle) {
			json_decref(meta);
			return berr_errno(err, "bundle %s", o->bundle);
		}
		snprintf(path, sizeof(path), "%s/config.json", c->st.bundle);
		if (read_file_at(AT_FDCWD, path, 16 << 20, &c->config_text, &c->config_len, err) < 0) {
			json_decref(meta);
			return -1;
		}
	} else {
		const char *b = json_string_value(json_object_get(meta, "bundle"));

		if (!b) {
			json_decref(meta);
			return berr_fail(err, "%s holds no berth checkpoint: --bundle is required",
					 r->img);
		}
		c->st.bundle = strdup(b);
		if (read_file_at(img_fd, META_CONFIG_FILE, 16 << 20, &c->config_text, &c->config_len,
				 err) < 0) {
			json_decref(meta);
			return berr_prefix(err, "image path %s", r->img);
		}
	}
	if (json_is_object(json_object_get(meta, "annotations")))
		c->st.annotations_json = json_dumps(json_object_get(meta, "annotations"),
						    JSON_COMPACT);
	json_decref(meta);
	if (spec_parse(c->config_text, c->config_len, &c->spec, err) < 0)
		return berr_prefix(err, "config.json");
	if (c->spec->root_path[0] == '/')
		snprintf(path, sizeof(path), "%s", c->spec->root_path);
	else
		snprintf(path, sizeof(path), "%s/%s", c->st.bundle, c->spec->root_path);
	c->st.rootfs = realpath(path, NULL);
	if (!c->st.rootfs)
		return berr_errno(err, "root.path %s", path);
	return 0;
}

/* stdio pipes (runc's descriptors.json) and joined namespaces, handed to criu by fd. */
static int restore_inherit_fds(const struct spec *s, struct restore *r, berr_t *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int img_fd = open(r->img, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	static const struct { enum spec_ns ns; const char *key; } ext[] = {
		{ SPEC_NS_NET, "extRootNetNS" },
		{ SPEC_NS_PID, "extRootPidNS" },
	};
	json_t *a = NULL, *v;
	size_t i;

	if (img_fd >= 0 && read_file_at(img_fd, DESCRIPTORS_FILE, 1 << 20, &text, NULL, NULL) == 0)
		a = json_loads(text, 0, NULL);
	json_array_foreach(a, i, v) {
		const char *d = json_string_value(v);
		char *e = NULL;
		int fd;

		if (i > 2 || !d || strncmp(d, "pipe:", 5))
			continue;
		/* our own stdio stands in for the pipe the process had (runc does the same) */
		fd = fcntl((int)i, F_DUPFD_CLOEXEC, CRIU_HIGH_FD);
		if (fd < 0)
			continue;
		r->fds[r->n_fds] = fd;
		if (asprintf(&e, "fd[%zu]:%s", CRIU_INHERIT_FD_BASE + r->n_fds, d) < 0)
			e = NULL;
		r->n_fds++;
		if (strv_add(&r->inherit, e) < 0) {
			json_decref(a);
			return berr_set(err, ENOMEM, "inherit fds");
		}
	}
	json_decref(a);
	for (i = 0; i < ARRAY_SIZE(ext); i++) {
		const struct spec_namespace *n = &s->linux.ns[ext[i].ns];
		char *e = NULL;
		int fd;

		if (!n->present || !n->path)
			continue;
		fd = open(n->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return berr_errno(err, "namespace %s", n->path);
		r->fds[r->n_fds] = fcntl(fd, F_DUPFD_CLOEXEC, CRIU_HIGH_FD);
		close(fd);
		if (r->fds[r->n_fds] < 0)
			return berr_errno(err, "namespace %s", n->path);
		if (asprintf(&e, "fd[%zu]:%s", CRIU_INHERIT_FD_BASE + r->n_fds, ext[i].key) < 0)
			e = NULL;
		r->n_fds++;
		if (strv_add(&r->inherit, e) < 0)
			return berr_set(err, ENOMEM, "inherit fds");
	}
	return 0;
}

static bool other_pidns(pid_t pid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
	return stat(path, &a) == 0 && stat("/proc/self/ns/pid", &b) == 0 &&
	       (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

static int read_restored_pid(const char *path, pid_t *pid, berr_t *err)
{
	_cleanup_free_ char *text = NULL;
	char *end;
	long v;

	if (read_file_at(AT_FDCWD, path, 64, &text, NULL, err) < 0)
		return berr_prefix(err, "criu restore: pid file");
	v = strtol(text, &end, 10);
	if (end == text || v <= 0 || v > INT32_MAX || (*end && *end != '\n'))
		return berr_fail(err, "criu restore: pid file %s: no pid in \"%.20s\"", path, text);
	*pid = (pid_t)v;
	return 0;
}

static int restore_run(const struct berth_runtime *rt, const struct berth_checkpoint_opts *o,
		       struct restore *r, const sigset_t *old_mask, berr_t *err)
{
	struct container *c = &r->c;
	_cleanup_strv_ char **roots_v = NULL;
	struct strv roots = { 0 }, cgm = { 0 };
	struct cgroup_opts cgo;
	struct criu_req req;
	struct criu_child cc;
	int ret;

	c->rootfd = state_root_open(rt, true, err);
	if (c->rootfd < 0)
		return -1;
	/* an existing container is not ours to undo: dirfd stays -1 */
	c->dirfd = state_dir_create(c->rootfd, o->id, err);
	if (c->dirfd < 0)
		return -1;
	c->st.id = strdup(o->id);
	c->st.created = state_now_rfc3339();
	c->st.owner = strdup("");
	c->st.status = BERTH_CREATING;
	if (state_save(c->dirfd, &c->st, err) < 0)
		return -1;

	r->state_path = state_dir_path(rt, o->id, NULL);
	if (!r->state_path || asprintf(&r->criu_root, "%s/" CRIU_ROOT_DIR, r->state_path) < 0 ||
	    asprintf(&r->pid_path, "%s/" CRIU_PID_FILE, r->state_path) < 0)
		return berr_set(err, ENOMEM, "restore");
	if (mkdir(r->criu_root, 0700) < 0)
		return berr_errno(err, "mkdir %s", r->criu_root);
	if (o->work_path) {
		r->work_kept = true;
		if (make_dir("work path", o->work_path, &r->work, err) < 0)
			return -1;
	} else {
		_cleanup_free_ char *w = NULL;

		if (asprintf(&w, "%s/" CRIU_WORK_DIR, r->state_path) < 0)
			return berr_set(err, ENOMEM, "restore");
		if (make_dir("work path", w, &r->work, err) < 0)
			return -1;
	}

	container_cgroup_opts(rt, &cgo);
	cgo.planned = container_save_planned_cgroup;
	cgo.planned_arg = c;
	if (cgroup_create(&cgo, c->spec, o->id, 0, &r->cg, err) < 0)
		return -1;
	ret = cgroup_facts(c->st.cgroup, NULL, &roots, err);
	if (ret == 0)
		ret = host_cgroup_mounts(c->spec, &cgm, err);
	if (ret == 0)
		ret = restore_inherit_fds(c->spec, r, err);
	roots_v = roots.v;
	if (ret < 0) {
		strv_clear(&cgm);
		return ret;
	}
	req = (struct criu_req){
		.action = CRIU_RESTORE, .criu = rt->criu, .o = o, .spec = c->spec,
		.bundle = c->st.bundle, .image_path = r->img, .work_path = r->work,
		.root = r->criu_root, .pid_file = r->pid_path, .cgroup_mounts = cgm.v,
		.cgroup_roots = roots_v, .inherit_fds = r->inherit.v,
	};
	cc = (struct criu_child){
		.rootfs = c->st.rootfs, .root_mnt = r->criu_root, .fds = r->fds, .n_fds = r->n_fds,
		.sigmask = old_mask, .cg = r->cg,
	};
	ret = criu_run(&req, &cc, r->work_kept, err);
	strv_clear(&cgm);
	if (ret < 0)
		return ret;
	if (read_restored_pid(r->pid_path, &c->st.pid, err) < 0)
		return -1;
	if (proc_start_time(c->st.pid, &c->st.pid_start) < 0)
		return berr_fail(err, "criu restore: restored process %d is not running", c->st.pid);
	/* kill and delete signal a whole pid namespace when the container owns
	 * one: believe it only when the restored process really is in another */
	c->st.own_pidns = c->spec->linux.ns[SPEC_NS_PID].present &&
			  !c->spec->linux.ns[SPEC_NS_PID].path && other_pidns(c->st.pid);
	c->st.status = BERTH_RUNNING;
	if (state_save(c->dirfd, &c->st, err) < 0 ||
	    write_file_at(c->dirfd, CONFIG_FILE, c->config_text, c->config_len, 0600, err) < 0)
		return -1;
	if (o->pid_file) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%d", c->st.pid);

		if (write_file_atomic_at(AT_FDCWD, o->pid_file, buf, (size_t)n, 0644, err) < 0)
			return -1;
	}
	unlinkat(AT_FDCWD, r->pid_path, 0);
	rmdir(r->criu_root);
	return 0;
}

/* Undo a failed restore: the restored tree (in the cgroup), the cgroup, the state dir. */
static void restore_undo(struct restore *r)
{
	_cleanup_berr_ berr_t e = NULL;
	struct container *c = &r->c;
	unsigned long long t;

	if (c->st.pid > 0 && proc_start_time(c->st.pid, &t) == 0)
		container_kill_and_reap(c->st.pid);
	if (r->cg) {
		cgroup_destroy(r->cg, &e);
		berr_free(&e);
	}
	if (c->rootfd >= 0 && c->dirfd >= 0 && c->st.id)
		remove_tree_at(c->rootfd, c->st.id, &e);
}

int berth_restore(const struct berth_runtime *rt, const struct berth_checkpoint_opts *o,
		  int *status, berr_t *err)
{
	struct restore r = { .c = { .rootfd = -1, .dirfd = -1 } };
	sigset_t all, old;
	int ret;

	*status = 0;
	if (berth_id_validate(o->id, err) < 0 || criu_check_opts(o, err) < 0)
		return -1;
	if (!o->image_path)
		return berr_fail(err, "--image-path is required");
	if (o->console_socket)
		return berr_fail(err, "--console-socket: restoring a terminal is not supported");
	r.img = realpath(o->image_path, NULL);
	if (!r.img)
		return berr_errno(err, "image path %s", o->image_path);
	ret = restore_load_config(o, &r, err);
	if (ret == 0 && r.c.spec->process && r.c.spec->process->terminal && !o->shell_job)
		ret = berr_fail(err, "process.terminal is true: restoring a terminal needs --shell-job");
	if (ret < 0) {
		restore_clear(&r);
		return ret;
	}

	/* foreground: signals for the container are held from before it exists */
	fg_block_signals(&all, &old);
	if (!o->no_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	ret = restore_run(rt, o, &r, &old, err);
	if (ret < 0) {
		restore_undo(&r);
		goto out;
	}
	berth_log_debug("restored %s, pid %d", o->id, r.c.st.pid);
	if (o->detach)
		goto out;
	ret = fg_wait(r.c.st.pid, &all, -1, status, err);
	{
		_cleanup_berr_ berr_t e = NULL;

		r.c.st.status = BERTH_STOPPED;
		if (container_delete(rt, &r.c, true, &e) < 0)
			berth_log_warn("delete %s: %s", o->id, e->msg);
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	restore_clear(&r);
	return ret;
}
