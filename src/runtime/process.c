/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "process.h"
#include "caps.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/ioprio.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DEFAULT_UMASK 0022

/*
 * The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER0).  Declared here
 * because <linux/sched/types.h> and newer glibc's <sched.h> both define it
 * and can't be included together.
 */
struct berth_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static const char *rlimit_name(int resource)
{
	static const char *const names[] = {
		[RLIMIT_CPU] = "RLIMIT_CPU",
		[RLIMIT_FSIZE] = "RLIMIT_FSIZE",
		[RLIMIT_DATA] = "RLIMIT_DATA",
		[RLIMIT_STACK] = "RLIMIT_STACK",
		[RLIMIT_CORE] = "RLIMIT_CORE",
		[RLIMIT_RSS] = "RLIMIT_RSS",
		[RLIMIT_NPROC] = "RLIMIT_NPROC",
		[RLIMIT_NOFILE] = "RLIMIT_NOFILE",
		[RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",
		[RLIMIT_AS] = "RLIMIT_AS",
		[RLIMIT_LOCKS] = "RLIMIT_LOCKS",
		[RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
		[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE",
		[RLIMIT_NICE] = "RLIMIT_NICE",
		[RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",
		[RLIMIT_RTTIME] = "RLIMIT_RTTIME",
	};

	if (resource >= 0 && (size_t)resource < ARRAY_SIZE(names) && names[resource])
		return names[resource];
	return "RLIMIT_?";
}

static int set_rlimits(const struct spec_process *p, berr_t *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct spec_rlimit *r = &p->rlimits[i];
		/* RLIM_INFINITY is all ones on Linux, as is the spec's "unlimited" */
		struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };

		if (setrlimit(r->resource, &rl) < 0)
			return berr_errno(err, "setrlimit %s", rlimit_name(r->resource));
	}
	return 0;
}

static int set_oom_score_adj(int adj, berr_t *err)
{
	_cleanup_close_ int fd = -1;
	char buf[16];
	int len;

	/* No O_CREAT: without /proc this must fail, not create a file. */
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return berr_errno(err, "oomScoreAdj: open /proc/self/oom_score_adj");
	len = snprintf(buf, sizeof(buf), "%d", adj);
	if (write_all(fd, buf, (size_t)len) < 0)
		return berr_errno(err, "oomScoreAdj: write %d to /proc/self/oom_score_adj", adj);
	return 0;
}

static int set_io_priority(const struct spec_process *p, berr_t *err)
{
	int prio = IOPRIO_PRIO_VALUE(p->ioprio_class, p->ioprio_level);

	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
		return berr_errno(err, "ioPriority: ioprio_set class %d level %d",
				  p->ioprio_class, p->ioprio_level);
	return 0;
}

static int set_scheduler(const struct spec_process *p, berr_t *err)
{
	/* nice only matters for SCHED_OTHER/BATCH, priority for FIFO/RR and
	 * the three times for DEADLINE; the kernel picks what applies. */
	struct berth_sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = (uint32_t)p->sched.policy,
		.sched_flags = p->sched.flags,
		.sched_nice = p->sched.nice,
		.sched_priority = (uint32_t)p->sched.priority,
		.sched_runtime = p->sched.runtime,
		.sched_deadline = p->sched.deadline,
		.sched_period = p->sched.period,
	};

	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return berr_errno(err, "scheduler: sched_setattr policy %d", p->sched.policy);
	return 0;
}

int process_setup_early(const struct spec_process *p, berr_t *err)
{
	if (set_rlimits(p, err) < 0)
		return -1;
	if (p->has_oom_score_adj && set_oom_score_adj(p->oom_score_adj, err) < 0)
		return -1;
	if (p->has_io_priority && set_io_priority(p, err) < 0)
		return -1;
	if (p->has_scheduler && set_scheduler(p, err) < 0)
		return -1;
	/* runc's default: files the container creates are not group-writable */
	umask(p->has_umask ? p->umask : DEFAULT_UMASK);
	return 0;
}

/* In a user namespace whose gid map was written with setgroups "deny". */
static bool setgroups_denied(void)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_berr_ berr_t err = NULL;

	if (read_file_at(AT_FDCWD, "/proc/self/setgroups", 64, &buf, NULL, &err) < 0)
		return false;
	return strncmp(buf, "deny", 4) == 0;
}

static int set_groups(const struct spec_process *p, berr_t *err)
{
	size_t n = p->n_additional_gids;

	if (setgroups(n, (const gid_t *)p->additional_gids) == 0)
		return 0;
	if (errno != EPERM || !setgroups_denied())
		return berr_errno(err, "setgroups");
	/* Rootless: the groups can't be changed, and with no additionalGids
	 * the ones we have are all the user could map anyway. */
	if (n == 0)
		return 0;
	return berr_set(err, EPERM, "setgroups (denied in this user namespace)");
}

