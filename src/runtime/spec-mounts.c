/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json parser: "mounts", and the mount options shared with
 * linux.rootfsPropagation.
 */
#include "spec-internal.h"
#include "../util/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

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
		return fail_oom(err);
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
		return fail_oom(err);
	m->destination = abs;
	r = get_string(o, path, "source", OPT, &m->source, err);
	if (r < 0)
		return r;
	r = get_string(o, path, "type", OPT, &m->type, err);
	if (r < 0)
		return r;
	m->source = nonempty(m->source);
	m->type = nonempty(m->type);
	if (lookup_field(o, "uidMappings") || lookup_field(o, "gidMappings"))
		return fail_at(err, path, "id-mapped mounts are not supported");
	if (m->type && !strcmp(m->type, "bind")) {
		m->flags |= MS_BIND;
		m->bind = true;
	}
	r = get_array(o, path, "options", OPT, &opts, err);
	if (r <= 0)
		return r;
	return parse_mount_options(opts, path_key(p, path, "options"), m, err);
}

int spec_mounts_parse(json_t *root, struct spec *s, berr_t *err)
{
	json_t *arr;
	int r;

	r = get_array(root, "", "mounts", OPT, &arr, err);
	if (r <= 0)
		return r;
	s->mounts = calloc(json_array_size(arr) + 1, sizeof(*s->mounts));
	if (!s->mounts)
		return fail_oom(err);
	s->n_mounts = json_array_size(arr);
	return parse_each(arr, "mounts", s->mounts, sizeof(*s->mounts), parse_mount, s, err);
}

unsigned long spec_propagation_from_name(const char *name)
{
	const struct mount_opt *opt = find_mount_opt(name);

	return opt && opt->kind == MOPT_PROPAGATION ? opt->value : 0;
}

void spec_mounts_free(struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		/* always a private copy, see parse_mount() */
		free((char *)s->mounts[i].destination);
		free(s->mounts[i].data);
	}
	free(s->mounts);
}
