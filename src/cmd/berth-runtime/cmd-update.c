/* SPDX-License-Identifier: GPL-2.0-or-later */
/* update: runc's flags (or -r FILE) turned into a linux.resources object. */
#include "commands.h"
#include "util/fs.h"

#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: berth-runtime update [options] ID\n"
	"\n"
	"Change the resource limits of a running container.\n"
	"  -r, --resources FILE        linux.resources JSON (\"-\" for stdin)\n"
	"      --memory BYTES          memory limit (k, m, g suffixes; -1 unlimited)\n"
	"      --memory-reservation B  memory soft limit\n"
	"      --memory-swap BYTES     memory + swap limit (-1 unlimited)\n"
	"      --cpu-shares N          relative CPU weight (v2: converted to cpu.weight)\n"
	"      --cpu-quota US          CPU time per period (-1 unlimited)\n"
	"      --cpu-period US         CPU period\n"
	"      --cpu-rt-runtime US     realtime runtime\n"
	"      --cpu-rt-period US      realtime period\n"
	"      --cpuset-cpus LIST      CPUs allowed (0-3,5)\n"
	"      --cpuset-mems LIST      memory nodes allowed\n"
	"      --pids-limit N          maximum number of processes (-1 unlimited)\n"
	"      --blkio-weight N        block IO weight (10-1000)\n";

/* "512m" -> 536870912; "-1" stays -1 */
static int parse_bytes(const char *s, json_int_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	long long mul = 1;

	if (end == s)
		return -1;
	if (v == -1 && !*end) {
		*out = -1;
		return 0;
	}
	switch (tolower((unsigned char)*end)) {
	case '\0': break;
	case 'b': break;
	case 'k': mul = 1LL << 10; break;
	case 'm': mul = 1LL << 20; break;
	case 'g': mul = 1LL << 30; break;
	case 't': mul = 1LL << 40; break;
	default: return -1;
	}
	if (*end && end[1] && strcasecmp(end + 1, "b") && strcasecmp(end + 1, "ib"))
		return -1;
	if (v < 0 || v > INT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_int(const char *s, json_int_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static const struct {
	const char *flag;
	const char *section;
	const char *key;
	int kind; /* 0 bytes, 1 int, 2 string */
} flags[] = {
	{ "memory", "memory", "limit", 0 },
	{ "memory-reservation", "memory", "reservation", 0 },
	{ "memory-swap", "memory", "swap", 0 },
	{ "cpu-shares", "cpu", "shares", 1 },
	{ "cpu-share", "cpu", "shares", 1 },
	{ "cpu-quota", "cpu", "quota", 1 },
	{ "cpu-period", "cpu", "period", 1 },
	{ "cpu-rt-runtime", "cpu", "realtimeRuntime", 1 },
	{ "cpu-rt-period", "cpu", "realtimePeriod", 1 },
	{ "cpuset-cpus", "cpu", "cpus", 2 },
	{ "cpuset-mems", "cpu", "mems", 2 },
	{ "pids-limit", "pids", "limit", 1 },
	{ "blkio-weight", "blockIO", "weight", 1 },
};

static int set_flag(json_t *res, size_t i, const char *val)
{
	json_t *sec = json_object_get(res, flags[i].section);
	json_int_t n;

	if (!sec) {
		sec = json_object();
		json_object_set_new(res, flags[i].section, sec);
	}
	if (flags[i].kind == 2)
		return json_object_set_new(sec, flags[i].key, json_string(val));
	if ((flags[i].kind == 0 ? parse_bytes(val, &n) : parse_int(val, &n)) < 0) {
		cmd_usage_error("update", "--%s: bad value \"%s\"", flags[i].flag, val);
		return -1;
	}
	return json_object_set_new(sec, flags[i].key, json_integer(n));
}

static int read_resources(const char *path, json_t **res)
{
	json_error_t jerr;

	*res = strcmp(path, "-") ? json_load_file(path, 0, &jerr) : json_loadf(stdin, 0, &jerr);
	if (!*res) {
		fprintf(stderr, "berth-runtime: update: %s: %s\n", path, jerr.text);
		return -1;
	}
	return 0;
}

int cmd_update(const struct berth_runtime *rt, int argc, char **argv)
{
	struct option opts[sizeof(flags) / sizeof(flags[0]) + 3];
	json_t *res = NULL;
	berr_t err = NULL;
	char *text = NULL;
	const char *id;
	int c, idx, ret = 1;
	size_t n = 0;

	for (; n < sizeof(flags) / sizeof(flags[0]); n++)
		opts[n] = (struct option){ flags[n].flag, required_argument, NULL, 1000 + (int)n };
	opts[n++] = (struct option){ "resources", required_argument, NULL, 'r' };
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };

	res = json_object();
	while ((c = getopt_long(argc, argv, "+r:h", opts, &idx)) != -1) {
		json_t *file;

		if (c >= 1000) {
			if (set_flag(res, (size_t)(c - 1000), optarg) < 0)
				goto out;
		} else if (c == 'r') {
			if (read_resources(optarg, &file) < 0)
				goto out;
			json_object_update_recursive(res, file);
			json_decref(file);
		} else if (c == 'h') {
			ret = cmd_help(help);
			goto out;
		} else {
			ret = cmd_usage_error("update", "unknown option \"%s\"", argv[optind - 1]);
			goto out;
		}
	}
	id = cmd_one_id("update", argc, argv);
	if (!id)
		goto out;
	text = json_dumps(res, JSON_COMPACT);
	if (!text)
		goto out;
	ret = 0;
	if (berth_update(rt, id, text, &err) < 0) {
		ret = cmd_fail_id("update", id, &err);
	}
out:
	free(text);
	json_decref(res);
	return ret;
}