static int set_ids(const struct spec_process *p, berr_t *err)
{
	/* Group before user: after setresuid we may no longer be allowed. */
	if (set_groups(p, err) < 0)
		return -1;
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return berr_errno(err, "setresgid %u", p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return berr_errno(err, "setresuid %u", p->uid);
	return 0;
}

int process_set_identity(const struct spec_process *p, berr_t *err)
{
	/* No "capabilities" object means no capabilities at all, as in runc. */
	uint64_t caps[SPEC_CAP_SET_COUNT] = { 0 };

	if (p->has_caps)
		memcpy(caps, p->caps, sizeof(caps));
	if (caps_drop_bounding(caps[SPEC_CAP_BOUNDING], err) < 0)
		return berr_prefix(err, "capabilities");
	/* Keep permitted across setresuid to non-root; the kernel still
	 * clears effective, which is why capset comes after. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return berr_errno(err, "prctl PR_SET_KEEPCAPS");
	if (set_ids(p, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return berr_errno(err, "prctl PR_SET_KEEPCAPS");
	if (caps_set(caps[SPEC_CAP_EFFECTIVE], caps[SPEC_CAP_PERMITTED],
		     caps[SPEC_CAP_INHERITABLE], err) < 0)
		return berr_prefix(err, "capabilities");
	if (caps_set_ambient(caps[SPEC_CAP_AMBIENT], err) < 0)
		return berr_prefix(err, "capabilities");
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return berr_errno(err, "prctl PR_SET_NO_NEW_PRIVS");
	return 0;
}

/*
 * A cwd reached through a leaked host fd (/proc/self/fd/N, CVE-2024-21626)
 * is outside our root: the kernel's getcwd then prefixes "(unreachable)".
 * The raw syscall is used because glibc turns that into ENOENT.
 */
static int check_cwd(const char *cwd, berr_t *err)
{
	char buf[PATH_MAX];

	if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0)
		return berr_errno(err, "chdir %s: getcwd", cwd);
	if (buf[0] != '/')
		return berr_fail(err, "chdir %s: working directory is outside the container",
				 cwd);
	return 0;
}

static const char *env_path(char **env)
{
	for (char **e = env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			return *e + 5;
	return DEFAULT_PATH;
}

/*
 * execvp's search, but in the container's PATH rather than ours.  Returns 0
 * with the path in out, or -ENOENT, or -EACCES when only non-executable
 * files were found (as execvp reports it).
 */
static int path_lookup(const char *name, const char *path, char out[PATH_MAX])
{
	int ret = -ENOENT;

	for (const char *dir = path;; dir++) {
		const char *end = strchrnul(dir, ':');
		int dlen = (int)(end - dir);
		struct stat st;

		/* an empty entry is the cwd, as for execvp */
		if (dlen == 0 && snprintf(out, PATH_MAX, "./%s", name) >= PATH_MAX)
			goto next;
		if (dlen > 0 && snprintf(out, PATH_MAX, "%.*s/%s", dlen, dir, name) >= PATH_MAX)
			goto next;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
			if (faccessat(AT_FDCWD, out, X_OK, AT_EACCESS) == 0)
				return 0;
			ret = -EACCES;
		}
next:
		if (*end == '\0')
			return ret;
		dir = end;
	}
}

int process_prepare_exec(const struct spec_process *p, char path[PATH_MAX], berr_t *err)
{
	const char *cmd = p->args[0];
	int ret;

	if (chdir(p->cwd) < 0)
		return berr_errno(err, "chdir %s", p->cwd);
	if (check_cwd(p->cwd, err) < 0)
		return -1;
	if (strchr(cmd, '/')) {
		if (strlen(cmd) >= PATH_MAX)
			return berr_set(err, ENAMETOOLONG, "exec %s", cmd);
		strcpy(path, cmd);
		return 0;
	}
	ret = path_lookup(cmd, env_path(p->env), path);
	if (ret < 0)
		return berr_set(err, -ret, "exec %s", cmd);
	return 0;
}

int process_exec_path(const struct spec_process *p, const char *path, berr_t *err)
{
	static char *const empty_env[] = { NULL };

	execve(path, p->args, p->env ? p->env : empty_env);
	return berr_errno(err, "exec %s", p->args[0]);
}

int process_exec(const struct spec_process *p, berr_t *err)
{
	char path[PATH_MAX];

	if (process_prepare_exec(p, path, err) < 0)
		return -1;
	return process_exec_path(p, path, err);
}
