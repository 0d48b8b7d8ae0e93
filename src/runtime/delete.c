/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * delete: only a stopped container, unless forced (the spec says deleting a
 * created or running one MUST fail).  poststop hooks run from the config
 * saved at create, so a changed or removed bundle does not matter.
 */
#include "container.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

int container_delete(struct container *c, bool force, berr_t *err)
{
	struct berth_state *st = &c->st;
	_cleanup_berr_ berr_t e = NULL;

	if (st->status != BERTH_STOPPED) {
		if (!force && st->status != BERTH_CREATING)
			return berr_fail(err, "cannot delete container \"%s\" that is %s (use --force)",
					 st->id, berth_status_name(st->status));
		if (st->pid > 0 && container_force_stop(st, err) < 0)
			return -1;
	}
	/* the saved config is missing if create died early: no hooks to run then */
	if (!c->spec)
		container_load_spec(c->dirfd, &c->spec, &e);
	if (c->spec) {
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
		ret = container_delete(&c, force, err);
	container_clear(&c);
	return ret;
}
