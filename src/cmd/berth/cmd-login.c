/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB */
#include "commands.h"
#include <errno.h>

int cmd_login(const struct berth_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return cmd_usage_error("login", "not implemented yet");
}

int cmd_logout(const struct berth_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return cmd_usage_error("logout", "not implemented yet");
}

