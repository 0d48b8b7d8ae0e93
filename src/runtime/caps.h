/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_CAPS_H
#define BERTH_CAPS_H

/*
 * Capability sets of the calling thread, as 64-bit masks (bit n = capability
 * n).  Internal to the runtime: process.c decides the order, this file does
 * the kernel calls.  Capabilities above the running kernel's cap_last_cap are
 * ignored everywhere: a config may name capabilities of a newer kernel.
 */

#include <stdint.h>
#include "../util/error.h"

/* Highest capability the running kernel knows (read once, then cached). */
int caps_last_cap(void);
/* Mask of every capability the running kernel knows. */
uint64_t caps_known_mask(void);

/* PR_CAPBSET_DROP every capability not in keep. */
int caps_drop_bounding(uint64_t keep, berr_t *err);
/* capset(2) of the effective, permitted and inheritable sets. */
int caps_set(uint64_t effective, uint64_t permitted, uint64_t inheritable, berr_t *err);
/* Clear the ambient set, then raise every capability in ambient. */
int caps_set_ambient(uint64_t ambient, berr_t *err);

#endif
