/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "terminal.h"
#include "../util/cleanup.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

/*
 * Open the slave through the master where the kernel can (TIOCGPTPEER,
 * 4.13+): that is the pty we just created even if /dev/pts is not the
 * devpts instance of our /dev/ptmx.  Fall back to the name otherwise.
 */
static int open_slave(int master, const char *name)
{
	int fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd >= 0 || (errno != EINVAL && errno != ENOTTY))
		return fd;
	return open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
}

static int send_master(int sock, int master, const char *name, berr_t *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl = { 0 };
	struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen(name) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	/* MSG_NOSIGNAL: a vanished console socket peer is an error, not a kill */
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return berr_errno(err, "send pty master over the console socket");
	return 0;
}

/* setsid(), tolerating that we may already lead a session (no ctty yet). */
static int new_session(berr_t *err)
{
	if (setsid() >= 0)
		return 0;
	if (errno == EPERM && getsid(0) == getpid())
		return 0;
	return berr_errno(err, "setsid");
}

static int dup_stdio(int slave, berr_t *err)
{
	for (int fd = 0; fd <= 2; fd++) {
		/* dup3 refuses oldfd == newfd; the slave is CLOEXEC, clear it */
		if (fd == slave) {
			if (fcntl(fd, F_SETFD, 0) < 0)
				return berr_errno(err, "clear FD_CLOEXEC on the pty slave");
			continue;
		}
		if (dup3(slave, fd, 0) < 0)
			return berr_errno(err, "dup pty slave to fd %d", fd);
	}
	return 0;
}

static int open_pty(int *master, int *slave, char *name, size_t len, berr_t *err)
{
	_cleanup_close_ int m = -1;

	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return berr_errno(err, "open /dev/ptmx");
	if (unlockpt(m) < 0)
		return berr_errno(err, "unlockpt");
	errno = ptsname_r(m, name, len);
	if (errno)
		return berr_errno(err, "ptsname");
	*slave = open_slave(m, name);
	if (*slave < 0)
		return berr_errno(err, "open %s", name);
	*master = steal_fd(m);
	return 0;
}

/* The spec: with a terminal, /dev/console is the pty (a bind of the slave). */
static int bind_console(const char *name, berr_t *err)
{
	int fd = open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return berr_errno(err, "create /dev/console");
	close(fd);
	if (mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return berr_errno(err, "bind %s on /dev/console", name);
	return 0;
}

int terminal_setup(int console_fd, const struct spec_process *p, bool console, berr_t *err)
{
	_cleanup_close_ int master = -1, slave = -1;
	char name[PATH_MAX];

	if (open_pty(&master, &slave, name, sizeof(name), err) < 0)
		return berr_prefix(err, "terminal");
	if (p->has_console_size) {
		struct winsize ws = {
			.ws_row = (unsigned short)p->console_height,
			.ws_col = (unsigned short)p->console_width,
		};

		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return berr_errno(err, "terminal: set console size");
	}
	if ((console && bind_console(name, err) < 0) || send_master(console_fd, master, name, err) < 0)
		return berr_prefix(err, "terminal");
	/* The receiver holds its own copy; ours would keep the pty open (and
	 * the reader blocked) after the container exits. */
	closep(&master);
	if (new_session(err) < 0)
		return berr_prefix(err, "terminal");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return berr_errno(err, "terminal: make %s the controlling terminal", name);
	if (dup_stdio(slave, err) < 0)
		return berr_prefix(err, "terminal");
	if (slave <= 2)
		slave = -1;
	return 0;
}

/*
 * sun_path is 108 bytes; deeper paths are reached through an O_PATH fd on
 * the parent directory: /proc/self/fd/N/<name> is short.
 */
static int connect_long(int sock, const char *path, struct sockaddr_un *sa, berr_t *err)
{
	_cleanup_free_ char *dir = strdup(path), *base = strdup(path);
	_cleanup_close_ int dfd = -1;
	int n;

	if (!dir || !base)
		return berr_errno(err, "connect %s", path);
	dfd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return berr_errno(err, "connect %s: open parent directory", path);
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dfd,
		     basename(base));
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
		return berr_set(err, ENAMETOOLONG, "connect %s", path);
	while (connect(sock, (struct sockaddr *)sa, sizeof(*sa)) < 0)
		if (errno != EINTR)
			return berr_errno(err, "connect %s", path);
	return 0;
}

int terminal_connect_socket(const char *path, berr_t *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int sock = -1;

	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return berr_errno(err, "console socket: socket");
	if (strlen(path) >= sizeof(sa.sun_path)) {
		if (connect_long(sock, path, &sa, err) < 0)
			return berr_prefix(err, "console socket");
		return steal_fd(sock);
	}
	strcpy(sa.sun_path, path);
	while (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		if (errno != EINTR)
			return berr_errno(err, "console socket: connect %s", path);
	return steal_fd(sock);
}

/* Close every fd a message carried: used when it isn't the one we want. */
static void close_passed_fds(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

/* Exactly one SCM_RIGHTS message carrying exactly one fd. */
static int take_master(struct msghdr *msg, int *master, berr_t *err)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);

	if (msg->msg_flags & MSG_CTRUNC) {
		close_passed_fds(msg);
		return berr_fail(err, "receive pty master: control message truncated");
	}
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)) || CMSG_NXTHDR(msg, c)) {
		close_passed_fds(msg);
		return berr_fail(err, "receive pty master: expected one file descriptor");
	}
	memcpy(master, CMSG_DATA(c), sizeof(int));
	return 0;
}

int terminal_recv_master(int fd, int *master, berr_t *err)
{
	/* room for a few fds, so a bad sender's extras are received (and
	 * closed) instead of truncated */
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} ctl;
	char name[PATH_MAX];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return berr_errno(err, "receive pty master");
	if (n == 0 && msg.msg_controllen == 0)
		return berr_fail(err, "receive pty master: the container closed the socket");
	return take_master(&msg, master, err);
}
