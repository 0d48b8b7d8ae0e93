/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * delete: only a stopped container, unless forced (the spec says deleting a
 * created or running one MUST fail).  Then the cgroup goes, with anything
 * still in it, and the poststop hooks run from the config saved at create,
 * so a changed or removed bundle does not matter.
 */
#include "container.h"
#include "cgroup.h"
#include "rootfs.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

static int stop_for_delete(const struct berth_runtime *rt, struct container *c,
			   struct cgroup *cg, bool force, berr_t *err)
{
	struct berth_state *st = &c->st;

	if (st->status == BERTH_STOPPED)
		return 0;
	if (!force && st->status != BERTH_CREATING)
		return berr_fail(err, "cannot delete container \"%s\" that is %s (use --force)", st->id,
				 berth_status_name(st->status));
	/* a frozen process cannot die: thaw first */
	if (st->status == BERTH_PAUSED && cg && cgroup_freeze(cg, false, err) < 0)
		return -1;
	if (st->pid > 0 && container_force_stop(st, err) < 0)
		return -1;
	return 0;
}

int container_delete(const struct berth_runtime *rt, struct container *c, bool force, berr_t *err)
{
	struct berth_state *st = &c->st;
	_cleanup_berr_ berr_t e = NULL;
	struct cgroup *cg = NULL;
	int ret;

	ret = container_cgroup(rt, c, &cg, err);
	if (ret == 0)
		ret = stop_for_delete(rt, c, cg, force, err);
	if (ret == 0 && cg)
		ret = cgroup_destroy(cg, err);
	cgroup_free(cg);
	if (ret < 0)
		return ret;
	/* the saved config is missing if create died early: no hooks to run then */
	if (!c->spec)
		container_load_spec(c->dirfd, &c->spec, &e);
	if (c->spec) {
		rootfs_release_host(c->spec, st->rootfs);
		st->status = BERTH_STOPPED;
		container_hooks_warn(c->spec, SPEC_HOOK_POSTSTOP, st, "stopped");
	}
	return remove_tree_at(c->rootfd, st->id, err);
}

int berth_delete(const struct berth_runtime *rt, const char *id, bool force, berr_t *err)
{
	struct container c;
	int ret;

	ret = container_open(rt, id, &c, err);
	if (ret == 0)
		ret = container_delete(rt, &c, force, err);
	container_clear(&c);
	return ret;
}
