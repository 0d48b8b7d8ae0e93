/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * events: runc's event stream.  Every interval a {"type":"stats",...} line;
 * an {"type":"oom",...} line as soon as the kernel OOM-kills in the cgroup;
 * the stream ends when the container stops.
 */
#include "container.h"
#include "cgroup.h"
#include "../util/cleanup.h"

#include <jansson.h>
#include <poll.h>
#include <stdint.h>
#include <sys/file.h>
#include <unistd.h>

static void emit(berth_event_cb cb, void *arg, const char *type, const char *id, json_t *data)
{
	json_t *o = json_pack("{s:s, s:s}", "type", type, "id", id);
	char *text;

	if (!o)
		return;
	if (data)
		json_object_set(o, "data", data);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (text)
		cb(text, arg);
	free(text);
}

static int emit_stats(struct cgroup *cg, const char *id, berth_event_cb cb, void *arg,
		      berr_t *err)
{
	json_t *stats = NULL;

	if (cgroup_stats(cg, &stats, err) < 0)
		return -1;
	emit(cb, arg, "stats", id, stats);
	json_decref(stats);
	return 0;
}

static bool still_running(const struct berth_runtime *rt, const char *id)
{
	struct berth_state st;
	bool alive;

	if (berth_state_get(rt, id, &st, NULL) < 0)
		return false;
	alive = st.status != BERTH_STOPPED;
	berth_state_clear(&st);
	return alive;
}

static int watch(const struct berth_runtime *rt, const char *id, struct cgroup *cg,
		 unsigned int interval_ms, berth_event_cb cb, void *arg, berr_t *err)
{
	_cleanup_close_ int oomfd = -1;
	uint64_t seen = 0, now;

	oomfd = cgroup_oom_fd(cg, NULL);
	cgroup_oom_count(cg, &seen, NULL);
	while (still_running(rt, id)) {
		struct pollfd p = { .fd = oomfd, .events = POLLIN };
		int r = poll(&p, 1, (int)interval_ms);

		if (r > 0) {
			uint64_t buf;

			/* eventfd (v1) or inotify (v2): drain, then count */
			if (read(oomfd, &buf, sizeof(buf)) < 0) {
				/* nothing: the count below decides */
			}
		}
		if (cgroup_oom_count(cg, &now, NULL) == 0 && now > seen) {
			seen = now;
			emit(cb, arg, "oom", id, NULL);
		}
		if (r == 0 && emit_stats(cg, id, cb, arg, err) < 0)
			return -1;
	}
	return 0;
}

int berth_events(const struct berth_runtime *rt, const char *id, bool stats_once,
		 unsigned int interval_ms, berth_event_cb cb, void *arg, berr_t *err)
{
	struct container c;
	struct cgroup *cg = NULL;
	int ret;

	ret = container_open_live(rt, id, &c, &cg, true, err);
	/* the stream may run for days: don't hold the container's lock */
	if (c.dirfd >= 0)
		flock(c.dirfd, LOCK_UN);
	if (ret == 0 && stats_once)
		ret = emit_stats(cg, id, cb, arg, err);
	else if (ret == 0)
		ret = watch(rt, id, cg, interval_ms ? interval_ms : 5000, cb, arg, err);
	cgroup_free(cg);
	container_clear(&c);
	return ret;
}
