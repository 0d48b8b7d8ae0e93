/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * berth run: image -> container directory -> overlay rootfs -> config.json
 * -> libberth-runtime's foreground run.  Each step that makes something
 * records it in struct run, and one unwind takes back what exists, so a
 * failure at any step (or --rm after the exit) leaves nothing behind.
 */
#include "engine.h"
#include "../image/berth-image.h"
#include "../runtime/berth-runtime.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct run {
	const struct berth_engine *e;
	struct berth_image *img;
	struct container_dir dir;
	char *rootfs;
	char *netns;            /* bound network namespace file, while it exists */
	char *rt_root;
	bool held;
	bool mounted;
};

/* Bad options are refused before anything is made. */
static int check_opts(const struct berth_run_opts *o, berr_t *err)
{
	if (o->hostname && (!*o->hostname || strlen(o->hostname) > 64 ||
			    strpbrk(o->hostname, "/ \t\n")))
		return berr_fail(err, "invalid hostname \"%s\"", o->hostname);
	if (o->workdir && o->workdir[0] != '/')
		return berr_fail(err, "working directory \"%s\" is not an absolute path", o->workdir);
	for (char **e = o->env; e && *e; e++)
		if (!**e || **e == '=')
			return berr_fail(err, "invalid environment variable \"%s\"", *e);
	for (char **v = o->volumes; v && *v; v++) {
		struct volume vol;

		if (volume_parse(*v, &vol, err) < 0)
			return -1;
		volume_clear(&vol);
	}
	return 0;
}

static int mount_rootfs(struct run *r, bool scratch, berr_t *err)
{
	_cleanup_free_ char *upper = NULL, *work = NULL;

	if (asprintf(&upper, "%s/upper", r->dir.path) < 0 ||
	    asprintf(&work, "%s/work", r->dir.path) < 0 ||
	    asprintf(&r->rootfs, "%s/rootfs", r->dir.path) < 0)
		return berr_errno(err, "rootfs");
	if (overlay_mount(r->img->layer_dirs, r->img->n_layers, upper, work, scratch, r->rootfs,
			  err) < 0)
		return -1;
	r->mounted = true;
	return 0;
}

