/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: berth-runtime events [--stats] [--interval DURATION] ID\n"
	"\n"
	"Stream the container's events as JSON lines (stats every interval, oom).\n"
	"      --stats            print one stats event and exit\n"
	"      --interval D       stats interval: 5s, 500ms, 1m (default 5s)\n";

static void print_line(const char *line, void *arg)
{
	(void)arg;
	puts(line);
	fflush(stdout);
}

/* "5s", "500ms", "1m", "2" (seconds) -> ms; 0 on error */
static unsigned int parse_duration(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return 0;
	if (!strcmp(end, "ms"))
		return (unsigned int)v;
	if (!*end || !strcmp(end, "s"))
		return (unsigned int)(v * 1000);
	if (!strcmp(end, "m"))
		return (unsigned int)(v * 60000);
	return 0;
}

enum { OPT_STATS = 256, OPT_INTERVAL };

int cmd_events(const struct berth_runtime *rt, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int interval = 5000;
	bool stats = false;
	berr_t err = NULL;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_STATS:
			stats = true;
			break;
		case OPT_INTERVAL:
			interval = parse_duration(optarg);
			if (!interval)
				return cmd_usage_error("events", "--interval: bad duration \"%s\"", optarg);
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error("events", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	id = cmd_one_id("events", argc, argv);
	if (!id)
		return 1;
	if (berth_events(rt, id, stats, interval, print_line, NULL, &err) < 0)
		return cmd_fail_id("events", id, &err);
	return 0;
}
