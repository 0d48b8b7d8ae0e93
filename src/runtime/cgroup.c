/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's cgroup: which hierarchies exist (mountinfo), where the
 * cgroup goes (cgroupsPath, systemd form), creating / joining / removing it,
 * and dispatching resources, freezing, signals and stats to the v1 or v2 code.
 *
 * Safety rule: a directory is removed only if berth created it; the state
 * (cgroup_serialize) remembers the highest directory created for each one.
 */
#include "cgroup-internal.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>

#define RES "linux.resources"

const char *cg_mode_name(enum cg_mode m)
{
	return m == CG_MODE_V2 ? "v2" : m == CG_MODE_HYBRID ? "hybrid" : "v1";
}

/* ---- layout: mountinfo ------------------------------------------------------- */

bool cg_list_has(const char *list, const char *ctrl, char sep)
{
	size_t n = strlen(ctrl);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncmp(p, ctrl, n))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* the v1 controllers and name= of a cgroup mount's super options */
static char *v1_ctrls(const char *superopts)
{
	static const char *const known[] = { "cpuset", "cpu", "cpuacct", "blkio", "memory",
					     "devices", "freezer", "net_cls", "perf_event",
					     "net_prio", "hugetlb", "pids", "rdma", "misc", "debug" };
	_cleanup_free_ char *copy = strdup(superopts);
	char *out = calloc(1, strlen(superopts) + 1), *save = NULL;

	if (!copy || !out) {
		free(out);
		return NULL;
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool keep = !strncmp(t, "name=", 5);

		for (size_t i = 0; !keep && i < ARRAY_SIZE(known); i++)
			keep = !strcmp(t, known[i]);
		if (keep)
			sprintf(out + strlen(out), "%s%s", *out ? "," : "", t);
	}
	return out;
}

static void mount_free(struct cg_mount *m)
{
	free(m->dir);
	free(m->root);
	free(m->ctrls);
	memset(m, 0, sizeof(*m));
}

void cg_layout_free(struct cg_layout *l)
{
	for (size_t i = 0; i < l->n_v1; i++)
		mount_free(&l->v1[i]);
	free(l->v1);
	if (l->v2)
		mount_free(l->v2);
	free(l->v2);
	memset(l, 0, sizeof(*l));
}

/* a mount at dir hides what was mounted there (or, for fs_root, below) before */
static void layout_hide(struct cg_layout *l, const char *dir, bool below)
{
	size_t n = strlen(dir);

	for (size_t i = 0; i < l->n_v1;) {
		if (!strcmp(l->v1[i].dir, dir) || (below && !strncmp(l->v1[i].dir, dir, n))) {
			mount_free(&l->v1[i]);
			l->v1[i] = l->v1[--l->n_v1];
		} else {
			i++;
		}
	}
	if (l->v2 && (!strcmp(l->v2->dir, dir) || (below && !strncmp(l->v2->dir, dir, n)))) {
		mount_free(l->v2);
		free(l->v2);
		l->v2 = NULL;
	}
}

static int layout_add(struct cg_layout *l, const char *dir, const char *root, const char *type,
		      const char *superopts)
{
	struct cg_mount m = { strdup(dir), strdup(root), NULL };

	m.ctrls = strcmp(type, "cgroup2") ? v1_ctrls(superopts) : strdup("");
	if (!m.dir || !m.root || !m.ctrls) {
		mount_free(&m);
		return -1;
	}
	if (!strcmp(type, "cgroup2")) {
		l->v2 = malloc(sizeof(*l->v2));
		if (!l->v2) {
			mount_free(&m);
			return -1;
		}
		*l->v2 = m;
		return 0;
	}
	/* a "none" hierarchy is of no use; a second mount of one we have adds
	 * nothing but a second mkdir and join in the same hierarchy */
	if (!*m.ctrls || cg_layout_v1(l, strndupa(m.ctrls, strcspn(m.ctrls, ",")))) {
		mount_free(&m);
		return 0;
	}
	struct cg_mount *v = realloc(l->v1, (l->n_v1 + 1) * sizeof(*v));
	if (!v) {
		mount_free(&m);
		return -1;
	}
	l->v1 = v;
	l->v1[l->n_v1++] = m;
	return 0;
}

