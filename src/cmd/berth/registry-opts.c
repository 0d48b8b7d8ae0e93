/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flags pull, push and login share. */
#include "commands.h"

#include <string.h>
#include <strings.h>
#include <unistd.h>

static int parse_bool(const char *s)
{
	if (!s || !strcasecmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcasecmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

int cmd_registry_opt(const char *cmd, int c, const char *arg, struct berth_registry_opts *o)
{
	switch (c) {
	case OPT_REG_PLATFORM:
		o->platform = arg;
		return 0;
	case OPT_REG_CREDS:
		o->creds = arg;
		return 0;
	case OPT_REG_AUTHFILE:
		o->authfile = arg;
		return 0;
	case OPT_REG_CERT_DIR:
		o->cert_dir = arg;
		return 0;
	case OPT_REG_TLS_VERIFY:
		o->tls_verify = parse_bool(arg);
		if (o->tls_verify < 0)
			return cmd_usage_error(cmd, "--tls-verify takes true or false");
		return 0;
	default:
		return 1;
	}
}

enum berth_progress cmd_progress(bool quiet)
{
	if (quiet)
		return BERTH_PROGRESS_QUIET;
	return isatty(STDERR_FILENO) ? BERTH_PROGRESS_BARS : BERTH_PROGRESS_LINES;
}
