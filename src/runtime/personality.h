/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_PERSONALITY_H
#define BERTH_PERSONALITY_H

#include <jansson.h>
#include "../util/error.h"

#define PERSONALITY_NONE 0xffffffffUL

/* linux.personality -> personality(2) value, PERSONALITY_NONE when absent. */
int personality_parse(const json_t *p, unsigned long *out, berr_t *err);
/* linux.intelRdt: a clear error, never silently ignored. */
int intel_rdt_check(const json_t *rdt, berr_t *err);

#endif
