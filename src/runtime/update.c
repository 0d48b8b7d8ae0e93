/* SPDX-License-Identifier: GPL-2.0-or-later */
/* update and ps: what a live container's cgroup can tell and take. */
#include "container.h"
#include "cgroup.h"
#include "../util/cleanup.h"

#include <jansson.h>

int berth_update(const struct berth_runtime *rt, const char *id, const char *resources_json,
		 berr_t *err)
{
	struct container c;
	struct cgroup *cg = NULL;
	json_error_t jerr;
	json_t *res;
	int ret;

	res = json_loads(resources_json, 0, &jerr);
	if (!res)
		return berr_fail(err, "resources: line %d column %d: %s", jerr.line, jerr.column,
				 jerr.text);
	if (!json_is_object(res)) {
		json_decref(res);
		return berr_fail(err, "resources: must be an object");
	}
	ret = container_open_live(rt, id, &c, &cg, true, err);
	if (ret == 0)
		ret = cgroup_update(cg, res, err);
	json_decref(res);
	cgroup_free(cg);
	container_clear(&c);
	return ret;
}

int berth_ps(const struct berth_runtime *rt, const char *id, pid_t **pids, size_t *n,
	     berr_t *err)
{
	struct container c;
	struct cgroup *cg = NULL;
	int ret;

	*pids = NULL;
	*n = 0;
	ret = container_open_live(rt, id, &c, &cg, false, err);
	if (ret == 0 && cg)
		ret = cgroup_pids(cg, pids, n, err);
	else if (ret == 0) {
		/* no cgroup (--cgroup-manager disabled): the init is all we know */
		*pids = malloc(sizeof(**pids));
		if (!*pids)
			ret = berr_errno(err, "ps");
		else
			(*pids)[0] = c.st.pid, *n = 1;
	}
	cgroup_free(cg);
	container_clear(&c);
	return ret;
}
