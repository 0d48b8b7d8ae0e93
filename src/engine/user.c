/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * USER / -u: "name", "uid", "name:group", "uid:gid" resolved as docker does,
 * against the image's /etc/passwd and /etc/group.  Those are opened below
 * the container's rootfs (openat2 RESOLVE_IN_ROOT): a symlink in the image
 * cannot point us at the host's files.
 *
 *  - a numeric user passes through; its passwd entry, if any, gives the
 *    primary group and home, else gid 0 and home "/";
 *  - a user name must be in passwd;
 *  - a group (name or number) replaces the primary group; without one the
 *    groups listing the user by name are added as additional groups.
 */
#include "engine.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

struct pw_entry {
	char *name;
	uint32_t uid;
	uint32_t gid;
	char *home;
};

/* Whole decimal id in 0 .. 2^32-2 (-1 is "no change" to the kernel). */
static bool parse_id(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v >= UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static FILE *open_in_rootfs(int rootfs_fd, const char *path)
{
	int fd = openat_in_root(rootfs_fd, path, O_RDONLY, 0);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "re");
	if (!f)
		close(fd);
	return f;
}

/* Split a colon-separated line into at most max fields (in place). */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		line = strchr(line, ':');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

/* The passwd entry with name (or uid when name is NULL).  1 found, 0 not,
 * -1 out of memory. */
static int passwd_find(FILE *f, const char *name, uint32_t uid, struct pw_entry *pw)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, f) >= 0) {
		char *fld[7] = { 0 };
		uint32_t u, g;
		size_t n;

		if (line[0] == '#' || (n = split_fields(line, fld, 7)) < 4)
			continue;
		if (!parse_id(fld[2], &u) || !parse_id(fld[3], &g))
			continue;
		if (name ? strcmp(fld[0], name) != 0 : u != uid)
			continue;
		pw->name = strdup(fld[0]);
		pw->uid = u;
		pw->gid = g;
		pw->home = strdup(n >= 6 ? fld[5] : "");
		if (!pw->name || !pw->home) {
			free(pw->name);
			free(pw->home);
			return -1;
		}
		return 1;
	}
	return 0;
}

/* The gid of group name; 1 found, 0 not. */
static int group_find(FILE *f, const char *name, uint32_t *gid)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, f) >= 0) {
		char *fld[4];

		if (line[0] == '#' || split_fields(line, fld, 4) < 3)
			continue;
		if (!strcmp(fld[0], name) && parse_id(fld[2], gid))
			return 1;
	}
	return 0;
}

static bool member_of(char *members, const char *user)
{
	char *save = NULL;

	for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (!strcmp(m, user))
			return true;
	return false;
}

/* Groups whose member list names user, except the primary one. */
static int group_members(FILE *f, const char *user, struct exec_user *u, berr_t *err)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, f) >= 0) {
		char *fld[4];
		uint32_t gid, *ng;

		if (line[0] == '#' || split_fields(line, fld, 4) < 4 || !parse_id(fld[2], &gid))
			continue;
		if (gid == u->gid || !member_of(fld[3], user))
			continue;
		ng = realloc(u->groups, (u->n_groups + 1) * sizeof(*ng));
		if (!ng)
			return berr_errno(err, "groups of %s", user);
		u->groups = ng;
		u->groups[u->n_groups++] = gid;
	}
	return 0;
}

static int resolve_group(int rootfs_fd, const char *group, struct exec_user *u, berr_t *err)
{
	_cleanup_fclose_ FILE *f = NULL;

	if (parse_id(group, &u->gid))
		return 0;
	f = open_in_rootfs(rootfs_fd, "/etc/group");
	if (!f)
		return berr_errno(err, "unable to find group %s: /etc/group", group);
	if (!group_find(f, group, &u->gid))
		return berr_fail(err, "unable to find group %s: no matching entries in group file",
				 group);
	return 0;
}

int user_resolve(int rootfs_fd, const char *spec, struct exec_user *u, berr_t *err)
{
	_cleanup_free_ char *copy = strdup(spec ? spec : "");
	_cleanup_fclose_ FILE *pf = NULL;
	struct pw_entry pw = { 0 };
	char *user, *group;
	bool numeric;
	int found = 0;

	*u = (struct exec_user){ 0 };
	if (!copy)
		return berr_errno(err, "user");
	user = copy;
	group = strchr(copy, ':');
	if (group)
		*group++ = '\0';
	if (!*user)
		user = "0";
	if (group && !*group)
		return berr_fail(err, "invalid user \"%s\": empty group", spec);
	numeric = parse_id(user, &u->uid);
	if (!numeric && (strchr(user, '/') || user[0] == '-'))
		return berr_fail(err, "invalid user \"%s\"", spec);

	pf = open_in_rootfs(rootfs_fd, "/etc/passwd");
	if (!pf && !numeric)
		return berr_errno(err, "unable to find user %s: /etc/passwd", user);
	if (pf)
		found = passwd_find(pf, numeric ? NULL : user, u->uid, &pw);
	if (found < 0)
		return berr_errno(err, "user %s", user);
	if (!found && !numeric)
		return berr_fail(err, "unable to find user %s: no matching entries in passwd file",
				 user);
	if (found) {
		u->uid = pw.uid;
		u->gid = pw.gid;
		u->home = pw.home;
	}
	if (!u->home || !*u->home) {
		free(u->home);
		u->home = strdup("/");
	}
	if (!u->home) {
		free(pw.name);
		return berr_errno(err, "user");
	}

	if (group) {
		free(pw.name);
		if (resolve_group(rootfs_fd, group, u, err) < 0) {
			exec_user_clear(u);
			return -1;
		}
		return 0;
	}
	if (found) {
		_cleanup_fclose_ FILE *gf = open_in_rootfs(rootfs_fd, "/etc/group");
		int ret = gf ? group_members(gf, pw.name, u, err) : 0;

		free(pw.name);
		if (ret < 0) {
			exec_user_clear(u);
			return -1;
		}
	}
	return 0;
}

void exec_user_clear(struct exec_user *u)
{
	free(u->home);
	free(u->groups);
	*u = (struct exec_user){ 0 };
}
