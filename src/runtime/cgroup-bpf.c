/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup v2 has no devices controller: device access is decided by
 * BPF_PROG_TYPE_CGROUP_DEVICE programs attached to the cgroup.  We generate
 * one from the rule list and attach it with BPF_F_ALLOW_MULTI, so programs
 * of parent cgroups keep applying too.
 *
 * Semantics (those of v1's ordered allow/deny writes): the last rule that
 * matches a device decides, per access bit; no match at all allows (v1 starts
 * from the parent's allow-all; a config that wants deny-by-default starts
 * with a deny-all rule).  Walking the rules backwards, with r4 = the access
 * bits not decided yet:
 *   deny  rule matching: any undecided bit in it -> deny
 *   allow rule matching: its bits are decided; none left -> allow
 */
#include "cgroup-internal.h"
#include "../util/cleanup.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off,
				  .imm = imm };
}

#define LDX_W(dst, src, off)  insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV32_REG(dst, src)   insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define AND32_IMM(dst, imm)   insn(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32_IMM(dst, imm)   insn(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define MOV64_IMM(dst, imm)   insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
/* 32-bit compares: major/minor are u32, an imm is sign-extended in 64-bit ones */
#define JNE32_IMM(dst, imm, off) insn(BPF_JMP32 | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ32_IMM(dst, imm, off) insn(BPF_JMP32 | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define EXIT()                insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R_CTX = 1, R_TYPE = 3, R_ACC = 4, R_MAJOR = 5, R_MINOR = 6, R_TMP = 7 };

struct prog {
	struct bpf_insn *v;
	size_t n, cap;
};

static int emit(struct prog *p, struct bpf_insn i)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *nv = realloc(p->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		p->v = nv;
		p->cap = cap;
	}
	p->v[p->n++] = i;
	return 0;
}

static bool matches_all(const struct cg_dev_rule *d)
{
	return d->type == 'a' && d->major < 0 && d->minor < 0;
}

/* One rule's block; its "no match" jumps land after it.  *final: the rule
 * decides every request that reaches it, so no earlier rule matters. */
static int emit_rule(struct prog *p, const struct cg_dev_rule *d, bool *final)
{
	size_t jumps[3], nj = 0;
	int r = 0;

	*final = matches_all(d) && d->access == CG_ACC_ALL;
	if (*final)
		return (emit(p, MOV64_IMM(0, d->allow)) || emit(p, EXIT())) ? -1 : 0;
	if (d->type != 'a') {
		jumps[nj++] = p->n;
		r |= emit(p, JNE32_IMM(R_TYPE, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK :
				       BPF_DEVCG_DEV_CHAR, 0));
	}
	if (d->major >= 0) {
		jumps[nj++] = p->n;
		r |= emit(p, JNE32_IMM(R_MAJOR, (int32_t)(uint32_t)d->major, 0));
	}
	if (d->minor >= 0) {
		jumps[nj++] = p->n;
		r |= emit(p, JNE32_IMM(R_MINOR, (int32_t)(uint32_t)d->minor, 0));
	}
	if (d->allow) {
		r |= emit(p, AND32_IMM(R_ACC, (int32_t)~d->access));
		r |= emit(p, JNE32_IMM(R_ACC, 0, 2));
		r |= emit(p, MOV64_IMM(0, 1));
	} else {
		r |= emit(p, MOV32_REG(R_TMP, R_ACC));
		r |= emit(p, AND32_IMM(R_TMP, (int32_t)d->access));
		r |= emit(p, JEQ32_IMM(R_TMP, 0, 2));
		r |= emit(p, MOV64_IMM(0, 0));
	}
	r |= emit(p, EXIT());
	if (r)
		return -1;
	for (size_t i = 0; i < nj; i++)
		p->v[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
	return 0;
}

int cg_bpf_build(const struct cg_dev_rule *rules, size_t n, struct bpf_insn **insns,
		 size_t *n_insns, berr_t *err)
{
	struct prog p = { 0 };
	bool final = false;
	int r = 0;

	/* ctx: access_type = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*, major, minor */
	r |= emit(&p, LDX_W(2, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
	r |= emit(&p, MOV32_REG(R_TYPE, 2));
	r |= emit(&p, AND32_IMM(R_TYPE, 0xffff));
	r |= emit(&p, MOV32_REG(R_ACC, 2));
	r |= emit(&p, RSH32_IMM(R_ACC, 16));
	r |= emit(&p, LDX_W(R_MAJOR, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, major)));
	r |= emit(&p, LDX_W(R_MINOR, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, minor)));
	for (size_t i = n; r == 0 && !final && i-- > 0;)
		r = emit_rule(&p, &rules[i], &final);
	/* nothing decided it: allowed (the verifier rejects unreachable code,
	 * so not after a final rule) */
	if (r == 0 && !final)
		r = (emit(&p, MOV64_IMM(0, 1)) || emit(&p, EXIT())) ? -1 : 0;
	if (r || p.n > 65535) {
		free(p.v);
		return berr_set(err, r ? ENOMEM : E2BIG, "device rules: eBPF program");
	}
	*insns = p.v;
	*n_insns = p.n;
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static const char *last_line(char *log)
{
	size_t n = strlen(log);
	char *p;

	while (n && log[n - 1] == '\n')
		log[--n] = '\0';
	p = strrchr(log, '\n');
	return p ? p + 1 : log;
}

int cg_bpf_load(const struct bpf_insn *insns, size_t n, berr_t *err)
{
	union bpf_attr a;
	_cleanup_free_ char *log = NULL;
	int fd, saved;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0 || (errno != EINVAL && errno != EACCES))
		return fd >= 0 ? fd : berr_errno(err, "load device eBPF program");
	/* the verifier refused it: load again to get its reason */
	saved = errno;
	log = calloc(1, 65536);
	if (log) {
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = 65536;
		a.log_level = 1;
		fd = sys_bpf(BPF_PROG_LOAD, &a);
		if (fd >= 0)
			return fd;
	}
	return berr_set(err, saved, "load device eBPF program (verifier: %.200s)",
			log ? last_line(log) : "no log");
}

/* ids of the device programs attached to the cgroup itself */
static int query(int dfd, uint32_t *ids, uint32_t *n)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)dfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = *n;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return -1;
	*n = a.query.prog_cnt;
	return 0;
}

static void detach_id(int dfd, uint32_t id)
{
	union bpf_attr a;
	_cleanup_close_ int pfd = -1;

	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	pfd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (pfd < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dfd;
	a.attach_bpf_fd = (uint32_t)pfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	(void)sys_bpf(BPF_PROG_DETACH, &a);
}

int cg_bpf_apply(const char *dir, const struct cg_dev_rule *rules, size_t n, berr_t *err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_close_ int pfd = -1, dfd = -1;
	uint32_t old[64], n_old = ARRAY_SIZE(old);
	union bpf_attr a;
	size_t n_insns;

	if (cg_bpf_build(rules, n, &insns, &n_insns, err) < 0)
		return -1;
	pfd = cg_bpf_load(insns, n_insns, err);
	if (pfd < 0)
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return berr_errno(err, "open %s", dir);
	/* on update, the previous program goes only once the new one is in:
	 * no moment without a filter */
	if (query(dfd, old, &n_old) < 0)
		n_old = 0;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dfd;
	a.attach_bpf_fd = (uint32_t)pfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return berr_errno(err, "attach device eBPF program to %s", dir);
	for (uint32_t i = 0; i < n_old; i++)
		detach_id(dfd, old[i]);
	return 0;
}
