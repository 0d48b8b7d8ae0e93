/* SPDX-License-Identifier: GPL-2.0-or-later */
/* berth image SUBCOMMAND: prune, and the image commands under their docker names. */
#include "commands.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: berth image COMMAND\n"
	"\n"
	"  ls        list images (berth images)\n"
	"  rm        remove images (berth rmi)\n"
	"  tag       give an image another name (berth tag)\n"
	"  inspect   show an image's details (berth inspect)\n"
	"  prune     remove unused images\n";

static const char prune_help[] =
	"usage: berth image prune [options]\n"
	"\n"
	"Remove images without a name, then the blobs and layers no image uses.\n"
	"\n"
	"  -a, --all     remove every image no container uses, named or not\n"
	"  -f, --force   do not ask for confirmation\n";

static bool confirm(bool all)
{
	char line[16];

	fprintf(stderr, "WARNING! This will remove all %s.\nAre you sure you want to continue? [y/N] ",
		all ? "images without at least one container associated to them"
		    : "dangling images");
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

static int cmd_prune(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s;
	bool all = false, force = false;
	uint64_t freed = 0;
	char size[32];
	int c, ret;

	while ((c = getopt_long(argc, argv, "+afh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			return cmd_help(prune_help);
		default:
			return cmd_usage_error("image prune", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error("image prune", "unexpected argument \"%s\"", argv[optind]);
	if (!force && !confirm(all))
		return 0;
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	ret = berth_image_prune(s, all, &freed, &err);
	berth_store_close(s);
	if (ret < 0)
		return cmd_fail(NULL, &err);
	cmd_human_size(freed, size, sizeof(size));
	printf("Total reclaimed space: %s\n", size);
	return 0;
}

int cmd_image(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct berth_ctx *, int, char **);
	} subs[] = {
		{ "prune", cmd_prune }, { "ls", cmd_images },   { "list", cmd_images },
		{ "rm", cmd_rmi },      { "tag", cmd_tag },     { "inspect", cmd_inspect },
	};

	if (argc < 2)
		return cmd_usage_error("image", "want a subcommand");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cmd_help(help);
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		if (strcmp(argv[1], subs[i].name))
			continue;
		optind = 0; /* the subcommand parses its own flags */
		return subs[i].fn(ctx, argc - 1, argv + 1);
	}
	return cmd_usage_error("image", "unknown subcommand \"%s\"", argv[1]);
}
