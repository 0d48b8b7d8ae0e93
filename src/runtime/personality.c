/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.personality and linux.intelRdt: checked before anything is created. */
#include "personality.h"

#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#ifndef RDTGROUP_SUPER_MAGIC
#define RDTGROUP_SUPER_MAGIC 0x7655821
#endif

int personality_parse(const json_t *p, unsigned long *out, berr_t *err)
{
	const char *domain;
	json_t *flags;

	*out = PERSONALITY_NONE;
	if (!p)
		return 0;
	domain = json_string_value(json_object_get(p, "domain"));
	if (!domain)
		return berr_fail(err, "linux.personality.domain: must be a string");
	if (!strcmp(domain, "LINUX"))
		*out = PER_LINUX;
	else if (!strcmp(domain, "LINUX32"))
		*out = PER_LINUX32;
	else
		return berr_fail(err, "linux.personality.domain: unknown domain \"%s\" (LINUX or LINUX32)",
				 domain);
	flags = json_object_get(p, "flags");
	/* the spec lists flags but names none; runc rejects any */
	if (flags && (!json_is_array(flags) || json_array_size(flags)))
		return berr_fail(err, "linux.personality.flags: not supported");
	return 0;
}

int intel_rdt_check(const json_t *rdt, berr_t *err)
{
	struct statfs sf;

	if (!rdt)
		return 0;
	if (statfs("/sys/fs/resctrl", &sf) < 0 || (unsigned long)sf.f_type != RDTGROUP_SUPER_MAGIC)
		return berr_fail(err, "linux.intelRdt: not supported on this host (no resctrl filesystem at /sys/fs/resctrl)");
	return berr_fail(err, "linux.intelRdt: not supported by berth-runtime");
}
