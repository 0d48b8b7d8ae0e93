/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running criu: fork, set the child up (cgroup, private mount namespace with
 * the rootfs bound on --root, inherited fds at fixed numbers), exec, wait.
 * A failure becomes one error line: criu's exit status, the last error line
 * of its log (or of its output) without the timestamp, and the log's path.
 */
#include "container.h"
#include "cgroup.h"
#include "criu.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>


_Noreturn static void child_exec(char **argv, const struct criu_child *cc, int out_fd, int go_fd,
				 int err_fd)
{
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char c;

	if (go_fd >= 0 && read(go_fd, &c, 1) != 1)
		_exit(126);
	/* out of the way of the fixed inherited-fd numbers */
	err_fd = fcntl(err_fd, F_DUPFD_CLOEXEC, CRIU_HIGH_FD);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		goto fail;
	for (size_t i = 0; i < cc->n_fds; i++)
		if (dup2(cc->fds[i], CRIU_INHERIT_FD_BASE + (int)i) < 0)
			goto fail;
	if (cc->rootfs) {
		/* criu pivots into --root, which must be a mount point: one only we see */
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
		    mount(cc->rootfs, cc->root_mnt, NULL, MS_BIND | MS_REC, NULL) < 0)
			goto fail;
	}
	if (cc->sigmask)
		sigprocmask(SIG_SETMASK, cc->sigmask, NULL);
	execvp(argv[0], argv);
fail:
	c = (char)errno;
	if (write(err_fd, &c, 1) < 0)
		_exit(127);
	_exit(127);
}

/* Keep the tail of criu's stdout/stderr (for the error when there is no log). */
static void keep_tail(char *tail, size_t cap, size_t *len, const char *buf, size_t n)
{
	if (n >= cap - 1) {
		memcpy(tail, buf + n - (cap - 1), cap - 1);
		*len = cap - 1;
	} else {
		if (*len + n > cap - 1) {
			size_t drop = *len + n - (cap - 1);

			memmove(tail, tail + drop, *len - drop);
			*len -= drop;
		}
		memcpy(tail + *len, buf, n);
		*len += n;
	}
	tail[*len] = '\0';
}

/*
 * Run criu; *wstatus is its wait status.  Its output is read until it exits,
 * not until EOF: what it restored may hold the pipe open.
 */
static int criu_exec(char **argv, const struct criu_child *cc, int *wstatus, char *tail,
		     size_t tail_cap, berr_t *err)
{
	_cleanup_close_ int out_r = -1, out_w = -1, go_r = -1, go_w = -1, err_r = -1, err_w = -1;
	int p[2];
	size_t tail_len = 0;
	pid_t pid;
	char c;

	tail[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return berr_errno(err, "pipe");
	out_r = p[0], out_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return berr_errno(err, "pipe");
	err_r = p[0], err_w = p[1];
	if (cc->cg) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return berr_errno(err, "pipe");
		go_r = p[0], go_w = p[1];
	}
	pid = fork();
	if (pid < 0)
		return berr_errno(err, "fork");
	if (pid == 0)
		child_exec(argv, cc, out_w, go_r, err_w);
	closep(&out_w);
	closep(&err_w);
	closep(&go_r);
	if (cc->cg) {
		/* what criu forks lands in the container's cgroup */
		if (cgroup_enter(cc->cg, pid, err) < 0) {
			container_kill_and_reap(pid);
			return -1;
		}
		if (write(go_w, "g", 1) != 1) {
			container_kill_and_reap(pid);
			return berr_errno(err, "start criu");
		}
	}
	fcntl(out_r, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd pfd = { .fd = out_r, .events = POLLIN };
		char buf[4096];
		ssize_t n;
		pid_t w;

		if (out_r >= 0 && poll(&pfd, 1, 50) > 0) {
			while ((n = read(out_r, buf, sizeof(buf))) > 0)
				keep_tail(tail, tail_cap, &tail_len, buf, (size_t)n);
			if (n == 0)
				closep(&out_r);
		} else if (out_r < 0) {
			usleep(20000);
		}
		w = waitpid(pid, wstatus, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return berr_errno(err, "wait for criu");
	}
	while (out_r >= 0) {
		char buf[4096];
		ssize_t n = read(out_r, buf, sizeof(buf));

		if (n <= 0)
			break;
		keep_tail(tail, tail_cap, &tail_len, buf, (size_t)n);
	}
	if (read(err_r, &c, 1) == 1)
		return berr_set(err, (unsigned char)c, "exec %s", argv[0]);
	return 0;
}

/* criu's last error line: "(00.012345) Error (criu/x.c:12): what" -> "Error (...): what". */
static char *last_error_line(const char *text)
{
	const char *best = NULL, *last = NULL;
	size_t best_len = 0, last_len = 0;

	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len) {
			if (memmem(p, len, "Error", 5)) {
				best = p;
				best_len = len;
			}
			last = p;
			last_len = len;
		}
		p = e ? e + 1 : NULL;
	}
	if (!best) {
		best = last;
		best_len = last_len;
	}
	if (!best)
		return NULL;
	/* the timestamp says nothing to a reader of one line */
	if (best[0] == '(') {
		const char *q = memchr(best, ')', best_len);

		if (q && q + 1 < best + best_len) {
			q++;
			while (q < best + best_len && *q == ' ')
				q++;
			best_len -= (size_t)(q - best);
			best = q;
		}
	}
	return strndup(best, best_len);
}

int criu_run(const struct criu_req *r, const struct criu_child *cc, bool log_kept,
		    berr_t *err)
{
	_cleanup_strv_ char **argv = NULL;
	_cleanup_free_ char *log = NULL, *line = NULL, *log_path = NULL;
	const char *verb = r->action == CRIU_RESTORE ? "restore" :
			   r->action == CRIU_DUMP ? "dump" : "pre-dump";
	char tail[4096], why[64];
	int wstatus = 0;

	if (criu_build_argv(r, &argv, err) < 0)
		return -1;
	if (criu_exec(argv, cc, &wstatus, tail, sizeof(tail), err) < 0)
		return berr_prefix(err, "criu %s", verb);
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return 0;

	if (asprintf(&log_path, "%s/%s", r->work_path, criu_log_name(r->action)) < 0)
		log_path = NULL;
	if (log_path)
		read_file_at(AT_FDCWD, log_path, 16 << 20, &log, NULL, NULL);
	line = last_error_line(log && *log ? log : tail);
	if (WIFEXITED(wstatus))
		snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(wstatus));
	else
		snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(wstatus));
	return berr_fail(err, "criu %s failed (%s): %s; log file: %s%s", verb, why,
			 line ? line : "no error message", log_path ? log_path : criu_log_name(r->action),
			 log_kept ? "" : " (removed; keep it with --work-path)");
}
