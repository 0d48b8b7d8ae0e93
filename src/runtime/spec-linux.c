/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json parser: "linux" (namespaces, id mappings, devices, sysctl,
 * time offsets, rootfs propagation...).  Checks across sections, such as a
 * mapping needing a user namespace, are in spec.c.
 */
#include "spec-internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- linux ------------------------------------------------------------- */

static int parse_namespace(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_linux *l = ctx;
	const char *type, *nspath = NULL;
	int ns, r;

	r = get_string(o, path, "type", REQ, &type, err);
	if (r < 0)
		return r;
	for (ns = 0; ns < SPEC_NS_COUNT; ns++)
		if (!strcmp(type, spec_ns_name((enum spec_ns)ns)))
			break;
	if (ns == SPEC_NS_COUNT)
		return fail_key(err, path, "type", "unknown namespace type \"%s\"", type);
	if (l->ns[ns].present)
		return fail_key(err, path, "type", "duplicate namespace type \"%s\"", type);
	r = get_string(o, path, "path", OPT, &nspath, err);
	if (r < 0)
		return r;
	nspath = nonempty(nspath);
	if (nspath && check_abs_path(nspath))
		return fail_key(err, path, "path", "%s", check_abs_path(nspath));
	l->ns[ns].present = true;
	l->ns[ns].path = nspath;
	return 0;
}

static int parse_namespaces(json_t *lx, struct spec_linux *l, berr_t *err)
{
	json_t *arr;
	int r;

	r = get_array(lx, "linux", "namespaces", OPT, &arr, err);
	if (r <= 0)
		return r;
	return parse_each(arr, "linux.namespaces", NULL, 0, parse_namespace, l, err);
}

static int parse_id_mapping(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_id_mapping *m = elem;

	if (get_u32(o, path, "containerID", REQ, &m->container_id, err) < 0 ||
	    get_u32(o, path, "hostID", REQ, &m->host_id, err) < 0 ||
	    get_u32(o, path, "size", REQ, &m->size, err) < 0)
		return -1;
	if (m->size == 0)
		return fail_key(err, path, "size", "must not be 0");
	/* The kernel wants both ranges to end at or below 2^32-1. */
	if ((uint64_t)m->container_id + m->size > UINT32_MAX ||
	    (uint64_t)m->host_id + m->size > UINT32_MAX)
		return fail_at(err, path, "range exceeds 2^32-1");
	return 0;
}

static int parse_id_mappings(json_t *lx, const char *key, struct spec_id_mapping **out,
			     size_t *n, berr_t *err)
{
	char p[FIELD_PATH_MAX];
	json_t *arr;
	int r;

	r = get_array(lx, "linux", key, OPT, &arr, err);
	if (r <= 0)
		return r;
	*out = calloc(json_array_size(arr) + 1, sizeof(**out));
	if (!*out)
		return fail_oom(err);
	*n = json_array_size(arr);
	return parse_each(arr, path_key(p, "linux", key), *out, sizeof(**out),
			  parse_id_mapping, NULL, err);
}

static int parse_device(json_t *o, const char *path, void *elem, void *ctx, berr_t *err)
{
	struct spec_device *d = elem;
	json_int_t major = 0, minor = 0, mode = 0;
	const char *type;
	bool need_numbers;
	int r;

	if (get_abs_path(o, path, "path", REQ, &d->path, err) < 0 ||
	    get_string(o, path, "type", REQ, &type, err) < 0)
		return -1;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return fail_key(err, path, "type", "must be one of \"c\", \"b\", \"u\", \"p\"");
	d->type = type[0];
	need_numbers = d->type != 'p';
	/* glibc's makedev() takes unsigned int halves */
	if (get_int(o, path, "major", need_numbers, 0, UINT32_MAX, &major, err) < 0 ||
	    get_int(o, path, "minor", need_numbers, 0, UINT32_MAX, &minor, err) < 0)
		return -1;
	d->major = major;
	d->minor = minor;
	r = get_int(o, path, "fileMode", OPT, 0, 07777, &mode, err);
	if (r < 0)
		return r;
	d->has_file_mode = r > 0;
	d->file_mode = (mode_t)mode;
	r = get_u32(o, path, "uid", OPT, &d->uid, err);
	if (r < 0)
		return r;
	d->has_uid = r > 0;
	r = get_u32(o, path, "gid", OPT, &d->gid, err);
	if (r < 0)
		return r;
	d->has_gid = r > 0;
	return 0;
}

static int parse_devices(json_t *lx, struct spec_linux *l, berr_t *err)
{
	json_t *arr;
	int r;

	r = get_array(lx, "linux", "devices", OPT, &arr, err);
	if (r <= 0)
		return r;
	l->devices = calloc(json_array_size(arr) + 1, sizeof(*l->devices));
	if (!l->devices)
		return fail_oom(err);
	l->n_devices = json_array_size(arr);
	return parse_each(arr, "linux.devices", l->devices, sizeof(*l->devices),
			  parse_device, NULL, err);
}

