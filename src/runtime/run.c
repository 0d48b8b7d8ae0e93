/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run: create + start.  In the foreground we stay the container's parent:
 * signals sent to us are forwarded, a process.terminal without
 * --console-socket is proxied to our own stdio, and we exit with the
 * container's status after deleting it (unless --keep).
 */
#include "container.h"
#include "cgroup.h"
#include "terminal.h"
#include "../util/cleanup.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

struct tty_proxy {
	int master;
	bool raw;
	struct termios saved;
};

static void tty_copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

static void tty_make_raw(struct tty_proxy *t)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t->saved) < 0)
		return;
	raw = t->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		t->raw = true;
	tty_copy_winsize(t->master);
}

static void tty_restore(struct tty_proxy *t)
{
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
	t->raw = false;
}

/* Copy what is readable from in to out; false on EOF or error. */
static bool pump(int in, int out)
{
	char buf[8192];
	ssize_t n = read(in, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && errno == EINTR;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(out, buf + off, (size_t)(n - off));
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		off += w;
	}
	return true;
}

static bool reap(pid_t pid, int *status)
{
	int ws;

	/* reap everything: a helper may have left us orphans */
	for (pid_t r; (r = waitpid(-1, &ws, WNOHANG)) > 0;) {
		if (r != pid)
			continue;
		*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		return true;
	}
	return false;
}

/* Until pid exits: forward signals, proxy the pty, reap. */
static int fg_loop(pid_t pid, int sfd, int master, bool stdin_open, int *status, berr_t *err)
{
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = master, .events = POLLIN },
			{ .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		struct signalfd_siginfo si;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return berr_errno(err, "poll");
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			pump(master, STDOUT_FILENO);
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			stdin_open = pump(STDIN_FILENO, master);
		if (!(p[0].revents & POLLIN))
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			if (reap(pid, status)) {
				/* what the container wrote last is still in the pty */
				if (master >= 0)
					while (poll(&(struct pollfd){ .fd = master, .events = POLLIN }, 1, 0) > 0 &&
					       pump(master, STDOUT_FILENO))
						;
				return 0;
			}
		} else if (si.ssi_signo == SIGWINCH && master >= 0) {
			tty_copy_winsize(master);
		} else {
			kill(pid, (int)si.ssi_signo);
		}
	}
}

int fg_wait(pid_t pid, const sigset_t *set, int master, int *status, berr_t *err)
{
	_cleanup_close_ int sfd = -1;
	struct tty_proxy tty = { .master = master };
	bool stdin_open = master >= 0;
	int ret;

	sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0)
		return berr_errno(err, "signalfd");
	if (master >= 0)
		tty_make_raw(&tty);
	ret = fg_loop(pid, sfd, master, stdin_open, status, err);
	tty_restore(&tty);
	return ret;
}

static int recv_own_master(int fd, int *master, berr_t *err)
{
	if (terminal_recv_master(fd, master, err) < 0)
		return berr_prefix(err, "terminal");
	return 0;
}

/* The exit path tells about an OOM kill, as `events` does. */
static void report_oom(const struct berth_runtime *rt, const struct container *c)
{
	struct cgroup *cg = NULL;
	uint64_t n = 0;

	if (container_cgroup(rt, c, &cg, NULL) == 0 && cg && cgroup_oom_count(cg, &n, NULL) == 0 &&
	    n > 0)
		berth_log_warn("container %s: %llu process(es) killed by the OOM killer", c->st.id,
			       (unsigned long long)n);
	cgroup_free(cg);
}

void fg_block_signals(sigset_t *all, sigset_t *old)
{
	/* blocked before clone: no signal meant for the container is lost */
	sigfillset(all);
	sigdelset(all, SIGSEGV);
	sigdelset(all, SIGBUS);
	sigdelset(all, SIGFPE);
	sigdelset(all, SIGILL);
	sigprocmask(SIG_BLOCK, all, old);
}

int berth_run(const struct berth_runtime *rt, const struct berth_create_opts *o, int *status,
	      berr_t *err)
{
	struct container c = { .rootfd = -1, .dirfd = -1 };
	int sp[2] = { -1, -1 }, master = -1;
	sigset_t all, old;
	int ret;

	fg_block_signals(&all, &old);

	/* a terminal with nowhere to send it: we are the console */
	if (!o->detach && !o->console_socket &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		ret = berr_errno(err, "socketpair");
		goto out;
	}
	ret = container_create(rt, o, sp[1], &c, err);
	sp[1] = -1; /* consumed */
	if (ret < 0)
		goto out;
	if (sp[0] >= 0 && c.spec->process && c.spec->process->terminal) {
		ret = recv_own_master(sp[0], &master, err);
		if (ret < 0)
			goto fail_started;
	}
	ret = container_start(c.dirfd, &c.st, c.spec, err);
	if (ret < 0) {
		ret = -1; /* -2 (a startContainer hook failed) is handled the same here */
		goto fail_started;
	}
	if (o->detach)
		goto out;

	ret = fg_wait(c.st.pid, &all, master, status, err);
	report_oom(rt, &c);
	if (!o->keep) {
		_cleanup_berr_ berr_t e = NULL;

		c.st.status = BERTH_STOPPED;
		if (container_delete(rt, &c, false, &e) < 0)
			berth_log_warn("delete %s: %s", o->id, e->msg);
	}
	goto out;

fail_started:
	{
		_cleanup_berr_ berr_t e = NULL;

		container_kill_and_reap(c.st.pid);
		c.st.status = BERTH_STOPPED;
		container_delete(rt, &c, true, &e);
	}
out:
	if (sp[0] >= 0)
		close(sp[0]);
	if (master >= 0)
		close(master);
	sigprocmask(SIG_SETMASK, &old, NULL);
	container_clear(&c);
	return ret;
}
