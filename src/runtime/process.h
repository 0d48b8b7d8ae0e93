/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_PROCESS_H
#define BERTH_PROCESS_H

#include <limits.h>
#include "spec.h"

/*
 * The container process's attributes, applied by the init (or exec'd) process
 * just before execve, in this order:
 *
 *   process_setup_early()  - rlimits, oomScoreAdj, ioPriority, scheduler, umask
 *                            (while still fully privileged)
 *   process_set_identity() - bounding set drop, setgroups/setresgid/setresuid
 *                            keeping caps, capset (effective, permitted,
 *                            inheritable), ambient, noNewPrivileges
 *   process_exec()         - chdir(cwd), PATH lookup in the container's env,
 *                            execve; returns only on failure
 */
int process_setup_early(const struct spec_process *p, berr_t *err);
int process_set_identity(const struct spec_process *p, berr_t *err);
int process_exec(const struct spec_process *p, berr_t *err);

/* process_exec() in two steps, so the lookup happens before the seccomp
 * filter (which may not allow the stat/access calls it makes) is loaded. */
int process_prepare_exec(const struct spec_process *p, char path[PATH_MAX], berr_t *err);
int process_exec_path(const struct spec_process *p, const char *path, berr_t *err);

#endif
