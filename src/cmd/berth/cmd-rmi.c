/* SPDX-License-Identifier: GPL-2.0-or-later */
/* berth rmi [-f] IMAGE...: untag, and remove images left without a name. */
#include "commands.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
	"usage: berth rmi [options] IMAGE...\n"
	"\n"
	"By name: remove that name; the image goes with its last one.\n"
	"By ID: remove the image and all its names.\n"
	"\n"
	"  -f, --force   also images in use by containers (they lose their names\n"
	"                now and go at the next prune once no longer used)\n";

static bool strv_contains(char **v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

/* Say what went, as docker does: "Untagged: NAME", then "Deleted: ID". */
static int remove_one(struct berth_store *s, const char *arg, bool force)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_image *before = NULL, *after = NULL;
	int ret;

	if (berth_image_lookup(s, arg, &before, &err) < 0)
		return cmd_fail(NULL, &err);
	ret = berth_image_remove(s, arg, force, &err);
	if (ret < 0) {
		berth_image_free(before);
		return cmd_fail(NULL, &err);
	}
	if (berth_image_lookup(s, before->id, &after, &err) < 0)
		berr_free(&err);
	for (char **n = before->names; n && *n; n++)
		if (!after || !strv_contains(after->names, *n))
			printf("Untagged: %s\n", *n);
	if (!after)
		printf("Deleted: %s\n", before->id);
	berth_image_free(before);
	berth_image_free(after);
	return 0;
}

int cmd_rmi(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct berth_store *s;
	bool force = false;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error(argv[0], "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(argv[0], "want at least one IMAGE");
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	/* like docker: every image is tried; any failure fails the command */
	for (int i = optind; i < argc; i++)
		ret |= remove_one(s, argv[i], force);
	berth_store_close(s);
	return ret;
}
