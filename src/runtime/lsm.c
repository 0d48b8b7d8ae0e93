/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SELinux and AppArmor, through procfs and sysfs only (no libselinux or
 * libapparmor): detection, the exec-time label of the container process and
 * the SELinux mount label.  The behaviour is described in lsm.h.
 */
#include "lsm.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

static void (*debug_fn)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool fake_proc_ok;

#define debug(...)                              \
	do {                                    \
		if (debug_fn)                   \
			debug_fn(__VA_ARGS__);  \
	} while (0)

void lsm_set_debug(void (*fn)(const char *fmt, ...))
{
	debug_fn = fn;
}

void lsm_allow_fake_proc(bool allow)
{
	fake_proc_ok = allow;
}

static bool nonempty(const char *s)
{
	return s && *s;
}

/* root + "/" + rel into buf; false if it does not fit. */
static bool join(char buf[static PATH_MAX], const char *root, const char *rel)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", root, rel);

	return n > 0 && n < PATH_MAX;
}

/* Small file below root, NUL-terminated; NULL if missing or unreadable. */
static char *read_small(const char *root, const char *rel)
{
	_cleanup_berr_ berr_t err = NULL;
	char path[PATH_MAX], *buf = NULL;

	if (!join(path, root, rel) || read_file_at(AT_FDCWD, path, 65536, &buf, NULL, &err) < 0)
		return NULL;
	return buf;
}

/* /proc/filesystems lines are "nodev\tselinuxfs" or "\text4". */
static bool lists_fs(const char *text, const char *fs)
{
	size_t fslen = strlen(fs);

	for (const char *line = text; *line;) {
		const char *end = strchrnul(line, '\n');
		const char *name = memrchr(line, '\t', (size_t)(end - line));

		name = name ? name + 1 : line;
		if ((size_t)(end - name) == fslen && !memcmp(name, fs, fslen))
			return true;
		line = *end ? end + 1 : end;
	}
	return false;
}

bool lsm_selinux_enabled(const char *proc_root)
{
	_cleanup_free_ char *fs = read_small(proc_root, "filesystems");
	_cleanup_free_ char *cur = NULL;

	/* selinuxfs is only registered when SELinux is enabled at boot */
	if (!fs || !lists_fs(fs, "selinuxfs"))
		return false;
	/* until a policy is loaded every process is labelled "kernel" */
	cur = read_small(proc_root, "thread-self/attr/current");
	if (!cur)
		return false;
	cur[strcspn(cur, "\n")] = '\0';
	return strcmp(cur, "kernel") != 0;
}

bool lsm_apparmor_enabled(const char *sys_root)
{
	_cleanup_free_ char *enabled = NULL;
	char path[PATH_MAX];
	struct stat st;

	if (!join(path, sys_root, "kernel/security/apparmor") || stat(path, &st) < 0)
		return false;
	enabled = read_small(sys_root, "module/apparmor/parameters/enabled");
	return enabled && enabled[0] == 'Y';
}

int lsm_check(const struct spec_process *p, const char *mount_label, const char *proc_root,
	      const char *sys_root, berr_t *err)
{
	const char *label = p ? p->selinux_label : NULL;
	const char *profile = p ? p->apparmor_profile : NULL;

	if (nonempty(label) || nonempty(mount_label)) {
		if (!lsm_selinux_enabled(proc_root))
			return berr_fail(err, "%s: an SELinux label is set, but SELinux is disabled or not supported",
					 nonempty(label) ? "process.selinuxLabel" : "linux.mountLabel");
		/* the mount label goes into the mount data as context="..." */
		if (nonempty(mount_label) && strchr(mount_label, '"'))
			return berr_fail(err, "linux.mountLabel: must not contain '\"'");
		debug("selinux: enabled; process label \"%s\", mount label \"%s\"",
		      label ? label : "", mount_label ? mount_label : "");
	}
	if (nonempty(profile)) {
		if (!lsm_apparmor_enabled(sys_root))
			return berr_fail(err, "process.apparmorProfile: AppArmor profile \"%s\" is set, "
					 "but AppArmor is not enabled on this host", profile);
		debug("apparmor: enabled; profile \"%s\"", profile);
	}
	return 0;
}

