// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * recvtty SOCKET OUTFILE — the receiving end of `--console-socket`, for the tests.
 *
 * Listens on the unix socket SOCKET, accepts one connection, receives the pty master that
 * the runtime sends with SCM_RIGHTS, and copies everything the container writes to its
 * terminal into OUTFILE until the last slave closes (read fails with EIO). It writes nothing
 * to the terminal, so the container sees an idle, silent console.
 *
 * Prints "ready" on stdout once it listens. Exit status: 0 after EOF/EIO, 1 on errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	return 1;
}

static int recv_fd(int conn)
{
	char data[256];
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[4096];
	int lsock, conn, master, out;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: recvtty SOCKET OUTFILE\n");
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return die(argv[1]);
	}
	strcpy(addr.sun_path, argv[1]);

	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return die(argv[2]);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0)
		return die("socket");
	if (bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return die("bind");
	if (listen(lsock, 1) < 0)
		return die("listen");
	printf("ready\n");
	fflush(stdout);

	conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return die("accept");
	master = recv_fd(conn);
	if (master < 0)
		return die("receiving the pty master");
	close(conn);
	close(lsock);

	for (;;) {
		n = read(master, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno == EIO))
			break;          /* every slave fd is closed: the container is gone */
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return die("read pty master");
		}
		if (write(out, buf, (size_t)n) != n)
			return die("write output");
	}
	return 0;
}