static int parse_sysctl(json_t *lx, struct spec_linux *l, berr_t *err)
{
	const char *key;
	json_t *obj, *v;
	int r;

	r = get_object(lx, "linux", "sysctl", OPT, &obj, err);
	if (r <= 0)
		return r;
	l->sysctl = calloc(json_object_size(obj) + 1, sizeof(*l->sysctl));
	if (!l->sysctl)
		return fail_oom(err);
	json_object_foreach(obj, key, v) {
		if (!*key)
			return fail_at(err, "linux.sysctl", "empty key");
		if (!json_is_string(v))
			return fail_key(err, "linux.sysctl", key, "must be a string");
		l->sysctl[l->n_sysctl].key = key;
		l->sysctl[l->n_sysctl].value = json_string_value(v);
		l->n_sysctl++;
	}
	return 0;
}

static int parse_time_offset(json_t *o, const char *path, int64_t *secs, uint32_t *nsecs,
			     berr_t *err)
{
	json_int_t s = 0, ns = 0;

	if (get_int(o, path, "secs", OPT, INT64_MIN, INT64_MAX, &s, err) < 0 ||
	    get_int(o, path, "nanosecs", OPT, 0, 999999999, &ns, err) < 0)
		return -1;
	*secs = s;
	*nsecs = (uint32_t)ns;
	return 0;
}

static int parse_time_offsets(json_t *lx, struct spec_linux *l, berr_t *err)
{
	const char *path = "linux.timeOffsets";
	const char *clock;
	json_t *obj, *v;
	int r;

	r = get_object(lx, "linux", "timeOffsets", OPT, &obj, err);
	if (r <= 0)
		return r;
	json_object_foreach(obj, clock, v) {
		char p[FIELD_PATH_MAX];

		if (json_is_null(v))
			continue;
		if (!json_is_object(v))
			return fail_key(err, path, clock, "must be an object");
		path_key(p, path, clock);
		if (!strcmp(clock, "monotonic"))
			r = parse_time_offset(v, p, &l->monotonic_secs, &l->monotonic_nanosecs, err);
		else if (!strcmp(clock, "boottime"))
			r = parse_time_offset(v, p, &l->boottime_secs, &l->boottime_nanosecs, err);
		else
			r = fail_at(err, path, "unknown clock \"%s\"", clock);
		if (r < 0)
			return r;
		l->has_time_offsets = true;
	}
	return 0;
}

static int parse_rootfs_propagation(json_t *lx, struct spec_linux *l, berr_t *err)
{
	const char *name = NULL;
	unsigned long flags;
	int r;

	r = get_string(lx, "linux", "rootfsPropagation", OPT, &name, err);
	if (r <= 0 || !*name)
		return r;
	flags = spec_propagation_from_name(name);
	if (!flags)
		return fail_key(err, "linux", "rootfsPropagation", "unknown propagation \"%s\"", name);
	l->rootfs_propagation = flags;
	return 0;
}

/* The runtime interprets these elsewhere; here they are only type-checked. */
static int parse_linux_objects(json_t *lx, struct spec_linux *l, berr_t *err)
{
	if (get_object(lx, "linux", "resources", OPT, &l->resources, err) < 0 ||
	    get_object(lx, "linux", "seccomp", OPT, &l->seccomp, err) < 0 ||
	    get_object(lx, "linux", "intelRdt", OPT, &l->intel_rdt, err) < 0 ||
	    get_object(lx, "linux", "personality", OPT, &l->personality, err) < 0)
		return -1;
	return 0;
}

static int parse_linux_strings(json_t *lx, struct spec_linux *l, berr_t *err)
{
	if (get_string(lx, "linux", "cgroupsPath", OPT, &l->cgroups_path, err) < 0 ||
	    get_string(lx, "linux", "mountLabel", OPT, &l->mount_label, err) < 0 ||
	    get_strv(lx, "linux", "maskedPaths", OPT, check_abs_path, &l->masked_paths, err) < 0 ||
	    get_strv(lx, "linux", "readonlyPaths", OPT, check_abs_path, &l->readonly_paths, err) < 0)
		return -1;
	l->cgroups_path = nonempty(l->cgroups_path);
	l->mount_label = nonempty(l->mount_label);
	return 0;
}

int spec_linux_parse(json_t *root, struct spec *s, berr_t *err)
{
	struct spec_linux *l = &s->linux;
	json_t *lx;
	int r;

	r = get_object(root, "", "linux", OPT, &lx, err);
	if (r <= 0)
		return r;
	if (parse_namespaces(lx, l, err) < 0 ||
	    parse_id_mappings(lx, "uidMappings", &l->uid_mappings, &l->n_uid_mappings, err) < 0 ||
	    parse_id_mappings(lx, "gidMappings", &l->gid_mappings, &l->n_gid_mappings, err) < 0 ||
	    parse_devices(lx, l, err) < 0 ||
	    parse_linux_objects(lx, l, err) < 0 ||
	    parse_linux_strings(lx, l, err) < 0 ||
	    parse_rootfs_propagation(lx, l, err) < 0 ||
	    parse_sysctl(lx, l, err) < 0 ||
	    parse_time_offsets(lx, l, err) < 0)
		return -1;
	return 0;
}

void spec_linux_free(struct spec_linux *l)
{
	free(l->uid_mappings);
	free(l->gid_mappings);
	free(l->devices);
	free(l->masked_paths);
	free(l->readonly_paths);
	free(l->sysctl);
}