/*
 * Write value to <proc_root>/<rel> in one write(2): the kernel takes an
 * attribute whole.  The file must be on procfs, so that a fake /proc in the
 * container cannot swallow the label.
 */
static int write_attr(const char *proc_root, const char *rel, const char *value, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	struct statfs sfs;

	if (!join(path, proc_root, rel))
		return berr_set(err, ENAMETOOLONG, "%s/%s", proc_root, rel);
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "open %s", path);
	if (fstatfs(fd, &sfs) < 0)
		return berr_errno(err, "statfs %s", path);
	if (sfs.f_type != PROC_SUPER_MAGIC && !fake_proc_ok)
		return berr_fail(err, "%s is not on procfs", path);
	return write_value_fd(fd, path, value, err);
}

static int set_selinux_exec(const char *label, const char *proc_root, berr_t *err)
{
	/* what libselinux's setexeccon() does */
	if (write_attr(proc_root, "thread-self/attr/exec", label, err) < 0)
		return berr_prefix(err, "set SELinux label \"%s\"", label);
	debug("selinux: label \"%s\" set for exec", label);
	return 0;
}

static int set_apparmor_exec(const char *profile, const char *proc_root, berr_t *err)
{
	const char *rel = "thread-self/attr/apparmor/exec";
	_cleanup_free_ char *value = NULL;
	char path[PATH_MAX];
	struct stat st;

	/* attr/apparmor/ is new in Linux 5.8; before, AppArmor owned attr/exec */
	if (join(path, proc_root, "thread-self/attr/apparmor") && stat(path, &st) < 0 &&
	    errno == ENOENT)
		rel = "thread-self/attr/exec";
	/* aa_change_onexec()'s command */
	if (asprintf(&value, "exec %s", profile) < 0) {
		value = NULL;
		return berr_errno(err, "set AppArmor profile \"%s\"", profile);
	}
	if (write_attr(proc_root, rel, value, err) < 0)
		return berr_prefix(err, "set AppArmor profile \"%s\"", profile);
	debug("apparmor: profile \"%s\" set for exec through %s/%s", profile, proc_root, rel);
	return 0;
}

int lsm_set_exec_label(const struct spec_process *p, const char *proc_root, berr_t *err)
{
	/* Not checked for being enabled here (lsm_check did that in the
	 * runtime): like runc, write and let the kernel refuse. */
	if (nonempty(p->selinux_label) && set_selinux_exec(p->selinux_label, proc_root, err) < 0)
		return -1;
	if (nonempty(p->apparmor_profile) &&
	    set_apparmor_exec(p->apparmor_profile, proc_root, err) < 0)
		return -1;
	return 0;
}

/* proc and sysfs are labelled by the kernel, mqueue by its mount point (runc
 * and crun label the directory instead), cgroups take no context; a bind
 * mount ignores its data. */
static bool takes_context(const char *fstype)
{
	static const char *const no_context[] = { "proc", "sysfs", "cgroup", "cgroup2", "mqueue",
						  "bind" };

	if (!fstype)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(no_context); i++)
		if (!strcmp(fstype, no_context[i]))
			return false;
	return true;
}

/* An explicit context option wins; the kernel would refuse two of them. */
static bool has_context_option(const char *data)
{
	static const char *const opts[] = { "context=", "fscontext=", "defcontext=",
					    "rootcontext=" };

	for (const char *o = data; o && *o;) {
		size_t len = strcspn(o, ",");

		for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
			if (!strncmp(o, opts[i], strlen(opts[i])))
				return true;
		o += len;
		if (*o)
			o++;
	}
	return false;
}

char *lsm_mount_label_data(const char *data, const char *mount_label, const char *fstype)
{
	bool have_data = nonempty(data);
	char *out = NULL;

	errno = 0;
	if (!nonempty(mount_label) || !takes_context(fstype) || has_context_option(data))
		return data ? strdup(data) : NULL;
	/* quoted: an MCS label has commas ("s0:c1,c2") */
	if (asprintf(&out, "%s%scontext=\"%s\"", have_data ? data : "", have_data ? "," : "",
		     mount_label) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return out;
}
