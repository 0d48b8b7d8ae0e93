/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json parser: "hooks". */
#include "spec-internal.h"

#include <limits.h>
#include <stdlib.h>

/* ---- hooks ------------------------------------------------------------- */

static int parse_hook(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_hook *h = elem;
	json_int_t timeout;
	int r;

	r = get_abs_path(o, path, "path", REQ, &h->path, err);
	if (r < 0)
		return r;
	r = get_strv(o, path, "args", OPT, NULL, &h->args, err);
	if (r < 0)
		return r;
	/* An empty argv is never meant; absent args mean argv = {path}. */
	if (h->args && !h->args[0]) {
		free(h->args);
		h->args = NULL;
	}
	r = get_strv(o, path, "env", OPT, check_env, &h->env, err);
	if (r < 0)
		return r;
	r = get_int(o, path, "timeout", OPT, 1, INT_MAX, &timeout, err);
	if (r < 0)
		return r;
	if (r > 0)
		h->timeout = (int)timeout;
	return 0;
}

int spec_hooks_parse(json_t *root, struct spec *s, berr_t *err)
{
	json_t *hooks;
	int r;

	r = get_object(root, "", "hooks", OPT, &hooks, err);
	if (r <= 0)
		return r;
	for (int k = 0; k < SPEC_HOOK_KIND_COUNT; k++) {
		struct spec_hooks *hk = &s->hooks[k];
		const char *name = spec_hook_name((enum spec_hook_kind)k);
		char p[FIELD_PATH_MAX];
		json_t *arr;

		r = get_array(hooks, "hooks", name, OPT, &arr, err);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		hk->v = calloc(json_array_size(arr) + 1, sizeof(*hk->v));
		if (!hk->v)
			return fail_oom(err);
		hk->n = json_array_size(arr);
		r = parse_each(arr, path_key(p, "hooks", name), hk->v, sizeof(*hk->v),
			       parse_hook, NULL, err);
		if (r < 0)
			return r;
	}
	return 0;
}

void spec_hooks_free(struct spec_hooks *hk)
{
	for (size_t i = 0; i < hk->n; i++) {
		free(hk->v[i].args);
		free(hk->v[i].env);
	}
	free(hk->v);
}
