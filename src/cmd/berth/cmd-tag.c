/* SPDX-License-Identifier: GPL-2.0-or-later */
/* berth tag SOURCE TARGET: another name for an image. */
#include "commands.h"
#include "util/cleanup.h"

static const char help[] =
	"usage: berth tag SOURCE_IMAGE TARGET_IMAGE[:TAG]\n"
	"\n"
	"Give an image another name; a name another image had moves to this one.\n";

int cmd_tag(const struct berth_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_berr_ berr_t err = NULL;
	struct berth_store *s;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(help);
		return cmd_usage_error(argv[0], "unknown option \"%s\"", argv[optind - 1]);
	}
	if (argc - optind != 2)
		return cmd_usage_error(argv[0], "want SOURCE_IMAGE and TARGET_IMAGE");
	s = cmd_store_open(ctx);
	if (!s)
		return 1;
	ret = berth_image_tag(s, argv[optind], argv[optind + 1], &err);
	berth_store_close(s);
	return ret < 0 ? cmd_fail(NULL, &err) : 0;
}
