/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container state on disk: ROOT/ID/state.json (+ config.json, start.sock).
 *
 * The status is never stored; it is derived each time, so it cannot go stale
 * when the init dies behind our back:
 *   init pid gone, zombie, or recycled (start time differs)  -> stopped
 *   start.sock still present                                 -> created
 *   otherwise                                                -> running
 */
#include "container.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *berth_status_name(enum berth_status s)
{
	static const char *const names[] = {
		[BERTH_CREATING] = "creating", [BERTH_CREATED] = "created",
		[BERTH_RUNNING] = "running",   [BERTH_PAUSED] = "paused",
		[BERTH_STOPPED] = "stopped",
	};
	return names[s];
}

int berth_id_validate(const char *id, berr_t *err)
{
	size_t len;

	if (!id || !*id)
		return berr_fail(err, "container ID must not be empty");
	len = strlen(id);
	if (len > 1024)
		return berr_fail(err, "container ID is longer than 1024 characters");
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return berr_fail(err, "invalid container ID \"%s\"", id);
	for (const char *p = id; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		/* runc's set: letters, digits, and _+-. ; nothing that is a path separator */
		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && !strchr("_+-.", ch))
			return berr_fail(err, "invalid container ID \"%s\": only [a-zA-Z0-9_+.-] allowed",
					 id);
	}
	return 0;
}

int state_root_open(const struct berth_runtime *rt, bool create, berr_t *err)
{
	int fd;

	if (create && mkdir_p(rt->root, 0700, err) < 0)
		return -1;
	fd = open(rt->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !create)
			return -ENOENT;
		return berr_errno(err, "open state root %s", rt->root);
	}
	return fd;
}

int state_dir_create(int rootfd, const char *id, berr_t *err)
{
	int fd;

	if (mkdirat(rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
		{
			berr_fail(err, "container \"%s\" already exists", id);
			return -EEXIST;
		}
		return berr_errno(err, "create state directory %s", id);
	}
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return berr_errno(err, "open state directory %s", id);
	return fd;
}

int state_dir_open(int rootfd, const char *id, berr_t *err)
{
	int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		if (errno == ENOENT) {
			berr_fail(err, "container \"%s\" does not exist", id);
			return -ENOENT;
		}
		return berr_errno(err, "open state of %s", id);
	}
	return fd;
}

int proc_start_time(pid_t pid, unsigned long long *t)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may hold spaces and parens: fields start after the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	p += 2;
	/* p is at field 3 (state) */
	if (*p == 'Z' || *p == 'X')
		return -1;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	*t = strtoull(p, NULL, 10);
	return 0;
}

char *state_now_rfc3339(void)
{
	struct timespec now;
	struct tm tm;
	char buf[64];
	size_t n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", now.tv_nsec);
	return strdup(buf);
}

int state_save(int dirfd, const struct berth_state *st, berr_t *err)
{
	json_t *o;
	_cleanup_free_ char *text = NULL;

	o = json_pack("{s:s, s:i, s:I, s:s, s:s, s:s, s:s, s:b}", "id", st->id, "pid", st->pid,
		      "pid_start", (json_int_t)st->pid_start, "bundle", st->bundle, "rootfs",
		      st->rootfs, "created", st->created, "owner", st->owner ? st->owner : "",
		      "own_pidns", st->own_pidns);
	if (!o)
		return berr_set(err, ENOMEM, "save state");
	/* hooks may ask for our state while create is still under way */
	if (st->status == BERTH_CREATING)
		json_object_set_new(o, "creating", json_true());
	if (st->poststart_hooks)
		json_object_set_new(o, "poststart", json_true());
	if (st->annotations_json) {
		json_t *a = json_loads(st->annotations_json, 0, NULL);
		if (a)
			json_object_set_new(o, "annotations", a);
	}
	if (st->cgroup)
		json_object_set_new(o, "cgroup", json_string(st->cgroup));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return berr_set(err, ENOMEM, "save state");
	return write_file_atomic_at(dirfd, STATE_FILE, text, strlen(text), 0600, err);
}

static char *dup_field(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return strdup(v ? v : "");
}

static enum berth_status derive_status(int dirfd, const struct berth_state *st, bool creating)
{
	unsigned long long t;
	struct stat sb;