/* one mountinfo line: "36 25 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory" */
static int layout_line(struct cg_layout *l, char *line, const char *fs_root)
{
	char *f[6], *save = NULL, *sep, *type, *superopts;
	size_t rlen = strlen(fs_root);
	bool at_root, below;
	int i;

	sep = strstr(line, " - ");
	if (!sep)
		return 0;
	*sep = '\0';
	for (i = 0; i < 6 && (f[i] = strtok_r(i ? NULL : line, " ", &save)); i++)
		;
	type = strtok_r(sep + 3, " ", &save);
	(void)strtok_r(NULL, " ", &save);          /* source */
	superopts = strtok_r(NULL, " ", &save);
	if (i < 6 || !type || !superopts)
		return 0;
	unescape(f[3]);
	unescape(f[4]);
	at_root = !strcmp(f[4], fs_root);
	below = !strncmp(f[4], fs_root, rlen) && f[4][rlen] == '/' && !strchr(f[4] + rlen + 1, '/');
	if (!at_root && !below)
		return 0;
	layout_hide(l, f[4], at_root);
	if (strcmp(type, "cgroup") && strcmp(type, "cgroup2"))
		return 0;
	return layout_add(l, f[4], f[3], type, superopts);
}

int cg_layout_parse(const char *mountinfo, const char *fs_root, struct cg_layout *l, berr_t *err)
{
	_cleanup_free_ char *text = strdup(mountinfo);
	char *save = NULL;

	memset(l, 0, sizeof(*l));
	if (!text)
		return berr_errno(err, "mountinfo");
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (layout_line(l, line, fs_root) < 0) {
			cg_layout_free(l);
			return berr_errno(err, "mountinfo");
		}
	}
	if (l->v2 && (!strcmp(l->v2->dir, fs_root) || l->n_v1 == 0)) {
		l->mode = CG_MODE_V2;
		for (size_t i = 0; i < l->n_v1; i++)
			mount_free(&l->v1[i]);
		l->n_v1 = 0;
	} else if (l->n_v1 > 0) {
		l->mode = l->v2 ? CG_MODE_HYBRID : CG_MODE_V1;
	} else {
		cg_layout_free(l);
		return berr_set(err, ENOENT, "no cgroup filesystem mounted at %s", fs_root);
	}
	return 0;
}

static const char *opt_root(const struct cgroup_opts *o)
{
	return o && o->fs_root ? o->fs_root : CG_DEFAULT_ROOT;
}

static int read_proc(const struct cgroup_opts *o, const char *name, char **out, berr_t *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", o && o->proc_dir ? o->proc_dir : "/proc/self", name);
	return read_file_at(AT_FDCWD, path, 16 << 20, out, NULL, err);
}

int cg_layout_read(const struct cgroup_opts *o, struct cg_layout *l, berr_t *err)
{
	_cleanup_free_ char *text = NULL;

	if (read_proc(o, "mountinfo", &text, err) < 0)
		return -1;
	return cg_layout_parse(text, opt_root(o), l, err);
}

const struct cg_mount *cg_layout_v1(const struct cg_layout *l, const char *ctrl)
{
	for (size_t i = 0; i < l->n_v1; i++)
		if (cg_list_has(l->v1[i].ctrls, ctrl, ','))
			return &l->v1[i];
	return NULL;
}

/* ---- paths ----------------------------------------------------------------------- */

/* "/a//b/./c" -> "/a/b/c"; ".." refused: the path must stay below the root */
static int clean_path(const char *in, char **out, berr_t *err)
{
	_cleanup_free_ char *copy = strdup(in);
	char *res = calloc(1, strlen(in) + 2), *save = NULL;

	if (!copy || !res) {
		free(res);
		return berr_errno(err, "linux.cgroupsPath");
	}
	if (in[0] == '/')
		strcpy(res, "/");
	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			free(res);
			return berr_fail(err, "linux.cgroupsPath: \"%s\" must not contain \"..\"", in);
		}
		if (*res && strcmp(res, "/"))
			strcat(res, "/");
		strcat(res, t);
	}
	if (!*res || !strcmp(res, "/")) {
		free(res);
		return berr_fail(err, "linux.cgroupsPath: \"%s\" names the root cgroup", in);
	}
	*out = res;
	return 0;
}

