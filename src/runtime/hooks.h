/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_HOOKS_H
#define BERTH_HOOKS_H

#include "spec.h"

/*
 * Run every hook of one kind in order: fork, execve(path, args, env) with the
 * container state JSON on stdin, wait with the hook's timeout (SIGKILL on
 * expiry).  The first failing hook stops the run and names itself:
 * "createRuntime hook 0 (/usr/bin/x): exited with status 1".
 * stdout/stderr of the hook are the runtime's.
 */
int hooks_run(const struct spec *s, enum spec_hook_kind kind, const char *state_json, berr_t *err);

/* poststart, poststop: the spec makes a failing hook a warning, and the
 * remaining hooks still run. */
void hooks_run_warn(const struct spec *s, enum spec_hook_kind kind, const char *state_json);

#endif
