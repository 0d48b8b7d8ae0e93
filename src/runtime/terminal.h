/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_TERMINAL_H
#define BERTH_TERMINAL_H

#include <stdbool.h>
#include "spec.h"

/*
 * process.terminal: called in the container after pivot_root (so /dev/ptmx is
 * the container's devpts).  Opens a new pty, sends the master over
 * console_fd with SCM_RIGHTS (as runc does: one message, the fd as ancillary
 * data, the pty path as payload), makes the slave the controlling terminal of
 * a new session and dups it to 0, 1, 2.  Applies consoleSize if given.
 * console: also bind it on /dev/console (the init; not an exec'd process).
 */
int terminal_setup(int console_fd, const struct spec_process *p, bool console, berr_t *err);

/* Connect to a --console-socket path; returns a CLOEXEC fd. */
int terminal_connect_socket(const char *path, berr_t *err);

/* Receive a pty master fd sent by terminal_setup() on fd. */
int terminal_recv_master(int fd, int *master, berr_t *err);

#endif
