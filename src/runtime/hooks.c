/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hooks.h"
#include "berth-runtime.h"
#include "../util/cleanup.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One running hook, as seen by the parent. */
struct hook_child {
	pid_t pid;
	int pidfd;
	int stdin_fd;           /* write end of the hook's stdin, -1 once done */
	int errno_fd;           /* read end: the child's execve errno, if it failed */
	const char *data;       /* state JSON still to write */
	size_t len;
};

/*
 * In the child, between fork and execve: only async-signal-safe calls.
 * Reports an execve failure's errno on errno_fd, which execve closes.
 */
static _Noreturn void hook_exec(const struct spec_hook *h, char *const argv[], char *const envp[],
				int stdin_fd, int errno_fd)
{
	sigset_t none;
	int e;

	/* The runtime may block signals (to forward them); a hook must not
	 * inherit that, nor an ignored SIGPIPE. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* dup2 onto itself would leave FD_CLOEXEC set */
	if (stdin_fd == 0 ? fcntl(0, F_SETFD, 0) < 0 : dup2(stdin_fd, 0) < 0)
		_exit(127);
	execve(h->path, argv, envp);
	e = errno;
	if (write(errno_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int hook_spawn(const struct spec_hook *h, struct hook_child *c, berr_t *err)
{
	static char *const empty_env[] = { NULL };
	char *default_argv[] = { (char *)h->path, NULL };
	char *const *argv = h->args ? h->args : default_argv;
	char *const *envp = h->env ? h->env : empty_env;
	int in[2], ep[2];

	if (pipe2(in, O_CLOEXEC) < 0)
		return berr_errno(err, "pipe");
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return berr_errno(err, "pipe");
	}
	c->pid = fork();
	if (c->pid == 0)
		hook_exec(h, argv, envp, in[0], ep[1]);
	close(in[0]);
	close(ep[1]);
	c->stdin_fd = in[1];
	c->errno_fd = ep[0];
	if (c->pid < 0)
		return berr_errno(err, "fork");
	/* The pid can't be reused before we reap it, so this is race-free. */
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0)
		return berr_errno(err, "pidfd_open");
	/* The hook may never read its stdin: never let writing block us
	 * past its timeout.  Only our end becomes non-blocking. */
	if (fcntl(c->stdin_fd, F_SETFL, O_NONBLOCK) < 0)
		return berr_errno(err, "set the hook's stdin non-blocking");
	return 0;
}

static void close_stdin(struct hook_child *c)
{
	closep(&c->stdin_fd);
}

/* Write what the pipe takes now; done (or EPIPE: the hook isn't reading,
 * which is its business) closes our end so the hook sees EOF. */
static void feed_stdin(struct hook_child *c)
{
	while (c->len > 0) {
		ssize_t n = write(c->stdin_fd, c->data, c->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0)
			break;
		c->data += n;
		c->len -= (size_t)n;
	}
	close_stdin(c);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int poll_timeout(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/*
 * Feed stdin and wait for the exit, both bounded by the deadline (-1: none).
 * Returns 1 when the hook exited, 0 on timeout, <0 on error.
 */
static int hook_wait(struct hook_child *c, int64_t deadline, berr_t *err)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = c->pidfd, .events = POLLIN },
			{ .fd = c->stdin_fd, .events = POLLOUT },
		};
		int n = poll(pfd, c->stdin_fd >= 0 ? 2 : 1, poll_timeout(deadline));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berr_errno(err, "poll");
		if (n == 0)
			return 0;
		if (pfd[0].revents)
			return 1;
		if (c->stdin_fd >= 0 && pfd[1].revents)
			feed_stdin(c);
	}
}

/* Writing to a pipe whose reader is gone raises SIGPIPE: block it while we
 * write and swallow the one we caused, leaving the process's disposition
 * alone. */
static int hook_wait_nosigpipe(struct hook_child *c, int64_t deadline, berr_t *err)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = { 0 };
	bool was_pending;
	int ret;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	feed_stdin(c);
	ret = hook_wait(c, deadline, err);
	if (!was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static int reap(struct hook_child *c, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	while (waitid(P_PID, (id_t)c->pid, si, WEXITED) < 0)
		if (errno != EINTR)
			return -1;
	c->pid = 0;
	return 0;
}

static void hook_child_release(struct hook_child *c)
{
	siginfo_t si;

	/* An error left the child running: don't leave it behind. */
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		reap(c, &si);
	}
	closep(&c->pidfd);
	closep(&c->stdin_fd);
	closep(&c->errno_fd);
}

/* "exited with status 1", "killed by signal 9", or the execve failure. */
static int hook_status(struct hook_child *c, const siginfo_t *si, berr_t *err)
{
	int e;

	if (si->si_code == CLD_EXITED && si->si_status == 0)
		return 0;
	if (si->si_code == CLD_EXITED && si->si_status == 127 &&
	    read(c->errno_fd, &e, sizeof(e)) == sizeof(e))
		return berr_set(err, e, "exec");
	if (si->si_code == CLD_EXITED)
		return berr_fail(err, "exited with status %d", si->si_status);
	return berr_fail(err, "killed by signal %d", si->si_status);
}

static int hook_run(const struct spec_hook *h, const char *state_json, berr_t *err)
{
	struct hook_child c = { .pid = -1, .pidfd = -1, .stdin_fd = -1, .errno_fd = -1 };
	int64_t deadline = h->timeout > 0 ? now_ms() + (int64_t)h->timeout * 1000 : -1;
	siginfo_t si;
	int ret;

	c.data = state_json ? state_json : "";
	c.len = strlen(c.data);
	ret = hook_spawn(h, &c, err);
	if (ret >= 0)
		ret = hook_wait_nosigpipe(&c, deadline, err);
	if (ret == 0) {
		/* pidfd: the signal can't reach a recycled pid */
		syscall(SYS_pidfd_send_signal, c.pidfd, SIGKILL, NULL, 0);
		ret = berr_fail(err, "timed out after %d s", h->timeout);
	} else if (ret > 0 && reap(&c, &si) < 0) {
		ret = berr_errno(err, "wait");
	} else if (ret > 0) {
		ret = hook_status(&c, &si, err);
	}
	hook_child_release(&c);
	return ret;
}

int hooks_run(const struct spec *s, enum spec_hook_kind kind, const char *state_json, berr_t *err)
{
	const struct spec_hooks *hs = &s->hooks[kind];

	for (size_t i = 0; i < hs->n; i++)
		if (hook_run(&hs->v[i], state_json, err) < 0)
			return berr_prefix(err, "%s hook %zu (%s)", spec_hook_name(kind), i,
					   hs->v[i].path);
	return 0;
}

void hooks_run_warn(const struct spec *s, enum spec_hook_kind kind, const char *state_json)
{
	const struct spec_hooks *hs = &s->hooks[kind];

	for (size_t i = 0; i < hs->n; i++) {
		_cleanup_berr_ berr_t e = NULL;

		if (hook_run(&hs->v[i], state_json, &e) < 0)
			berth_log_warn("%s hook %zu (%s): %s", spec_hook_name(kind), i, hs->v[i].path,
				       e->msg);
	}
}
