/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_TAP_H
#define BERTH_TAP_H

/* Minimal TAP producer for unit tests: tests/run counts the "ok"/"not ok" lines. */
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_CHECK(cond, name) do {                                              \
	tap_n++;                                                                    \
	if (cond) {                                                                 \
		printf("ok %d - %s\n", tap_n, name);                                    \
	} else {                                                                    \
		tap_failed++;                                                           \
		printf("not ok %d - %s\n#   %s:%d: %s\n", tap_n, name, __FILE__, __LINE__, #cond); \
	}                                                                           \
} while (0)

#define TAP_DONE() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)

#endif
