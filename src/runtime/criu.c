/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * criu's command line.  runc drives criu over its RPC socket; we use the CLI
 * (the flags below are the CLI names of the same RPC fields runc sets):
 *
 *   dump:    -t PID -D IMG --work-dir WORK -o dump.log -v4 --root ROOTFS
 *            --manage-cgroups=MODE [--freeze-cgroup DIR] [flags...]
 *            --ext-mount-map DEST:DEST for each bind mount (criu cannot dump
 *            what lives outside the container: it records the key only)
 *            --external net[INODE]:extRootNetNS for a joined namespace
 *   restore: -D IMG --work-dir WORK -o restore.log -v4 --root ROOTFS
 *            --restore-detached --restore-sibling --pidfile F [flags...]
 *            --ext-mount-map DEST:HOST-SOURCE, --inherit-fd fd[N]:KEY
 */
#include "criu.h"
#include "../util/cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct argv_buf {
	char **v;
	size_t n, cap;
	bool oom;
};

static void add_owned(struct argv_buf *b, char *s)
{
	if (!s || b->oom) {
		b->oom = true;
		free(s);
		return;
	}
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char **nv = realloc(b->v, cap * sizeof(*nv));

		if (!nv) {
			b->oom = true;
			free(s);
			return;
		}
		b->v = nv;
		b->cap = cap;
	}
	b->v[b->n++] = s;
	b->v[b->n] = NULL;
}

static void add(struct argv_buf *b, const char *s)
{
	add_owned(b, strdup(s));
}

static void addf(struct argv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct argv_buf *b, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	add_owned(b, s);
}

static void add_pair(struct argv_buf *b, const char *flag, const char *val)
{
	add(b, flag);
	add(b, val);
}

int criu_check_cgroup_mode(const char *mode, berr_t *err)
{
	static const char *const modes[] = { "soft", "full", "strict", "ignore" };

	if (!mode)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(mode, modes[i]))
			return 0;
	return berr_fail(err, "--manage-cgroups-mode: unknown mode \"%s\" (soft, full, strict, ignore)",
			 mode);
}

int criu_check_opts(const struct berth_checkpoint_opts *o, berr_t *err)
{
	if (criu_check_cgroup_mode(o->manage_cgroups_mode, err) < 0)
		return -1;
	if (o->empty_ns && strcmp(o->empty_ns, "network"))
		return berr_fail(err, "--empty-ns: only \"network\" is supported, not \"%s\"",
				 o->empty_ns);
	return 0;
}

const char *criu_log_name(enum criu_action a)
{
	return a == CRIU_RESTORE ? "restore.log" : "dump.log";
}

/* The container's bind mounts: criu sees them as external, keyed by destination. */
static void add_bind_mounts(struct argv_buf *b, const struct criu_req *r)
{
	for (size_t i = 0; i < r->spec->n_mounts; i++) {
		const struct spec_mount *m = &r->spec->mounts[i];

		if (!m->bind || !m->source)
			continue;
		add(b, "--ext-mount-map");
		if (r->action != CRIU_RESTORE)
			addf(b, "%s:%s", m->destination, m->destination);
		else if (m->source[0] == '/' || !r->bundle)
			addf(b, "%s:%s", m->destination, m->source);
		else
			addf(b, "%s:%s/%s", m->destination, r->bundle, m->source);
	}
}

/* A "cgroup" mount that is a bind of the host's tree: each hierarchy below it too. */
static void add_cgroup_mounts(struct argv_buf *b, const struct criu_req *r)
{
	size_t base = strlen(CRIU_CGROUP_FS);

	if (!r->cgroup_mounts)
		return;
	for (size_t i = 0; i < r->spec->n_mounts; i++) {
		const struct spec_mount *m = &r->spec->mounts[i];

		if (!spec_mount_is_cgroup(m))
			continue;
		for (char **h = r->cgroup_mounts; *h; h++) {
			const char *rel;

			if (strncmp(*h, CRIU_CGROUP_FS, base) || ((*h)[base] && (*h)[base] != '/'))
				continue;
			rel = *h + base;
			add(b, "--ext-mount-map");
			if (r->action == CRIU_RESTORE)
				addf(b, "%s%s:%s", m->destination, rel, *h);
			else
				addf(b, "%s%s:%s%s", m->destination, rel, m->destination, rel);
		}
	}
}

