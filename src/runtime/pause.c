/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pause/resume: the cgroup freezer (v1 freezer.state, v2 cgroup.freeze).
 * A marker file in the state directory makes `state` say "paused" without
 * reading cgroupfs on every query.
 */
#include "container.h"
#include "cgroup.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <unistd.h>

static int set_frozen(const struct berth_runtime *rt, const char *id, bool frozen, berr_t *err)
{
	struct container c;
	struct cgroup *cg = NULL;
	int ret;

	ret = container_open(rt, id, &c, err);
	if (ret == 0 && c.st.status != (frozen ? BERTH_RUNNING : BERTH_PAUSED))
		ret = berr_fail(err, "container \"%s\" is %s, not %s", id,
				berth_status_name(c.st.status), frozen ? "running" : "paused");
	if (ret == 0)
		ret = container_cgroup(rt, &c, &cg, err);
	if (ret == 0 && !cg)
		ret = berr_fail(err, "container \"%s\" has no cgroup to freeze", id);
	if (ret == 0)
		ret = cgroup_freeze(cg, frozen, err);
	if (ret == 0 && frozen)
		ret = write_file_at(c.dirfd, PAUSED_FILE, "", 0, 0600, err);
	if (ret == 0 && !frozen && unlinkat(c.dirfd, PAUSED_FILE, 0) < 0)
		ret = berr_errno(err, "remove %s", PAUSED_FILE);
	cgroup_free(cg);
	container_clear(&c);
	return ret;
}

int berth_pause(const struct berth_runtime *rt, const char *id, berr_t *err)
{
	return set_frozen(rt, id, true, err);
}

int berth_resume(const struct berth_runtime *rt, const char *id, berr_t *err)
{
	return set_frozen(rt, id, false, err);
}
