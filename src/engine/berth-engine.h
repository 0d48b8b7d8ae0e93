/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_ENGINE_H
#define BERTH_ENGINE_H

/*
 * libberth-engine: containers made from images.  Builds a bundle (overlay
 * rootfs of the image's layers + config.json from the image config and the
 * user's options) and runs it through libberth-runtime.
 *
 * Layout under the store root:
 *   containers/<id>/           one container (id: 64 random hex digits)
 *     config.json              the bundle's runtime config
 *     container.json           what the engine knows: id, name, image, created
 *     upper/ work/             the overlay's writable layer
 *     rootfs/                  the overlay mountpoint
 *     hosts resolv.conf hostname   bound onto /etc in the container
 *   containers/names/<name>    symlink to the id: names are unique (symlinkat is atomic)
 * The runtime's state lives under <runroot>/runtime.
 */

#include <stdbool.h>
#include <stdint.h>
#include "../util/error.h"

struct berth_store;

struct berth_engine {
	struct berth_store *store;  /* open image store; containers live under its root */
	const char *runroot;        /* runtime state root: <runroot>/runtime */
	bool debug;
};

enum berth_network { BERTH_NET_NONE, BERTH_NET_HOST };

struct berth_run_opts {
	const char *image;          /* name, digest reference or id */
	char **cmd;                 /* replaces the image's Cmd; NULL-terminated, NULL: keep */
	const char *entrypoint;     /* replaces Entrypoint and clears Cmd; "" drops it; NULL: keep */
	const char *name;           /* NULL: generated */
	bool rm;                    /* remove the container once it exits */
	char **env;                 /* K=V (a bare K takes the caller's value), on top of the image's */
	const char *workdir;        /* -w */
	const char *user;           /* -u USER[:GROUP], names or numbers */
	char **volumes;             /* -v HOST:CTR[:ro|rw] */
	const char *hostname;       /* NULL: the short id */
	int64_t memory;             /* bytes, 0: no limit */
	int64_t cpu_quota;          /* µs per 100 ms period, 0: no limit */
	int64_t pids_limit;         /* 0: no limit */
	enum berth_network network;
	bool interactive;           /* -i: keep stdin open (it is always passed through) */
	bool tty;                   /* -t: a pty, proxied to our stdio */
	bool read_only;             /* read-only root */
};

/* Run a container in the foreground.  *status is its exit status (128+N
 * when killed by signal N; 126/127 when the command cannot be run/found).
 * A negative return means the container never ran: everything made for it
 * is gone again. */
int berth_container_run(const struct berth_engine *e, const struct berth_run_opts *o,
			int *status, berr_t *err);

/* Option parsers shared by the CLI and the tests. */
/* "512m", "1g", "1024", "4k" (b/k/m/g, any case) -> bytes */
int berth_parse_size(const char *s, int64_t *out, berr_t *err);
/* "1.5" -> 150000 µs of quota per 100000 µs period */
int berth_parse_cpus(const char *s, int64_t *quota, berr_t *err);
/* --env-file: K=V lines; blank lines and #comments skipped; appended to *env */
int berth_read_env_file(const char *path, char ***env, size_t *n, berr_t *err);

#endif