static void add_list(struct argv_buf *b, const char *flag, char **list)
{
	for (char **p = list; p && *p; p++)
		add_pair(b, flag, *p);
}

static void add_common(struct argv_buf *b, const struct criu_req *r)
{
	const struct berth_checkpoint_opts *o = r->o;

	add_pair(b, "--images-dir", r->image_path);
	add_pair(b, "--work-dir", r->work_path);
	add_pair(b, "--log-file", criu_log_name(r->action));
	add(b, "-v4");
	add_pair(b, "--root", r->root);
	addf(b, "--manage-cgroups=%s", o->manage_cgroups_mode ? o->manage_cgroups_mode : "soft");
	if (o->tcp_established)
		add(b, "--tcp-established");
	if (o->ext_unix_sk)
		add(b, "--ext-unix-sk");
	if (o->shell_job)
		add(b, "--shell-job");
	if (o->file_locks)
		add(b, "--file-locks");
	if (o->auto_dedup)
		add(b, "--auto-dedup");
	if (o->empty_ns)
		add_pair(b, "--empty-ns", "net");
	add_bind_mounts(b, r);
	add_cgroup_mounts(b, r);
	/* masked files are /dev/null binds: dumped by path, all restored from one key */
	if (r->action != CRIU_RESTORE) {
		for (char **p = r->masked_files; p && *p; p++) {
			add(b, "--ext-mount-map");
			addf(b, "%s:/dev/null", *p);
		}
	} else if (r->spec->linux.masked_paths && r->spec->linux.masked_paths[0]) {
		add_pair(b, "--ext-mount-map", "/dev/null:/dev/null");
	}
}

int criu_build_argv(const struct criu_req *r, char ***argv, berr_t *err)
{
	struct argv_buf b = { 0 };

	*argv = NULL;
	if (!r->image_path || !r->work_path || !r->root)
		return berr_fail(err, "criu: image, work and root directories are required");
	if (criu_check_opts(r->o, err) < 0)
		return -1;

	add(&b, r->criu ? r->criu : "criu");
	switch (r->action) {
	case CRIU_DUMP:
	case CRIU_PRE_DUMP:
		add(&b, r->action == CRIU_DUMP ? "dump" : "pre-dump");
		add(&b, "--tree");
		addf(&b, "%d", (int)r->pid);
		add_common(&b, r);
		if (r->freeze_cgroup)
			add_pair(&b, "--freeze-cgroup", r->freeze_cgroup);
		/* pre-dump never stops the container; a dump does unless asked */
		if (r->action == CRIU_DUMP && r->o->leave_running)
			add(&b, "--leave-running");
		if (r->o->parent_path)
			add_pair(&b, "--prev-images-dir", r->o->parent_path);
		/* pre-dumps and the dumps based on them track dirty memory */
		if (r->action == CRIU_PRE_DUMP || r->o->parent_path)
			add(&b, "--track-mem");
		add_list(&b, "--external", r->external);
		break;
	case CRIU_RESTORE:
		add(&b, "restore");
		add_common(&b, r);
		add(&b, "--restore-detached");
		add(&b, "--restore-sibling");
		if (r->pid_file)
			add_pair(&b, "--pidfile", r->pid_file);
		add_list(&b, "--cgroup-root", r->cgroup_roots);
		if (r->o->lsm_profile)
			add_pair(&b, "--lsm-profile", r->o->lsm_profile);
		if (r->o->lsm_mount_context)
			add_pair(&b, "--lsm-mount-context", r->o->lsm_mount_context);
		add_list(&b, "--inherit-fd", r->inherit_fds);
		break;
	}
	if (b.oom) {
		strv_freep(&b.v);
		return berr_set(err, ENOMEM, "criu arguments");
	}
	*argv = b.v;
	return 0;
}
