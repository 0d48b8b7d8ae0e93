/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading a library on first use: see dl.h. */
#include "dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

void dl_open(struct dl_lib *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		goto fail;
	for (size_t i = 0; i < l->n; i++) {
		l->fns[i] = dlsym(h, l->names[i]);
		if (!l->fns[i])
			goto fail;
	}
	__atomic_store_n(&l->handle, h, __ATOMIC_RELEASE);
	return;
fail:
	snprintf(l->error, sizeof(l->error), "load %s: %s", l->soname, dlerror());
	if (h)
		dlclose(h);
}

bool dl_loaded(struct dl_lib *l)
{
	pthread_once(&l->once, l->load);
	return l->handle != NULL;
}

int dl_load(struct dl_lib *l, berr_t *err)
{
	if (dl_loaded(l))
		return 0;
	return berr_fail(err, "%s", l->error);
}

void dl_need(struct dl_lib *l, const char *fn)
{
	if (__atomic_load_n(&l->handle, __ATOMIC_ACQUIRE))
		return;
	fprintf(stderr, "berth: BUG: %s called before %s was loaded\n", fn, l->soname);
	abort();
}

void dl_demand(struct dl_lib *l, const char *fn)
{
	if (dl_loaded(l))
		return;
	fprintf(stderr, "berth: BUG: %s: %s, and the caller did not check\n", fn, l->error);
	abort();
}
