/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container directories under <root>/containers: a random 64-hex id each,
 * and a unique name reserved as the symlink names/<name> -> <id> (symlinkat
 * fails with EEXIST, so two runs cannot both take a name).
 */
#include "engine.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const adjectives[] = {
	"amber", "brave", "calm", "dapper", "eager", "fancy", "gentle", "happy", "jolly",
	"keen", "lucid", "merry", "nimble", "proud", "quiet", "rapid", "steady", "tidy",
	"upbeat", "vivid", "witty", "zesty",
};
static const char *const nouns[] = {
	"anchor", "barge", "buoy", "cutter", "dinghy", "ferry", "galley", "harbor", "jetty",
	"keel", "lighthouse", "mast", "pier", "quay", "rudder", "schooner", "tug", "wharf",
};

static int random_bytes(void *buf, size_t len, berr_t *err)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = getrandom((char *)buf + off, len - off, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return berr_errno(err, "getrandom");
		}
		off += (size_t)n;
	}
	return 0;
}

static int make_id(char id[CONTAINER_ID_LEN + 1], berr_t *err)
{
	unsigned char b[CONTAINER_ID_LEN / 2];

	if (random_bytes(b, sizeof(b), err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(b); i++)
		sprintf(id + 2 * i, "%02x", b[i]);
	return 0;
}

/* docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]*, and short enough for a file name */
static bool name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 128 || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

static char *make_name(const char *id)
{
	unsigned char r[2] = { 0 };
	char *name;

	/* the id is random: its bytes pick the words */
	sscanf(id, "%2hhx%2hhx", &r[0], &r[1]);
	if (asprintf(&name, "%s_%s_%.4s", adjectives[r[0] % ARRAY_SIZE(adjectives)],
		     nouns[r[1] % ARRAY_SIZE(nouns)], id + 4) < 0)
		return NULL;
	return name;
}

static int reserve_name(struct container_dir *c, berr_t *err)
{
	_cleanup_free_ char *names = NULL, *link = NULL;
	char owner[CONTAINER_ID_LEN + 1];
	ssize_t n;

	if (asprintf(&names, "%s/names", c->containers) < 0 ||
	    asprintf(&link, "%s/%s", names, c->name) < 0)
		return berr_errno(err, "name");
	if (mkdir(names, 0700) < 0 && errno != EEXIST)
		return berr_errno(err, "mkdir %s", names);
	if (symlink(c->id, link) == 0) {
		c->named = true;
		return 0;
	}
	if (errno != EEXIST)
		return berr_errno(err, "reserve name %s", c->name);
	n = readlink(link, owner, sizeof(owner) - 1);
	owner[n > 0 ? n : 0] = '\0';
	berr_fail(err, "the container name \"%s\" is already in use by container %.12s", c->name,
		  owner);
	if (err && *err)
		(*err)->errnum = EEXIST;
	return -EEXIST;
}

int container_dir_create(const char *store_root, const char *name, struct container_dir *c,
			 berr_t *err)
{
	static const char *const subdirs[] = { "upper", "work", "rootfs" };

	*c = (struct container_dir){ 0 };
	if (name && !name_valid(name))
		return berr_fail(err, "invalid container name \"%s\": [a-zA-Z0-9][a-zA-Z0-9_.-]*",
				 name);
	if (make_id(c->id, err) < 0)
		return -1;
	if (asprintf(&c->containers, "%s/containers", store_root) < 0 ||
	    asprintf(&c->path, "%s/%s", c->containers, c->id) < 0) {
		container_dir_clear(c);
		return berr_errno(err, "container dir");
	}
	c->name = name ? strdup(name) : make_name(c->id);
	if (!c->name) {
		container_dir_clear(c);
		return berr_errno(err, "container name");
	}
	if (mkdir_p(c->containers, 0700, err) < 0 || reserve_name(c, err) < 0)
		goto fail;
	if (mkdir(c->path, 0700) < 0) {
		berr_errno(err, "mkdir %s", c->path);
		goto fail;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		_cleanup_free_ char *p = NULL;

		if (asprintf(&p, "%s/%s", c->path, subdirs[i]) < 0 || mkdir(p, 0755) < 0) {
			berr_errno(err, "mkdir %s/%s", c->path, subdirs[i]);
			goto fail;
		}
	}
	return 0;
fail:
	{
		_cleanup_berr_ berr_t e = NULL;

		container_dir_remove(c, &e);
	}
	container_dir_clear(c);
	return -1;
}

int container_dir_record(const struct container_dir *c, const char *image_id,
			 const char *image_name, const char *stop_signal, berr_t *err)
{
	_cleanup_free_ char *text = NULL, *path = NULL;
	char created[32];
	time_t now = time(NULL);
	struct tm tm;
	json_t *o;

	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", c->id, "name", c->name, "image",
		      image_id, "imageName", image_name, "created", created, "stopSignal",
		      stop_signal && *stop_signal ? stop_signal : "SIGTERM");
	if (!o)
		return berr_fail(err, "container.json");
	text = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	if (!text || asprintf(&path, "%s/container.json", c->path) < 0)
		return berr_errno(err, "container.json");
	return write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, err);
}

int container_dir_remove(struct container_dir *c, berr_t *err)
{
	_cleanup_close_ int dfd = -1;
	int ret = 0;

	if (!c->containers)
		return 0;
	dfd = open(c->containers, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return berr_errno(err, "open %s", c->containers);
	if (remove_tree_at(dfd, c->id, err) < 0) {
		if ((*err)->errnum == ENOENT)
			berr_free(err);
		else
			ret = berr_prefix(err, "remove %s", c->path);
	}
	if (c->named) {
		_cleanup_free_ char *link = NULL;

		if (asprintf(&link, "names/%s", c->name) >= 0 && unlinkat(dfd, link, 0) == 0)
			c->named = false;
	}
	return ret;
}

void container_dir_clear(struct container_dir *c)
{
	free(c->name);
	free(c->path);
	free(c->containers);
	*c = (struct container_dir){ 0 };
}
