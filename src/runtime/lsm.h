/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_LSM_H
#define BERTH_LSM_H

/*
 * SELinux and AppArmor: process.selinuxLabel, process.apparmorProfile and
 * linux.mountLabel.  Every function takes the root of procfs ("/proc") or
 * sysfs ("/sys") so the unit tests can point them at a fake tree.
 *
 * A label for an LSM that is not enabled is an error, as in runc:
 *   selinuxLabel / mountLabel:  runc refuses the config ("selinux label is
 *     specified in config, but selinux is disabled or not supported"), or
 *     fails the mount with EINVAL;
 *   apparmorProfile:  runc's init writes the profile anyway and fails
 *     ("unable to apply apparmor profile: ... invalid argument").
 * lsm_check() makes both failures happen in the runtime, before anything is
 * created, with a message that says why.
 */

#include <stdbool.h>
#include "spec.h"
#include "../util/error.h"

/* SELinux is enabled: <proc_root>/filesystems lists selinuxfs (registered
 * only when SELinux is enabled at boot) and a policy is loaded (our
 * <proc_root>/thread-self/attr/current is not "kernel"). */
bool lsm_selinux_enabled(const char *proc_root);
/* AppArmor is enabled, tested as runc does: <sys_root>/kernel/security/apparmor
 * exists and <sys_root>/module/apparmor/parameters/enabled starts with 'Y'. */
bool lsm_apparmor_enabled(const char *sys_root);

/* Where the decisions go (--debug); NULL (the default) drops them. */
void lsm_set_debug(void (*fn)(const char *fmt, ...) __attribute__((format(printf, 1, 2))));

/* Runtime side, before the container is created: a label or profile given
 * for an LSM that is not enabled is an error.  p and mount_label may be NULL. */
int lsm_check(const struct spec_process *p, const char *mount_label, const char *proc_root,
	      const char *sys_root, berr_t *err);

/*
 * Init side, right before execve: have the kernel switch to the SELinux label
 * (<proc_root>/thread-self/attr/exec) and the AppArmor profile ("exec NAME"
 * to <proc_root>/thread-self/attr/apparmor/exec, or attr/exec on kernels
 * before 5.8) at the next execve.  Empty or NULL values are skipped.  The
 * files written must be on procfs: a container whose /proc is fake would
 * otherwise run unconfined without an error (CVE-2019-16884).
 */
int lsm_set_exec_label(const struct spec_process *p, const char *proc_root, berr_t *err);

/*
 * Mount data with the SELinux mount label: data + ",context=\"LABEL\"", or
 * "context=\"LABEL\"" when data is NULL or empty.  Unchanged (a copy) when
 * mount_label is NULL or empty, for file systems that take no context (proc,
 * sysfs, cgroup, cgroup2, mqueue: runc labels none of them), for bind mounts
 * (fstype NULL or "bind": the kernel ignores their data) and when data has a
 * context option already (context=, fscontext=, defcontext=, rootcontext=).
 * Returns a malloc'd string; NULL with errno ENOMEM when out of memory, or
 * NULL with errno 0 when data is NULL and nothing is added.
 */
char *lsm_mount_label_data(const char *data, const char *mount_label, const char *fstype);

/* Unit tests only: let lsm_set_exec_label() write outside procfs. */
void lsm_allow_fake_proc(bool allow);

#endif
