/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "caps.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The raw capget/capset syscalls are used rather than libcap's cap_t: the
 * spec already gives us 64-bit masks, which map 1:1 onto the two 32-bit words
 * of _LINUX_CAPABILITY_VERSION_3.  libcap is only used to name capabilities
 * in errors.
 */

static int last_cap = -1;

static int probe_last_cap(void)
{
	int c;

	/* Without /proc (or with a masked one) ask the kernel cap by cap:
	 * PR_CAPBSET_READ fails with EINVAL for capabilities it doesn't know. */
	for (c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	return c - 1;
}

int caps_last_cap(void)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_berr_ berr_t err = NULL;
	char *end;
	long v;

	if (last_cap >= 0)
		return last_cap;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", 32, &buf, NULL, &err) == 0) {
		errno = 0;
		v = strtol(buf, &end, 10);
		if (errno == 0 && end != buf && (*end == '\n' || *end == '\0') && v >= 0 && v < 64)
			return last_cap = (int)v;
	}
	return last_cap = probe_last_cap();
}

uint64_t caps_known_mask(void)
{
	int last = caps_last_cap();

	return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

/* "what cap_net_admin": capabilities named as libcap spells them. */
static int cap_error(berr_t *err, int errnum, const char *what, int c)
{
	char *name = cap_to_name((cap_value_t)c);
	int ret;

	ret = berr_set(err, errnum, "%s %s", what, name ? name : "capability");
	cap_free(name);
	return ret;
}

int caps_drop_bounding(uint64_t keep, berr_t *err)
{
	int last = caps_last_cap();

	for (int c = 0; c <= last; c++) {
		if (keep & (UINT64_C(1) << c))
			continue;
		/* Dropping needs CAP_SETPCAP even when the cap is already gone
		 * (nested containers): only drop what is still there. */
		if (prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) == 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)c, 0, 0, 0) < 0)
			return cap_error(err, errno, "bounding set: drop", c);
	}
	return 0;
}

static int capget_self(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return (int)syscall(SYS_capget, &hdr, data);
}

static uint64_t join(uint32_t lo, uint32_t hi)
{
	return (uint64_t)hi << 32 | lo;
}

/* Explain an EPERM from capset: name the first capability we can't have. */
static int capset_failed(int errnum, uint64_t wanted, berr_t *err)
{
	struct __user_cap_data_struct cur[2];
	uint64_t missing;
	char *name;
	int ret;

	if (errnum != EPERM || capget_self(cur) < 0)
		return berr_set(err, errnum, "capset");
	missing = wanted & ~join(cur[0].permitted, cur[1].permitted);
	if (!missing)
		return berr_set(err, errnum, "capset");
	name = cap_to_name((cap_value_t)__builtin_ctzll(missing));
	ret = berr_set(err, errnum, "capset: %s is not held by the runtime",
		       name ? name : "a capability");
	cap_free(name);
	return ret;
}

int caps_set(uint64_t effective, uint64_t permitted, uint64_t inheritable, berr_t *err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	uint64_t known = caps_known_mask();

	effective &= known;
	permitted &= known;
	inheritable &= known;
	/* The kernel would refuse this with a bare EPERM; say what is wrong. */
	if (effective & ~permitted)
		return berr_fail(err, "effective set is not a subset of permitted");
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(effective >> (32 * i));
		data[i].permitted = (uint32_t)(permitted >> (32 * i));
		data[i].inheritable = (uint32_t)(inheritable >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return capset_failed(errno, permitted, err);
	return 0;
}

int caps_set_ambient(uint64_t ambient, berr_t *err)
{
	struct __user_cap_data_struct cur[2];
	uint64_t allowed;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		/* Kernels before 4.3 have no ambient set: fine if none is wanted. */
		if (errno == EINVAL && !ambient)
			return 0;
		return berr_errno(err, "clear ambient capabilities");
	}
	if (!ambient)
		return 0;
	if (capget_self(cur) < 0)
		return berr_errno(err, "capget");
	/*
	 * The kernel only lets a capability be ambient when it is permitted and
	 * inheritable.  runc and crun accept configs that list others (and
	 * skip them), so do the same rather than fail containers that run
	 * elsewhere.
	 */
	allowed = join(cur[0].permitted, cur[1].permitted) &
		  join(cur[0].inheritable, cur[1].inheritable);
	ambient &= allowed & caps_known_mask();
	for (int c = 0; c < 64; c++) {
		if (!(ambient & (UINT64_C(1) << c)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0, 0) < 0)
			return cap_error(err, errno, "ambient set: raise", c);
	}
	return 0;
}