int cg_expand_slice(const char *slice, char **out, berr_t *err)
{
	size_t n = strlen(slice);
	char *res;

	if (!strcmp(slice, "-.slice"))
		return (*out = strdup("/")) ? 0 : berr_errno(err, "slice");
	if (n <= 6 || strcmp(slice + n - 6, ".slice") || strchr(slice, '/'))
		return berr_fail(err, "invalid slice name \"%s\"", slice);
	n -= 6;
	if (slice[0] == '-' || slice[n - 1] == '-' || strstr(slice, "--"))
		return berr_fail(err, "invalid slice name \"%s\"", slice);
	/* each '-' opens a sub-slice: a-b-c.slice lives in a.slice/a-b.slice */
	/* at most n+1 levels of at most n+7 characters each */
	res = calloc(n + 1, n + 8);
	if (!res)
		return berr_errno(err, "slice");
	for (size_t i = 0; i <= n; i++) {
		if (i == n || slice[i] == '-')
			sprintf(res + strlen(res), "/%.*s.slice", (int)i, slice);
	}
	*out = res;
	return 0;
}

/* systemd's "slice:prefix:name" -> "/<slice path>/<prefix>-<name>.scope" */
static int systemd_path(const char *p, const char *id, char **out, berr_t *err)
{
	_cleanup_free_ char *copy = NULL, *slice_path = NULL;
	char *slice, *prefix, *name, *c1, *c2;
	int n;

	if (asprintf(&copy, "%s", p ? p : "system.slice:berth:") < 0)
		return berr_errno(err, "linux.cgroupsPath");
	c1 = strchr(copy, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':'))
		return berr_fail(err, "linux.cgroupsPath: \"%s\" is not \"slice:prefix:name\" (systemd cgroups)",
				 p);
	*c1 = *c2 = '\0';
	slice = *copy ? copy : "system.slice";
	prefix = c1 + 1;
	name = *(c2 + 1) ? c2 + 1 : (char *)id;
	if (!name || !*name || strchr(name, '/') || strchr(prefix, '/'))
		return berr_fail(err, "linux.cgroupsPath: \"%s\": bad unit name", p);
	if (cg_expand_slice(slice, &slice_path, err) < 0)
		return berr_prefix(err, "linux.cgroupsPath");
	if (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".slice"))
		n = asprintf(out, "%s/%s", slice_path, name);
	else if (*prefix)
		n = asprintf(out, "%s/%s-%s.scope", slice_path, prefix, name);
	else
		n = asprintf(out, "%s/%s.scope", slice_path, name);
	if (n < 0)
		return berr_errno(err, "linux.cgroupsPath");
	if (!strncmp(*out, "//", 2))
		memmove(*out, *out + 1, strlen(*out));
	return 0;
}

bool cg_systemd_form(const struct cgroup_opts *o)
{
	return o && (o->systemd_path || (o->manager && !strcmp(o->manager, "systemd")));
}

int cg_spec_path(const struct cgroup_opts *o, const struct spec *s, const char *id, char **path,
		 bool *relative, berr_t *err)
{
	_cleanup_free_ char *def = NULL, *raw = NULL;
	const char *p = s->linux.cgroups_path;

	*relative = false;
	if (cg_systemd_form(o)) {
		if (systemd_path(p, id, &raw, err) < 0)
			return -1;
		p = raw;
	} else if (!p) {
		if (asprintf(&def, "/berth/%s", id) < 0)
			return berr_errno(err, "linux.cgroupsPath");
		p = def;
	}
	if (clean_path(p, path, err) < 0)
		return -1;
	*relative = (*path)[0] != '/';
	return 0;
}

int cg_own_path(const struct cgroup_opts *o, const struct cg_mount *m, char **out, berr_t *err)
{
	_cleanup_free_ char *text = NULL, *first = NULL;
	char *save = NULL;
	size_t rlen = strlen(m->root);

	if (read_proc(o, "cgroup", &text, err) < 0)
		return -1;
	first = strndup(m->ctrls, strcspn(m->ctrls, ","));
	if (!first)
		return berr_errno(err, "cgroup");
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *c = strchr(l, ':'), *p = c ? strchr(c + 1, ':') : NULL;

		if (!p)
			continue;
		*p++ = '\0';
		if (*first ? !cg_list_has(c + 1, first, ',') : (c[1] != '\0' || strcmp(l, "0:")))
			continue;
		/* paths in /proc/self/cgroup are relative to the hierarchy, the mount
		 * may show a subtree of it */
		if (!strcmp(m->root, "/"))
			return (*out = strdup(p)) ? 0 : berr_errno(err, "cgroup");
		if (strncmp(p, m->root, rlen) || (p[rlen] && p[rlen] != '/'))
			return berr_fail(err, "own cgroup %s is outside the mount %s", p, m->dir);
		return (*out = strdup(p[rlen] ? p + rlen : "/")) ? 0 : berr_errno(err, "cgroup");
	}
	return berr_fail(err, "no \"%s\" hierarchy in /proc/self/cgroup", *first ? first : "0::");
}

