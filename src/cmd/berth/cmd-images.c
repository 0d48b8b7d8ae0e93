/* SPDX-License-Identifier: GPL-2.0-or-later */
/* berth images: the store's images, as a docker-like table or JSON. */
#include "commands.h"
#include "util/cleanup.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: berth images [options]\n"
	"\n"
	"List the images of the store, one line per name.\n"
	"\n"
	"  -q, --quiet            only image IDs, one per image\n"
	"      --no-trunc         full image IDs\n"
	"      --format FORMAT    table (default) or json\n";

static void time_ago(int64_t when, char *buf, size_t len)
{
	int64_t d = (int64_t)time(NULL) - when;

	if (d < 1)
		snprintf(buf, len, "Less than a second ago");
	else if (d < 60)
		snprintf(buf, len, "%lld seconds ago", (long long)d);
	else if (d < 120)
		snprintf(buf, len, "About a minute ago");
	else if (d < 3600)
		snprintf(buf, len, "%lld minutes ago", (long long)(d / 60));
	else if (d < 7200)
		snprintf(buf, len, "About an hour ago");
	else if (d < 48 * 3600)
		snprintf(buf, len, "%lld hours ago", (long long)(d / 3600));
	else if (d < 14 * 86400)
		snprintf(buf, len, "%lld days ago", (long long)(d / 86400));
	else if (d < 60 * 86400)
		snprintf(buf, len, "%lld weeks ago", (long long)(d / (7 * 86400)));
	else if (d < 730 * 86400)
		snprintf(buf, len, "%lld months ago", (long long)(d / (30 * 86400)));
	else
		snprintf(buf, len, "%lld years ago", (long long)(d / (365 * 86400)));
}

/* "domain/path:tag@digest" -> repository and tag ("<none>" when absent) */
static void split_name(const char *name, char *repo, size_t rlen, char *tag, size_t tlen)
{
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t)(at - name) : strlen(name);
	const char *slash = memrchr(name, '/', n);
	const char *colon = memrchr(slash ? slash : name, ':', n - (size_t)((slash ? slash : name) - name));

	if (colon) {
		snprintf(repo, rlen, "%.*s", (int)(colon - name), name);
		snprintf(tag, tlen, "%.*s", (int)(n - (size_t)(colon - name) - 1), colon + 1);
	} else {
		snprintf(repo, rlen, "%.*s", (int)n, name);
		snprintf(tag, tlen, "<none>");
	}
}

static const char *short_id(const char *id, bool no_trunc, char buf[static 13])
{
	if (no_trunc)
		return id;
	snprintf(buf, 13, "%s", id + 7);
	return buf;
}

static void print_table(struct berth_image **v, size_t n, bool no_trunc)
{
	printf("%-40s %-14s %-*s %-24s %s\n", "REPOSITORY", "TAG", no_trunc ? 71 : 12, "IMAGE ID",
	       "CREATED", "SIZE");
	for (size_t i = 0; i < n; i++) {
		char idb[13], created[64], size[32], repo[512], tag[256];
		const char *id = short_id(v[i]->id, no_trunc, idb);

		time_ago(v[i]->created, created, sizeof(created));
		cmd_human_size(v[i]->size, size, sizeof(size));
		if (!v[i]->names || !v[i]->names[0]) {
			printf("%-40s %-14s %-*s %-24s %s\n", "<none>", "<none>", no_trunc ? 71 : 12,
			       id, created, size);
			continue;
		}
		for (char **name = v[i]->names; *name; name++) {
			split_name(*name, repo, sizeof(repo), tag, sizeof(tag));
			printf("%-40s %-14s %-*s %-24s %s\n", repo, tag, no_trunc ? 71 : 12, id, created,
			       size);
		}
	}
}

static int print_json(struct berth_image **v, size_t n)
{
	json_t *a = json_array();
	char *text;

	if (!a)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *names = json_array(), *o;

		for (char **name = v[i]->names; name && *name; name++)
			json_array_append_new(names, json_string(*name));
		o = json_pack("{s:s, s:o, s:s?, s:I, s:I, s:I}", "Id", v[i]->id, "Names", names,
			      "Digest", v[i]->manifest_digest, "Size", (json_int_t)v[i]->size,
			      "Created", (json_int_t)v[i]->created, "Layers",
			      (json_int_t)v[i]->n_layers);
		if (!o || json_array_append_new(a, o) < 0) {
			json_decref(a);
			return -1;
		}
	}
	text = json_dumps(a, JSON_INDENT(4));
	json_decref(a);
	if (!text)
		return -1;
	puts(text);
	free(text);
	return 0;
}

int cmd_images(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_berr_ berr_t err = NULL;
	struct berth_image **v = NULL;
	struct berth_store *s;
	bool quiet = false, no_trunc = false, json = false;
	size_t n = 0;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'T':
			no_trunc = true;
			break;
		case 'f':
			if (!strcmp(optarg, "json"))
				json = true;
			else if (strcmp(optarg, "table"))
				return cmd_usage_error(argv[0], "unknown format \"%s\"", optarg);
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error(argv[0], "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error(argv[0], "unexpected argument \"%s\"", argv[optind]);
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	if (berth_image_list(s, &v, &n, &err) < 0) {
		berth_store_close(s);
		return cmd_fail(NULL, &err);
	}
	if (quiet) {
		for (size_t i = 0; i < n; i++) {
			char idb[13];

			puts(short_id(v[i]->id, no_trunc, idb));
		}
	} else if (json) {
		if (print_json(v, n) < 0) {
			fprintf(stderr, "berth: images: out of memory\n");
			ret = 1;
		}
	} else {
		print_table(v, n, no_trunc);
	}
	berth_image_list_free(v, n);
	berth_store_close(s);
	return ret;
}
