/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H

/* Not "seccomp.h": meson puts -Isrc/runtime before the system directories,
 * so that name would hide libseccomp's <seccomp.h> from every file here. */

/*
 * linux.seccomp, in two steps so that a bad profile fails before anything is
 * created:
 *
 *   runtime:  seccomp_compile() validates the whole profile and builds the
 *             libseccomp filter in memory;
 *   init:     seccomp_install() loads it (the init is a forked child, so it
 *             sees the same memory).
 *
 * Where the init should call seccomp_install(): without noNewPrivileges the
 * kernel only lets a process holding CAP_SYS_ADMIN load a filter, so load it
 * before the capabilities are dropped; with noNewPrivileges load it as late as
 * possible (right before execve), so the profile does not have to allow the
 * init's own system calls.  Either way execve must be allowed by the profile.
 *
 * Behaviour, following runc:
 *  - a syscall name this libseccomp does not know is skipped (profiles written
 *    for newer kernels still load); seccomp_ignored() reports them;
 *  - a rule whose action equals the default action is skipped;
 *  - if one rule has two conditions on the same argument, each condition
 *    becomes a rule of its own (libseccomp cannot AND them);
 *  - "flags" absent means SECCOMP_FILTER_FLAG_SPEC_ALLOW when the kernel
 *    supports it; "flags": [] means none;
 *  - no defaultAction and no syscalls means no filter.
 * SCMP_ACT_NOTIFY (seccomp user notification) is not supported: a profile
 * using it is rejected; listenerPath alone is ignored, as the spec says.
 */

#include <jansson.h>
#include <stddef.h>
#include "../util/error.h"

struct berth_seccomp;

/* NULL seccomp: *out = NULL and 0.  Errors name the field:
 * "linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"". */
int seccomp_compile(const json_t *seccomp, struct berth_seccomp **out, berr_t *err);

/* Load the filter into the calling thread (all threads with the TSYNC flag).
 * NULL f: nothing to do.  Does not set no_new_privs. */
int seccomp_install(struct berth_seccomp *f, berr_t *err);

void seccomp_free(struct berth_seccomp *f);

/* For --debug: how many syscall names were skipped as unknown, and the first
 * of them as "name1,name2,..." (truncated; "" if none). */
size_t seccomp_ignored(const struct berth_seccomp *f, const char **names);
/* Rules added to the filter, after skipping and splitting (for --debug). */
size_t seccomp_rule_count(const struct berth_seccomp *f);

static inline void seccomp_freep(struct berth_seccomp **f)
{
	seccomp_free(*f);
	*f = NULL;
}
#define _cleanup_seccomp_ __attribute__((cleanup(seccomp_freep)))

#endif
