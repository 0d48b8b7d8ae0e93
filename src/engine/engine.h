/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_ENGINE_INTERNAL_H
#define BERTH_ENGINE_INTERNAL_H

/* Internal to libberth-engine. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "berth-engine.h"

#define CONTAINER_ID_LEN 64
#define SHORT_ID_LEN 12

/* user.c — USER / -u resolved against the image's own /etc/passwd and
 * /etc/group (read below rootfs_fd, never the host's). */
struct exec_user {
	uint32_t uid;
	uint32_t gid;
	char *home;             /* from passwd, "/" when unknown */
	uint32_t *groups;       /* additional gids */
	size_t n_groups;
};
/* spec: "", "name", "uid", "name:group", "uid:gid", ... */
int user_resolve(int rootfs_fd, const char *spec, struct exec_user *u, berr_t *err);
void exec_user_clear(struct exec_user *u);

/* options.c — -v HOST:CTR[:ro|rw] */
struct volume {
	char *host;
	char *ctr;
	bool ro;
};
int volume_parse(const char *s, struct volume *v, berr_t *err);
void volume_clear(struct volume *v);

/* spec-image.c — config.json from the runtime's default spec, the image
 * config and the run options. */
struct spec_input {
	const struct berth_run_opts *opts;
	const char *image_config;       /* the image config blob (JSON text) */
	const char *id;                 /* container id */
	const char *dir;                /* container dir: hosts, resolv.conf, hostname */
	int rootfs_fd;                  /* mounted rootfs: USER lookup, WorkingDir creation */
	const char *netns;              /* network namespace to join (NULL: a new one) */
};
int spec_build(const struct spec_input *in, char **config_json, berr_t *err);
/* --hostname, or the short id (buf holds it) */
const char *container_hostname(const struct berth_run_opts *o, const char *id,
			       char buf[SHORT_ID_LEN + 1]);

/* etc-files.c — hosts, hostname, resolv.conf in the container dir */
int etc_files_write(const char *dir, const char *hostname, enum berth_network net, berr_t *err);
/* The image config's "config" fields the engine uses. */
struct image_config {
	char **entrypoint;      /* NULL-terminated; NULL when unset */
	char **cmd;
	char **env;
	char *user;
	char *workdir;
	char *stop_signal;
};
int image_config_parse(const char *json, struct image_config *c, berr_t *err);
void image_config_clear(struct image_config *c);

/* overlay.c — the rootfs: overlayfs of layer dirs (bottom first, as the
 * image lists them) with upper/work; private propagation.  scratch: the
 * upper dir is thrown away after one run (--rm), so the mount is "volatile"
 * and its unmount does not sync the host's file system. */
int overlay_mount(char *const *layers, size_t n, const char *upper, const char *work,
		  bool scratch, const char *target, berr_t *err);
int overlay_umount(const char *target, berr_t *err);

/* netns.c — --network none: own network namespace with lo up, bound to path */
int netns_create(const char *path, berr_t *err);
int netns_remove(const char *path, berr_t *err);

/* container.c — container directories, ids and names */
struct container_dir {
	char id[CONTAINER_ID_LEN + 1];
	char *name;
	char *path;             /* <root>/containers/<id> */
	char *containers;       /* <root>/containers */
	bool named;             /* names/<name> is ours */
};
int container_dir_create(const char *store_root, const char *name, struct container_dir *c,
			 berr_t *err);
/* Write container.json (id, name, image, created, stopSignal: the image's
 * StopSignal or SIGTERM, for whoever stops the container later). */
int container_dir_record(const struct container_dir *c, const char *image_id,
			 const char *image_name, const char *stop_signal, berr_t *err);
/* rm -rf the directory and drop the name. */
int container_dir_remove(struct container_dir *c, berr_t *err);
void container_dir_clear(struct container_dir *c);

#endif