/* ---- the cgroup object -------------------------------------------------------------- */

static void dir_free(struct cg_dir *d)
{
	free(d->ctrls);
	free(d->mnt);
	free(d->path);
	free(d->top);
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n_dirs; i++)
		dir_free(&cg->dirs[i]);
	free(cg->dirs);
	free(cg->fs_root);
	free(cg);
}

const struct cg_dir *cg_v1_dir(const struct cgroup *cg, const char *ctrl)
{
	for (size_t i = 0; i < cg->n_dirs; i++)
		if ((int)i != cg->unified && cg_list_has(cg->dirs[i].ctrls, ctrl, ','))
			return &cg->dirs[i];
	return NULL;
}

const char *cg_v1_path(const struct cgroup *cg, const char *ctrl)
{
	const struct cg_dir *d = cg_v1_dir(cg, ctrl);

	return d ? d->path : NULL;
}

const char *cg_v2_path(const struct cgroup *cg)
{
	return cg->unified >= 0 ? cg->dirs[cg->unified].path : NULL;
}

static int add_dir(struct cgroup *cg, const char *ctrls, const char *mnt, const char *path,
		   const char *top, berr_t *err)
{
	struct cg_dir *v = realloc(cg->dirs, (cg->n_dirs + 1) * sizeof(*v));
	struct cg_dir *d;

	if (!v)
		return berr_errno(err, "cgroup");
	cg->dirs = v;
	d = &v[cg->n_dirs];
	*d = (struct cg_dir){ strdup(ctrls), strdup(mnt), strdup(path), top ? strdup(top) : NULL };
	if (!d->ctrls || !d->mnt || !d->path || (top && !d->top)) {
		dir_free(d);
		return berr_errno(err, "cgroup");
	}
	if (!*ctrls)
		cg->unified = (int)cg->n_dirs;
	cg->n_dirs++;
	return 0;
}

static struct cgroup *cg_new(enum cg_mode mode, const char *fs_root)
{
	struct cgroup *cg = calloc(1, sizeof(*cg));

	if (!cg)
		return NULL;
	cg->mode = mode;
	cg->unified = -1;
	cg->fs_root = strdup(fs_root);
	if (!cg->fs_root) {
		free(cg);
		return NULL;
	}
	return cg;
}

/* mount + path; a relative path goes below this process's own cgroup (for v2
 * its parent, as runc: the own cgroup has processes, so no controllers can be
 * enabled below it) */
static int mount_dir(const struct cgroup_opts *o, const struct cg_mount *m, const char *rel,
		     bool relative, char **out, berr_t *err)
{
	_cleanup_free_ char *own = NULL;
	int n;

	if (!relative) {
		n = asprintf(out, "%s%s", m->dir, rel);
	} else {
		if (cg_own_path(o, m, &own, err) < 0)
			return -1;
		if (!*m->ctrls && strrchr(own, '/'))
			*strrchr(own, '/') = '\0';
		n = asprintf(out, "%s%s/%s", m->dir, strcmp(own, "/") ? own : "", rel);
	}
	return n < 0 ? berr_errno(err, "cgroup path") : 0;
}

int cg_plan(const struct cgroup_opts *o, const struct cg_layout *l, const char *rel,
	    bool relative, struct cgroup **out, berr_t *err)
{
	_cleanup_cgroup_ struct cgroup *cg = cg_new(l->mode, opt_root(o));

	if (!cg)
		return berr_errno(err, "cgroup");
	for (size_t i = 0; i <= l->n_v1; i++) {
		const struct cg_mount *m = i < l->n_v1 ? &l->v1[i] : l->v2;
		_cleanup_free_ char *dir = NULL;

		if (!m)
			continue;
		if (mount_dir(o, m, rel, relative, &dir, err) < 0 ||
		    add_dir(cg, m->ctrls, m->dir, dir, NULL, err) < 0)
			return -1;
	}
	*out = steal_ptr(cg);
	return 0;
}

