/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include "../util/error.h"

/*
 * Messages between the runtime and the container's init over a
 * SOCK_SEQPACKET socket: one datagram = one message, so no framing bugs.
 */
enum sync_type {
	SYNC_GO = 1,            /* parent -> exec child: in the cgroup, go on */
	SYNC_MAPPED,            /* parent -> init: uid/gid maps written */
	SYNC_CGROUP,            /* parent -> init: moved into its cgroup */
	SYNC_INIT,              /* parent -> re-exec'd init: its config and options (JSON) */
	SYNC_PID,               /* helper -> parent: payload = init pid (decimal) */
	SYNC_HOOKS_RUNTIME,     /* init -> parent: run prestart + createRuntime */
	SYNC_HOOKS_DONE,        /* parent -> init: payload = state JSON */
	SYNC_CREATED,           /* init -> parent: waiting for start */
	SYNC_START,             /* start -> init: payload = state JSON */
	SYNC_ERROR,             /* either way: errnum + message */
	SYNC_START_HOOK_FAILED, /* init -> start: a startContainer hook failed (message) */
};

struct sync_msg {
	uint32_t type;
	int32_t errnum;
	char *payload;          /* NUL-terminated, may be NULL */
	size_t len;
};

int sync_send(int fd, enum sync_type type, const char *payload, berr_t *err);
/* Send an error message (best effort: used on the way out). */
void sync_send_error(int fd, berr_t e);
/* Receive one message.  EOF is an error with errnum 0 and message "eof". */
int sync_recv(int fd, struct sync_msg *m, berr_t *err);
/* Receive and require a type; a SYNC_ERROR turns into *err. */
int sync_expect(int fd, enum sync_type type, struct sync_msg *m, berr_t *err);
void sync_msg_clear(struct sync_msg *m);

#endif
