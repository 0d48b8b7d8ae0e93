/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sync.h"
#include "../util/cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

struct sync_hdr {
	uint32_t type;
	int32_t errnum;
};

/* A message larger than this is a bug or an attack on the parent. */
#define SYNC_MAX (1u << 20)

int sync_send(int fd, enum sync_type type, const char *payload, berr_t *err)
{
	struct sync_hdr h = { .type = type, .errnum = 0 };
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)payload, .iov_len = payload ? strlen(payload) : 0 },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return berr_errno(err, "sync send");
	return 0;
}

void sync_send_error(int fd, berr_t e)
{
	struct sync_hdr h = { .type = SYNC_ERROR, .errnum = e ? e->errnum : 0 };
	const char *msg = e && e->msg ? e->msg : "unknown error";
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)msg, .iov_len = strlen(msg) },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	(void)sendmsg(fd, &mh, MSG_NOSIGNAL);
}

int sync_recv(int fd, struct sync_msg *m, berr_t *err)
{
	struct sync_hdr h;
	ssize_t n;
	size_t plen;
	_cleanup_free_ char *buf = NULL;

	memset(m, 0, sizeof(*m));
	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return berr_errno(err, "sync receive");
	if (n == 0)
		return berr_set(err, 0, "eof");
	if ((size_t)n < sizeof(h) || (size_t)n > SYNC_MAX)
		return berr_set(err, EPROTO, "sync receive: bad message size %zd", n);
	buf = malloc((size_t)n + 1);
	if (!buf)
		return berr_errno(err, "sync receive");
	do
		n = recv(fd, buf, (size_t)n, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return berr_errno(err, "sync receive");
	if ((size_t)n < sizeof(h))
		return berr_set(err, EPROTO, "sync receive: short message");
	memcpy(&h, buf, sizeof(h));
	plen = (size_t)n - sizeof(h);
	memmove(buf, buf + sizeof(h), plen);
	buf[plen] = '\0';
	m->type = h.type;
	m->errnum = h.errnum;
	m->len = plen;
	m->payload = steal_ptr(buf);
	return 0;
}

int sync_expect(int fd, enum sync_type type, struct sync_msg *m, berr_t *err)
{
	int ret = sync_recv(fd, m, err);

	if (ret < 0)
		return ret;
	if (m->type == SYNC_ERROR) {
		ret = berr_set(err, m->errnum > 0 ? m->errnum : 0, "%s", m->payload);
		/* the message already carries strerror() from the other side */
		if (*err && m->errnum > 0) {
			free((*err)->msg);
			(*err)->msg = strdup(m->payload);
		}
		sync_msg_clear(m);
		return ret;
	}
	if (m->type != (uint32_t)type) {
		uint32_t got = m->type;

		sync_msg_clear(m);
		return berr_set(err, EPROTO, "sync: expected message %d, got %u", type, got);
	}
	return 0;
}

void sync_msg_clear(struct sync_msg *m)
{
	free(m->payload);
	memset(m, 0, sizeof(*m));
}
