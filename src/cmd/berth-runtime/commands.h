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

#endif
