/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BERTH_SPEC_INTERNAL_H
#define BERTH_SPEC_INTERNAL_H

/*
 * Internal to the config.json parser: the sections of the document, one file
 * each.  A parser stores what it allocates in s as it goes, so on failure
 * spec_free() (through the *_free() below) releases whatever it left.
 */

#include "spec-json.h"

/* spec-mounts.c: "mounts". */
int spec_mounts_parse(json_t *root, struct spec *s, berr_t *err);
void spec_mounts_free(struct spec *s);
/* MS_* [| MS_REC] of a propagation mount option ("rslave"...), 0 if name is none. */
unsigned long spec_propagation_from_name(const char *name);

/* spec-process.c: o is the "process" object itself (in config.json or a
 * standalone process file); errors are named "process.<field>". */
int spec_process_parse(json_t *o, struct spec *s, berr_t *err);
void spec_process_free(struct spec_process *p);

/* spec-hooks.c: "hooks". */
int spec_hooks_parse(json_t *root, struct spec *s, berr_t *err);
void spec_hooks_free(struct spec_hooks *hk);

/* spec-linux.c: "linux". */
int spec_linux_parse(json_t *root, struct spec *s, berr_t *err);
void spec_linux_free(struct spec_linux *l);

#endif
