/* SPDX-License-Identifier: GPL-2.0-or-later */
/* berth inspect IMAGE...: a JSON array, shaped like podman's image inspect. */
#include "commands.h"
#include "util/cleanup.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: berth inspect IMAGE...\n"
	"\n"
	"Print the images' details as a JSON array.\n";

/* "domain/path" of a stored name (tag and digest cut off) */
static char *name_repo(const char *name)
{
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t)(at - name) : strlen(name);
	const char *slash = memrchr(name, '/', n);
	const char *colon = memrchr(slash ? slash : name, ':', n - (size_t)((slash ? slash : name) - name));

	return strndup(name, colon ? (size_t)(colon - name) : n);
}

static json_t *image_json(const struct berth_image *img)
{
	json_t *config = NULL, *o, *tags = json_array(), *digests = json_array(),
	       *diffs = json_array(), *dirs = json_array();
	const char *created = NULL, *arch = NULL, *os = NULL;
	char stored[32];

	if (img->config_json)
		config = json_loads(img->config_json, 0, NULL);
	if (json_is_object(config)) {
		created = json_string_value(json_object_get(config, "created"));
		arch = json_string_value(json_object_get(config, "architecture"));
		os = json_string_value(json_object_get(config, "os"));
	}
	if (!created) {
		time_t t = (time_t)img->created;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(stored, sizeof(stored), "%Y-%m-%dT%H:%M:%SZ", &tm);
		created = stored;
	}
	for (char **n = img->names; n && *n; n++) {
		_cleanup_free_ char *repo = name_repo(*n);
		char *rd = NULL;

		if (!strchr(*n, '@'))
			json_array_append_new(tags, json_string(*n));
		if (repo && img->manifest_digest && asprintf(&rd, "%s@%s", repo, img->manifest_digest) > 0) {
			/* one digest per repository, however many tags it has */
			bool seen = false;
			size_t i;
			json_t *v;

			json_array_foreach(digests, i, v)
				seen |= !strcmp(json_string_value(v), rd);
			if (!seen)
				json_array_append_new(digests, json_string(rd));
			free(rd);
		}
	}
	for (size_t i = 0; i < img->n_layers; i++) {
		json_array_append_new(diffs, json_string(img->diff_ids[i]));
		json_array_append_new(dirs, json_string(img->layer_dirs[i]));
	}
	o = json_pack("{s:s, s:s?, s:s?, s:o, s:o, s:s, s:s?, s:s?, s:O?, s:{s:s, s:o}, s:I, s:o}",
		      "Id", img->id, "Digest", img->manifest_digest, "MediaType", img->manifest_type,
		      "RepoTags", tags, "RepoDigests", digests, "Created", created,
		      "Architecture", arch, "Os", os,
		      "Config", json_is_object(config) ? json_object_get(config, "config") : NULL,
		      "RootFS", "Type", "layers", "Layers", diffs, "Size", (json_int_t)img->size,
		      "Layers", dirs);
	json_decref(config);
	return o;
}

int cmd_inspect(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_store *s;
	json_t *a;
	char *text;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(help);
		return cmd_usage_error(argv[0], "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind >= argc)
		return cmd_usage_error(argv[0], "want at least one IMAGE");
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	a = json_array();
	/* what was found is printed; each miss is an error and fails the command */
	for (int i = optind; i < argc; i++) {
		_cleanup_berr_ berr_t err = NULL;
		struct berth_image *img = NULL;
		json_t *o;

		if (berth_image_lookup(s, argv[i], &img, &err) < 0) {
			ret = cmd_fail(NULL, &err);
			continue;
		}
		o = image_json(img);
		berth_image_free(img);
		if (!o || json_array_append_new(a, o) < 0) {
			fprintf(stderr, "berth: inspect %s: out of memory\n", argv[i]);
			ret = 1;
		}
	}
	berth_store_close(s);
	text = json_dumps(a, JSON_INDENT(4));
	json_decref(a);
	if (text)
		puts(text);
	free(text);
	return ret;
}
