/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char help[] =
	"usage: berth-runtime list [options]\n"
	"\n"
	"  -f, --format table|json   output format (default table)\n"
	"  -q, --quiet               only container IDs\n";

static void print_json(const struct berth_state *v, size_t n)
{
	json_t *a = json_array();
	char *text;

	for (size_t i = 0; i < n; i++) {
		char *s = berth_state_to_json(&v[i], false);
		json_t *o = s ? json_loads(s, 0, NULL) : NULL;

		free(s);
		if (o)
			json_array_append_new(a, o);
	}
	text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (text)
		puts(text);
	free(text);
}

static const char *owner_of(const struct berth_runtime *rt, const char *id)
{
	char path[4096];
	struct stat sb;
	struct passwd *pw;

	snprintf(path, sizeof(path), "%s/%s", rt->root, id);
	if (stat(path, &sb) < 0)
		return "";
	pw = getpwuid(sb.st_uid);
	return pw ? pw->pw_name : "";
}

int cmd_list(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_state *v = NULL;
	berr_t err = NULL;
	bool quiet = false, json = false;
	size_t n = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "json"))
				json = true;
			else if (strcmp(optarg, "table"))
				return cmd_usage_error("list", "unknown format \"%s\"", optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error("list", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error("list", "unexpected argument \"%s\"", argv[optind]);
	if (berth_list(rt, &v, &n, &err) < 0) {
		ret = cmd_fail("list", err);
		berr_free(&err);
		return ret;
	}
	if (json) {
		print_json(v, n);
	} else if (quiet) {
		for (size_t i = 0; i < n; i++)
			puts(v[i].id);
	} else {
		printf("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
		for (size_t i = 0; i < n; i++)
			printf("%-12s %-10d %-10s %-40s %-30s %s\n", v[i].id,
			       v[i].status == BERTH_STOPPED ? 0 : v[i].pid,
			       berth_status_name(v[i].status), v[i].bundle, v[i].created,
			       owner_of(rt, v[i].id));
	}
	for (size_t i = 0; i < n; i++)
		berth_state_clear(&v[i]);
	free(v);
	return 0;
}