/* ---- serialize / load ----------------------------------------------------------------- */

char *cgroup_serialize(const struct cgroup *cg)
{
	json_t *o = json_pack("{s:s, s:s, s:[]}", "mode", cg_mode_name(cg->mode), "root",
			      cg->fs_root, "dirs");
	json_t *dirs = o ? json_object_get(o, "dirs") : NULL;
	char *s = NULL;

	for (size_t i = 0; dirs && i < cg->n_dirs; i++) {
		const struct cg_dir *d = &cg->dirs[i];
		json_t *e = json_pack("{s:s, s:s, s:s}", "ctrls", d->ctrls, "mnt", d->mnt, "path",
				      d->path);

		if (e && d->top)
			json_object_set_new(e, "top", json_string(d->top));
		if (!e || json_array_append_new(dirs, e) < 0)
			goto out;
	}
	if (dirs)
		s = json_dumps(o, JSON_COMPACT);
out:
	json_decref(o);
	return s;
}

/* below: "/a/b" is below "/a"; clean: no "//", ".", ".." or trailing '/' */
static bool path_below(const char *p, const char *base, bool or_equal)
{
	size_t n = strlen(base);

	if (strncmp(p, base, n))
		return false;
	if (!p[n])
		return or_equal;
	if (p[n] != '/' && strcmp(base, "/"))
		return false;
	return !strstr(p, "//") && !strstr(p, "/./") && !strstr(p, "/../") &&
	       strcmp(p + strlen(p) - 2, "/.") && strcmp(p + strlen(p) - 3, "/..") &&
	       p[strlen(p) - 1] != '/';
}

/* The state file names directories that will be written to and removed:
 * accept only ones below our cgroup root. */
static int load_dir(struct cgroup *cg, json_t *e, berr_t *err)
{
	const char *ctrls = NULL, *mnt = NULL, *path = NULL, *top = NULL;

	if (json_unpack(e, "{s:s, s:s, s:s, s?:s}", "ctrls", &ctrls, "mnt", &mnt, "path", &path,
			"top", &top) < 0)
		return berr_fail(err, "bad cgroup state entry");
	if (!path_below(mnt, cg->fs_root, true) || !path_below(path, mnt, false) ||
	    (top && (!path_below(top, mnt, false) || !path_below(path, top, true))))
		return berr_fail(err, "cgroup state: %s is not a cgroup below %s", path, cg->fs_root);
	if (!*ctrls && cg->unified >= 0)
		return berr_fail(err, "cgroup state: two cgroup2 directories");
	return add_dir(cg, ctrls, mnt, path, top, err);
}

int cgroup_load(const struct cgroup_opts *o, const char *serialized, struct cgroup **out,
		berr_t *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	json_t *j, *dirs, *e;
	const char *mode, *root;
	json_error_t jerr;
	size_t i;
	int ret = -1;

	*out = NULL;
	j = json_loads(serialized, 0, &jerr);
	if (!j)
		return berr_fail(err, "cgroup state: %s", jerr.text);
	if (json_unpack(j, "{s:s, s:s, s:o}", "mode", &mode, "root", &root, "dirs", &dirs) < 0 ||
	    !json_is_array(dirs)) {
		berr_fail(err, "cgroup state: missing mode, root or dirs");
		goto out;
	}
	if (strcmp(root, opt_root(o))) {
		berr_fail(err, "cgroup state is for %s, not %s", root, opt_root(o));
		goto out;
	}
	cg = cg_new(!strcmp(mode, "v2") ? CG_MODE_V2 : !strcmp(mode, "hybrid") ? CG_MODE_HYBRID :
		    CG_MODE_V1, root);
	if (!cg || (strcmp(mode, "v1") && strcmp(mode, "v2") && strcmp(mode, "hybrid"))) {
		berr_fail(err, "cgroup state: bad mode \"%s\"", mode);
		goto out;
	}
	json_array_foreach(dirs, i, e)
		if (load_dir(cg, e, err) < 0)
			goto out;
	if (cg->n_dirs == 0 || (cg->mode != CG_MODE_V1 && cg->unified < 0)) {
		berr_fail(err, "cgroup state: no directories for mode %s", mode);
		goto out;
	}
	*out = steal_ptr(cg);
	ret = 0;
out:
	json_decref(j);
	return ret;
}
