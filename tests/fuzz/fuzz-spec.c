/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: spec_parse() must neither crash nor leak on any input. */
#include "runtime/spec.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec *s = NULL;
	berr_t err = NULL;

	if (spec_parse((const char *)data, size, &s, &err) == 0) {
		/* a success must be a usable spec */
		if (!s || !s->oci_version || !s->root_path || err)
			__builtin_trap();
		if (s->process && (!s->process->args || !s->process->args[0] || !s->process->env))
			__builtin_trap();
	} else if (s || !err || !err->msg) {
		__builtin_trap();
	}
	spec_free(s);
	berr_free(&err);
	return 0;
}