static int write_config(struct run *r, const struct berth_run_opts *o, berr_t *err)
{
	_cleanup_close_ int rootfs_fd = -1, dfd = -1;
	_cleanup_free_ char *json = NULL;
	char buf[SHORT_ID_LEN + 1];
	struct spec_input in = {
		.opts = o,
		.image_config = r->img->config_json,
		.id = r->dir.id,
		.dir = r->dir.path,
	};

	if (etc_files_write(r->dir.path, container_hostname(o, r->dir.id, buf), o->network, err) < 0)
		return -1;
	if (o->network == BERTH_NET_NONE) {
		if (asprintf(&r->netns, "%s/netns", r->dir.path) < 0)
			return berr_errno(err, "netns");
		if (netns_create(r->netns, err) < 0) {
			/* the file may exist; the unwind removes it */
			return -1;
		}
		in.netns = r->netns;
	}
	rootfs_fd = open(r->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	dfd = open(r->dir.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfs_fd < 0 || dfd < 0)
		return berr_errno(err, "open %s", r->rootfs);
	in.rootfs_fd = rootfs_fd;
	if (spec_build(&in, &json, err) < 0)
		return -1;
	if (write_file_at(dfd, "config.json", json, strlen(json), 0600, err) < 0)
		return -1;
	{
		struct image_config ic;
		int ret;

		if (image_config_parse(r->img->config_json, &ic, err) < 0)
			return -1;
		ret = container_dir_record(&r->dir, r->img->id, o->image, ic.stop_signal, err);
		image_config_clear(&ic);
		return ret;
	}
}

/* Take back what exists; errors are joined into err only when it is empty. */
static int run_unwind(struct run *r, berr_t *err)
{
	_cleanup_berr_ berr_t e = NULL, e2 = NULL;
	int ret = 0;

	if (r->netns && netns_remove(r->netns, &e) < 0)
		ret = -1;
	if (r->mounted && overlay_umount(r->rootfs, ret < 0 ? &e2 : &e) < 0)
		ret = -1;
	r->mounted = r->mounted && ret < 0;
	/* a rootfs still mounted must not be walked by rm -rf */
	if (ret == 0 && container_dir_remove(&r->dir, &e) < 0)
		ret = -1;
	if (r->held && berth_image_release(r->e->store, r->dir.id, e ? &e2 : &e) == 0)
		r->held = false;
	else if (r->held)
		ret = -1;
	if (ret < 0 && err && !*err && e) {
		*err = e;
		e = NULL;
	}
	return ret;
}

static void run_clear(struct run *r)
{
	berth_image_free(r->img);
	container_dir_clear(&r->dir);
	free(r->rootfs);
	free(r->netns);
	free(r->rt_root);
}

/* 127: the command is not there; 126: it is there but cannot be run. */
static int exec_failure_status(berr_t err)
{
	if (!err || !err->msg || !strstr(err->msg, "exec "))
		return 125;
	if (err->errnum == ENOENT || err->errnum == ENOTDIR)
		return 127;
	if (err->errnum == EACCES || err->errnum == ENOEXEC || err->errnum == EISDIR ||
	    err->errnum == EPERM)
		return 126;
	return 125;
}

static int start(struct run *r, const struct berth_run_opts *o, int *status, berr_t *err)
{
	struct berth_runtime rt = { .debug = r->e->debug };
	struct berth_create_opts co = {
		.id = r->dir.id,
		.bundle = r->dir.path,
		.keep = !o->rm,
	};

	if (asprintf(&r->rt_root, "%s/runtime", r->e->runroot) < 0)
		return berr_errno(err, "runtime root");
	if (mkdir_p(r->rt_root, 0700, err) < 0)
		return -1;
	rt.root = r->rt_root;
	if (berth_run(&rt, &co, status, err) < 0) {
		*status = exec_failure_status(*err);
		return -1;
	}
	return 0;
}

/*
 * A ^C while the container is being made or taken back must not leave half of
 * it: termination signals wait until we are done (the runtime forwards the
 * ones that arrive while the container runs, pending ones included).
 */
static void block_termination(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, old);
}

static int run_blocked(const struct berth_engine *e, const struct berth_run_opts *o, int *status,
		       berr_t *err)
{
	struct run r = { .e = e };
	int ret;

	*status = 125;
	if (check_opts(o, err) < 0)
		return -1;
	ret = berth_image_lookup(e->store, o->image, &r.img, err);
	if (ret == -ENOENT) {
		berr_free(err);
		berr_fail(err, "no such image %s (load or pull it first)", o->image);
		if (*err)
			(*err)->errnum = ENOENT;
		return -1;
	}
	if (ret < 0)
		return -1;
	if (container_dir_create(berth_store_root(e->store), o->name, &r.dir, err) < 0)
		goto out;
	if (berth_image_hold(e->store, r.img->id, r.dir.id, err) < 0) {
		berr_prefix(err, "hold image");
		goto fail;
	}
	r.held = true;
	if (mount_rootfs(&r, o->rm, err) < 0 || write_config(&r, o, err) < 0 ||
	    start(&r, o, status, err) < 0)
		goto fail;
	/* the container ran: --rm takes it all back, else it stays, stopped and unmounted */
	if (o->rm) {
		ret = run_unwind(&r, err) < 0 ? berr_prefix(err, "remove container %.12s", r.dir.id) : 0;
	} else {
		ret = r.netns ? netns_remove(r.netns, err) : 0;
		if (ret == 0)
			ret = overlay_umount(r.rootfs, err);
	}
	run_clear(&r);
	return ret < 0 ? -1 : 0;
fail:
	run_unwind(&r, NULL);
out:
	run_clear(&r);
	return -1;
}

int berth_container_run(const struct berth_engine *e, const struct berth_run_opts *o,
			int *status, berr_t *err)
{
	sigset_t old;
	int ret;

	block_termination(&old);
	ret = run_blocked(e, o, status, err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
