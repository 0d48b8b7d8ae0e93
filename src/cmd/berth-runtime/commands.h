/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_RUNTIME_COMMANDS_H
#define BERTH_RUNTIME_COMMANDS_H

#include <getopt.h>
#include "runtime/berth-runtime.h"

/* One function per command: parse flags, call libberth-runtime, print.
 * argv[0] is the command name; return the process exit status. */
int cmd_create(const struct berth_runtime *rt, int argc, char **argv);
int cmd_start(const struct berth_runtime *rt, int argc, char **argv);
int cmd_run(const struct berth_runtime *rt, int argc, char **argv);
int cmd_exec(const struct berth_runtime *rt, int argc, char **argv);
int cmd_state(const struct berth_runtime *rt, int argc, char **argv);
int cmd_kill(const struct berth_runtime *rt, int argc, char **argv);
int cmd_delete(const struct berth_runtime *rt, int argc, char **argv);
int cmd_pause(const struct berth_runtime *rt, int argc, char **argv);
int cmd_resume(const struct berth_runtime *rt, int argc, char **argv);
int cmd_ps(const struct berth_runtime *rt, int argc, char **argv);
int cmd_update(const struct berth_runtime *rt, int argc, char **argv);
int cmd_events(const struct berth_runtime *rt, int argc, char **argv);
int cmd_list(const struct berth_runtime *rt, int argc, char **argv);
int cmd_spec(const struct berth_runtime *rt, int argc, char **argv);
int cmd_features(const struct berth_runtime *rt, int argc, char **argv);
int cmd_checkpoint(const struct berth_runtime *rt, int argc, char **argv);
int cmd_restore(const struct berth_runtime *rt, int argc, char **argv);

/* "berth-runtime: <what>: <message>" on stderr and in the --log file; returns 1. */
int cmd_fail(const char *what, berr_t err);
/* cmd_fail() for "CMD ID: message"; frees *err. */
int cmd_fail_id(const char *cmd, const char *id, berr_t *err);
/* Usage error: "berth-runtime <cmd>: <message>" + hint; returns 2? runc uses 1. */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The one positional argument (container ID); NULL with an error printed otherwise. */
const char *cmd_one_id(const char *cmd, int argc, char **argv);
/* Flags shared by create and run: 0 ok, -1 --help, >0 usage error (exit status). */
int cmd_parse_create_opts(const char *cmd, int argc, char **argv, struct berth_create_opts *o);
/* Print help text for a command and return 0. */
int cmd_help(const char *text);

/* checkpoint and restore (cmd-checkpoint.c): the flags both take */
enum {
	CKPT_OPT_IMAGE = 256, CKPT_OPT_WORK, CKPT_OPT_PARENT, CKPT_OPT_LEAVE, CKPT_OPT_PRE,
	CKPT_OPT_TCP, CKPT_OPT_EXT_UNIX, CKPT_OPT_SHELL, CKPT_OPT_LOCKS, CKPT_OPT_DEDUP,
	CKPT_OPT_EMPTY_NS, CKPT_OPT_CGMODE, CKPT_OPT_UNSUPPORTED, CKPT_OPT_BUNDLE,
	CKPT_OPT_PID_FILE, CKPT_OPT_CONSOLE, CKPT_OPT_NO_SUBREAPER, CKPT_OPT_NO_PIVOT,
	CKPT_OPT_LSM_PROFILE, CKPT_OPT_LSM_MOUNT,
};

#define CRIU_COMMON_OPTS                                                                 \
	{ "image-path", required_argument, NULL, CKPT_OPT_IMAGE },                            \
	{ "work-path", required_argument, NULL, CKPT_OPT_WORK },                              \
	{ "tcp-established", no_argument, NULL, CKPT_OPT_TCP },                               \
	{ "ext-unix-sk", no_argument, NULL, CKPT_OPT_EXT_UNIX },                              \
	{ "shell-job", no_argument, NULL, CKPT_OPT_SHELL },                                   \
	{ "file-locks", no_argument, NULL, CKPT_OPT_LOCKS },                                  \
	{ "auto-dedup", no_argument, NULL, CKPT_OPT_DEDUP },                                  \
	{ "empty-ns", required_argument, NULL, CKPT_OPT_EMPTY_NS },                           \
	{ "manage-cgroups-mode", required_argument, NULL, CKPT_OPT_CGMODE },                  \
	{ "lazy-pages", no_argument, NULL, CKPT_OPT_UNSUPPORTED },                            \
	{ "help", no_argument, NULL, 'h' }
/* 1 when c was one of CRIU_COMMON_OPTS (stored in *o) */
int cmd_criu_common_opt(int c, struct berth_checkpoint_opts *o);

#endif