	if (st->pid <= 0 || proc_start_time(st->pid, &t) < 0 || t != st->pid_start)
		return BERTH_STOPPED;
	if (creating)
		return BERTH_CREATING;
	if (fstatat(dirfd, START_SOCK, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return BERTH_CREATED;
	if (fstatat(dirfd, PAUSED_FILE, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return BERTH_PAUSED;
	return BERTH_RUNNING;
}

int state_load(int dirfd, const char *id, struct berth_state *st, berr_t *err)
{
	_cleanup_free_ char *text = NULL;
	json_t *o, *a;
	json_error_t jerr;

	memset(st, 0, sizeof(*st));
	if (read_file_at(dirfd, STATE_FILE, 1 << 20, &text, NULL, err) < 0) {
		if ((*err)->errnum == ENOENT) {
			/* the runtime is still between mkdir and the first save */
			berr_free(err);
			st->id = strdup(id);
			st->status = BERTH_CREATING;
			st->bundle = strdup("");
			st->rootfs = strdup("");
			st->created = strdup("");
			st->owner = strdup("");
			return 0;
		}
		return berr_prefix(err, "state of %s", id);
	}
	o = json_loads(text, 0, &jerr);
	if (!o)
		return berr_fail(err, "state of %s: corrupt state.json: %s", id, jerr.text);
	st->id = strdup(id);
	st->pid = (pid_t)json_integer_value(json_object_get(o, "pid"));
	st->pid_start = (unsigned long long)json_integer_value(json_object_get(o, "pid_start"));
	st->own_pidns = json_is_true(json_object_get(o, "own_pidns"));
	st->poststart_hooks = json_is_true(json_object_get(o, "poststart"));
	st->bundle = dup_field(o, "bundle");
	st->rootfs = dup_field(o, "rootfs");
	st->created = dup_field(o, "created");
	st->owner = dup_field(o, "owner");
	if (json_is_string(json_object_get(o, "cgroup")))
		st->cgroup = strdup(json_string_value(json_object_get(o, "cgroup")));
	a = json_object_get(o, "annotations");
	if (json_is_object(a))
		st->annotations_json = json_dumps(a, JSON_COMPACT);
	st->status = derive_status(dirfd, st, json_is_true(json_object_get(o, "creating")));
	json_decref(o);
	return 0;
}

void berth_state_clear(struct berth_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	free(st->annotations_json);
	free(st->cgroup);
	memset(st, 0, sizeof(*st));
}

char *berth_state_to_json(const struct berth_state *st, bool pretty)
{
	json_t *o;
	char *text;

	o = json_pack("{s:s, s:s, s:s}", "ociVersion", BERTH_OCI_VERSION, "id", st->id, "status",
		      berth_status_name(st->status));
	if (!o)
		return NULL;
	/* the spec: pid is REQUIRED when created or running */
	if (st->status != BERTH_STOPPED && st->pid > 0)
		json_object_set_new(o, "pid", json_integer(st->pid));
	else
		json_object_set_new(o, "pid", json_integer(0));
	json_object_set_new(o, "bundle", json_string(st->bundle ? st->bundle : ""));
	json_object_set_new(o, "rootfs", json_string(st->rootfs ? st->rootfs : ""));
	json_object_set_new(o, "created", json_string(st->created ? st->created : ""));
	if (st->owner)
		json_object_set_new(o, "owner", json_string(st->owner));
	if (st->annotations_json) {
		json_t *a = json_loads(st->annotations_json, 0, NULL);
		if (a)
			json_object_set_new(o, "annotations", a);
	}
	text = json_dumps(o, pretty ? JSON_INDENT(2) : JSON_COMPACT);
	json_decref(o);
	return text;
}

int berth_state_get(const struct berth_runtime *rt, const char *id, struct berth_state *st,
		    berr_t *err)
{
	_cleanup_close_ int rootfd = -1, dirfd = -1;

	if (berth_id_validate(id, err) < 0)
		return -1;
	rootfd = state_root_open(rt, false, err);
	if (rootfd == -ENOENT) {
		berr_fail(err, "container \"%s\" does not exist", id);
		return -ENOENT;
	}
	if (rootfd < 0)
		return -1;
	dirfd = state_dir_open(rootfd, id, err);
	if (dirfd < 0)
		return -1;
	return state_load(dirfd, id, st, err);
}

int berth_list(const struct berth_runtime *rt, struct berth_state **out, size_t *n, berr_t *err)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct berth_state *v = NULL;
	size_t cnt = 0;
	int rootfd;

	*out = NULL;
	*n = 0;
	rootfd = state_root_open(rt, false, err);
	if (rootfd == -ENOENT)
		return 0;
	if (rootfd < 0)
		return -1;
	d = fdopendir(rootfd);
	if (!d) {
		close(rootfd);
		return berr_errno(err, "list %s", rt->root);
	}
	for (struct dirent *de; (de = readdir(d));) {
		_cleanup_close_ int dfd = -1;
		_cleanup_berr_ berr_t e = NULL;
		struct berth_state *nv;

		if (de->d_name[0] == '.' || berth_id_validate(de->d_name, NULL) < 0)
			continue;
		dfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (dfd < 0)
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		if (state_load(dfd, de->d_name, &v[cnt], &e) == 0)
			cnt++;
	}
	*out = v;
	*n = cnt;
	return 0;
}
