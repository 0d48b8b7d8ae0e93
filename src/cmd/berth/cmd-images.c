/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB */
#include "commands.h"
#include <errno.h>

int cmd_images(const struct berth_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return cmd_usage_error("images", "not implemented yet");
}

