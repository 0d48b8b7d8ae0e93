/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.seccomp: profiles that must compile, profiles that must fail with an
 * error naming the field, and filters loaded into forked children whose
 * system calls must then fail, trap or kill as the profile says.
 */
#include "runtime/berth-seccomp.h"
#include "util/cleanup.h"
#include "tap.h"

#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The child's exit codes at and above this are the harness's own. */
#define CHILD_INSTALL_FAILED 200

/* Profiles are written with single quotes for readability. */
static json_t *doc(const char *sq)
{
	_cleanup_free_ char *s = strdup(sq);
	json_error_t je;
	json_t *j;

	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(s, JSON_DECODE_ANY, &je);
	if (!j) {
		fprintf(stderr, "bad test JSON: %s: %s\n", je.text, s);
		abort();
	}
	return j;
}

static int compile(const char *sq, struct berth_seccomp **f, berr_t *err)
{
	json_t *j = doc(sq);
	int ret = seccomp_compile(j, f, err);

	json_decref(j);
	return ret;
}

/* Compiles; returns the number of rules added (or -1). */
static long expect_ok(const char *sq, const char *name)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_seccomp_ struct berth_seccomp *f = NULL;
	int ret = compile(sq, &f, &err);

	TAP_CHECK(ret == 0 && f, name);
	if (ret < 0)
		printf("#   error: %s\n", err->msg);
	return ret == 0 ? (long)seccomp_rule_count(f) : -1;
}

/* Compiles (one check) and adds want rules (a second check, named what). */
static void expect_rules(const char *sq, const char *name, long want, const char *what)
{
	long n = expect_ok(sq, name);

	TAP_CHECK(n == want, what);
	if (n != want)
		printf("#   %ld rules\n", n);
}

static void expect_fail(const char *sq, const char *want, const char *name)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_seccomp_ struct berth_seccomp *f = NULL;
	int ret = compile(sq, &f, &err);
	bool ok = ret < 0 && !f && err && strstr(err->msg, want);

	TAP_CHECK(ok, name);
	if (!ok)
		printf("#   want \"%s\", got \"%s\"\n", want, err ? err->msg : "(success)");
}

static void test_absent(void)
{
	_cleanup_berr_ berr_t err = NULL;
	struct berth_seccomp *f = (void *)1;

	TAP_CHECK(seccomp_compile(NULL, &f, &err) == 0 && !f, "NULL profile: no filter");
	f = (void *)1;
	TAP_CHECK(compile("null", &f, &err) == 0 && !f, "null profile: no filter");
	f = (void *)1;
	TAP_CHECK(compile("{ 'syscalls': [] }", &f, &err) == 0 && !f,
		  "no defaultAction and no syscalls: no filter (runc)");
	TAP_CHECK(seccomp_install(NULL, &err) == 0, "installing no filter does nothing");
	TAP_CHECK(seccomp_ignored(NULL, NULL) == 0 && seccomp_rule_count(NULL) == 0,
		  "counters of no filter");
	seccomp_free(NULL);
}

static void test_actions(void)
{
	static const struct {
		const char *action;
		int errno_ret;	/* -1: none */
	} acts[] = {
		{ "SCMP_ACT_KILL", -1 }, { "SCMP_ACT_KILL_PROCESS", -1 }, { "SCMP_ACT_KILL_THREAD", -1 },
		{ "SCMP_ACT_TRAP", -1 }, { "SCMP_ACT_ERRNO", -1 }, { "SCMP_ACT_ERRNO", 38 },
		{ "SCMP_ACT_ERRNO", 0 }, { "SCMP_ACT_TRACE", -1 }, { "SCMP_ACT_TRACE", 7 },
		{ "SCMP_ACT_LOG", -1 },
	};
	char buf[256], name[128], ret[40];

	for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
		const char *a = acts[i].action;
		int e = acts[i].errno_ret;

		snprintf(ret, sizeof(ret), e < 0 ? "" : ", 'errnoRet': %d", e);
		snprintf(buf, sizeof(buf), "{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': "
			 "[ { 'names': ['getcwd'], 'action': '%s'%s } ] }", a, ret);
		snprintf(name, sizeof(name), "rule action %s%s", a, ret);
		expect_rules(buf, name, 1, "  ... adds one rule");
		snprintf(ret, sizeof(ret), e < 0 ? "" : ", 'defaultErrnoRet': %d", e);
		snprintf(buf, sizeof(buf), "{ 'defaultAction': '%s'%s, 'syscalls': "
			 "[ { 'names': ['exit_group'], 'action': 'SCMP_ACT_ALLOW' } ] }", a, ret);
		snprintf(name, sizeof(name), "default action %s%s", a, ret);
		expect_ok(buf, name);
	}
	expect_ok("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ { 'names': ['getcwd'],"
		  " 'action': 'SCMP_ACT_ERRNO', 'errnoRet': null } ] }", "errnoRet null is absent");
	expect_rules("{ 'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38 }",
		     "defaultErrnoRet", 0, "  ... no rules");
	expect_rules("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
		     "  { 'names': ['getcwd', 'mkdir'], 'action': 'SCMP_ACT_ALLOW' } ] }",
		     "rule with the default action", 0, "  ... is skipped");
	expect_rules("{ 'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
		     "  { 'names': ['getcwd'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1 },"
		     "  { 'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38 } ] }",
		     "ERRNO rules against an ERRNO default", 1,
		     "  ... only the one with another errno is added");
}

static void test_args(void)
{
	static const char *const ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
					   "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
					   "SCMP_CMP_MASKED_EQ" };
	char buf[512], name[64];

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		snprintf(buf, sizeof(buf), "{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ {"
			 " 'names': ['personality'], 'action': 'SCMP_ACT_ERRNO',"
			 " 'args': [ { 'index': 0, 'value': 8, 'valueTwo': 8, 'op': '%s' } ] } ] }",
			 ops[i]);
		snprintf(name, sizeof(name), "argument operator %s", ops[i]);
		expect_ok(buf, name);
	}
	expect_rules("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ {"
		     " 'names': ['clone'], 'action': 'SCMP_ACT_ERRNO', 'args': ["
		     "   { 'index': 0, 'value': 2114060288, 'op': 'SCMP_CMP_MASKED_EQ' },"
		     "   { 'index': 1, 'value': -1, 'op': 'SCMP_CMP_EQ' },"
		     "   { 'index': 5, 'value': 0, 'valueTwo': null, 'op': 'SCMP_CMP_NE' } ] } ] }",
		     "conditions on three arguments; -1 (uint64 max as the spec parser stores it)", 1,
		     "  ... are one rule (ANDed)");
	expect_rules("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ {"
		     " 'names': ['getpgid', 'umask'], 'action': 'SCMP_ACT_ERRNO', 'args': ["
		     "   { 'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ' },"
		     "   { 'index': 0, 'value': 2, 'op': 'SCMP_CMP_EQ' },"
		     "   { 'index': 1, 'value': 3, 'op': 'SCMP_CMP_EQ' } ] } ] }",
		     "two conditions on one argument", 6,
		     "  ... split into one rule per condition and syscall (runc)");
	expect_rules("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ {"
		     " 'names': ['getpgid'], 'action': 'SCMP_ACT_ERRNO', 'args': [] } ] }",
		     "empty args", 1, "  ... is an unconditional rule");
}

static void test_arches_flags(void)
{
	expect_ok("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64',"
		  " 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM',"
		  " 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_RISCV64'],"
		  " 'syscalls': [ { 'names': ['socket', 'getcwd'], 'action': 'SCMP_ACT_ERRNO' } ] }",
		  "architectures (native listed again, multiplexed socket on x86)");
	expect_ok("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_TSYNC',"
		  " 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'] }", "all flags");
	expect_ok("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'flags': [] }", "empty flags");
	/* libseccomp keeps the first of two unconditional rules; runc too */
	expect_ok("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ { 'names': ['getcwd'],"
		  " 'action': 'SCMP_ACT_ERRNO' }, { 'names': ['mkdir', 'getcwd'], 'action': 'SCMP_ACT_KILL' } ] }",
		  "one syscall in two rules with different actions is accepted (runc)");
	expect_ok("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'flags': null,"
		  " 'listenerPath': '/run/agent.sock', 'listenerMetadata': 'x', 'future': 1 }",
		  "null flags; listenerPath without NOTIFY and unknown keys are ignored");
}

static void test_unknown_syscalls(void)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_seccomp_ struct berth_seccomp *f = NULL;
	const char *names = NULL;
	int ret;

	ret = compile("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ { 'names':"
		      " ['getcwd', 'berth_future_call', 'mkdir', 'another_one'],"
		      " 'action': 'SCMP_ACT_ERRNO' } ] }", &f, &err);
	TAP_CHECK(ret == 0 && f, "unknown syscall names do not fail the profile");
	TAP_CHECK(seccomp_ignored(f, &names) == 2 && !strcmp(names, "berth_future_call,another_one"),
		  "  ... they are counted and named for --debug");
	TAP_CHECK(seccomp_rule_count(f) == 2, "  ... the known ones are added");
}

static void test_bad_profiles(void)
{
#define A "{ 'defaultAction': 'SCMP_ACT_ALLOW', "
#define R(rule) A "'syscalls': [ { 'names': ['getcwd'], 'action': 'SCMP_ACT_ERRNO' }," \
	" { 'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO' }, 1, " rule " ] }"
	expect_fail("[]", "linux.seccomp: must be an object", "profile not an object");
	expect_fail("{ 'syscalls': [ { 'names': ['getcwd'], 'action': 'SCMP_ACT_ERRNO' } ] }",
		    "linux.seccomp.defaultAction: missing", "defaultAction missing");
	expect_fail("{ 'defaultAction': 'SCMP_ACT_FOO' }",
		    "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"", "unknown default action");
	expect_fail("{ 'defaultAction': 5 }", "linux.seccomp.defaultAction: must be a string",
		    "defaultAction not a string");
	expect_fail("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'defaultErrnoRet': 1 }",
		    "linux.seccomp.defaultErrnoRet: not allowed with SCMP_ACT_ALLOW",
		    "defaultErrnoRet with an action without errno (spec: MUST error)");
	expect_fail("{ 'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 65536 }",
		    "linux.seccomp.defaultErrnoRet: must be an integer from 0 to 65535", "defaultErrnoRet too big");
	expect_fail("{ 'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': -1 }",
		    "linux.seccomp.defaultErrnoRet: must be an integer", "defaultErrnoRet negative");
	expect_fail("{ 'defaultAction': 'SCMP_ACT_NOTIFY' }",
		    "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY (seccomp user notification) is not supported",
		    "NOTIFY default action not supported");
	expect_fail(A "'syscalls': {} }", "linux.seccomp.syscalls: must be an array", "syscalls not an array");
	expect_fail(R("{ 'names': ['getcwd'], 'action': 'SCMP_ACT_FOO' }"),
		    "linux.seccomp.syscalls[2]: must be an object", "rule not an object");
	expect_fail(A "'syscalls': [ {}, {}, {}, { 'names': ['getcwd'], 'action': 'SCMP_ACT_FOO' } ] }",
		    "linux.seccomp.syscalls[0].action: missing", "first bad rule is reported");
	expect_fail(A "'syscalls': [ { 'names': ['a'], 'action': 'SCMP_ACT_LOG' },"
		    " { 'names': ['b'], 'action': 'SCMP_ACT_LOG' }, { 'names': ['c'], 'action': 'SCMP_ACT_LOG' },"
		    " { 'names': ['getcwd'], 'action': 'SCMP_ACT_FOO' } ] }",
		    "linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"", "unknown rule action");
	expect_fail(A "'syscalls': [ { 'names': ['getcwd'], 'action': 'SCMP_ACT_NOTIFY' } ] }",
		    "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY (seccomp user notification) is not supported",
		    "NOTIFY rule not supported");
	expect_fail(A "'syscalls': [ { 'names': ['getcwd'], 'action': 'SCMP_ACT_KILL', 'errnoRet': 1 } ] }",
		    "linux.seccomp.syscalls[0].errnoRet: not allowed with SCMP_ACT_KILL", "errnoRet with KILL");
	expect_fail(A "'syscalls': [ { 'names': ['getcwd'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': '1' } ] }",
		    "linux.seccomp.syscalls[0].errnoRet: must be an integer", "errnoRet not an integer");
	expect_fail(A "'syscalls': [ { 'action': 'SCMP_ACT_ERRNO' } ] }",
		    "linux.seccomp.syscalls[0].names: must be a non-empty array of strings", "names missing");
	expect_fail(A "'syscalls': [ { 'names': [], 'action': 'SCMP_ACT_ERRNO' } ] }",
		    "linux.seccomp.syscalls[0].names: must be a non-empty array", "names empty");
	expect_fail(A "'syscalls': [ { 'names': ['getcwd', 3], 'action': 'SCMP_ACT_ERRNO' } ] }",
		    "linux.seccomp.syscalls[0].names[1]: must be a non-empty string", "name not a string");
	expect_fail(A "'syscalls': [ { 'names': [''], 'action': 'SCMP_ACT_ALLOW' } ] }",
		    "linux.seccomp.syscalls[0].names[0]: must be a non-empty string",
		    "empty name (checked even in a skipped rule)");
#define ARG(a) A "'syscalls': [ { 'names': ['getcwd'], 'action': 'SCMP_ACT_ERRNO', 'args': " a " } ] }"
	expect_fail(ARG("{}"), "linux.seccomp.syscalls[0].args: must be an array", "args not an array");
	expect_fail(ARG("[ 7 ]"), "linux.seccomp.syscalls[0].args[0]: must be an object", "arg not an object");
	expect_fail(ARG("[ { 'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ' },"
			" { 'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ' } ]"),
		    "linux.seccomp.syscalls[0].args[1].index: must be an integer from 0 to 5", "index 6");
	expect_fail(ARG("[ { 'value': 1, 'op': 'SCMP_CMP_EQ' } ]"),
		    "linux.seccomp.syscalls[0].args[0].index: must be an integer", "index missing");
	expect_fail(ARG("[ { 'index': 0, 'op': 'SCMP_CMP_EQ' } ]"),
		    "linux.seccomp.syscalls[0].args[0].value: missing", "value missing");
	expect_fail(ARG("[ { 'index': 0, 'value': '1', 'op': 'SCMP_CMP_EQ' } ]"),
		    "linux.seccomp.syscalls[0].args[0].value: must be an integer", "value not an integer");
	expect_fail(ARG("[ { 'index': 0, 'value': 1, 'valueTwo': 1.5, 'op': 'SCMP_CMP_EQ' } ]"),
		    "linux.seccomp.syscalls[0].args[0].valueTwo: must be an integer", "valueTwo not an integer");
	expect_fail(ARG("[ { 'index': 0, 'value': 1 } ]"),
		    "linux.seccomp.syscalls[0].args[0].op: missing", "op missing");
	expect_fail(ARG("[ { 'index': 0, 'value': 1, 'op': 'SCMP_CMP_XOR' } ]"),
		    "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_XOR\"", "unknown op");
	expect_fail(A "'architectures': 'SCMP_ARCH_X86' }", "linux.seccomp.architectures: must be an array",
		    "architectures not an array");
	expect_fail(A "'architectures': ['SCMP_ARCH_X86', 'SCMP_ARCH_VAX'] }",
		    "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"", "unknown arch");
	expect_fail(A "'architectures': ['x86_64'] }",
		    "linux.seccomp.architectures[0]: unknown architecture \"x86_64\"", "arch without SCMP_ARCH_");
	expect_fail(A "'architectures': ['SCMP_ARCH_'] }",
		    "linux.seccomp.architectures[0]: unknown architecture", "empty arch name");
	expect_fail(A "'architectures': [null] }", "linux.seccomp.architectures[0]: must be a string",
		    "arch not a string");
	expect_fail(A "'flags': ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_FOO'] }",
		    "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\"", "unknown flag");
	expect_fail(A "'flags': [1] }", "linux.seccomp.flags[0]: must be a string", "flag not a string");
	expect_fail(A "'flags': 'SECCOMP_FILTER_FLAG_LOG' }", "linux.seccomp.flags: must be an array",
		    "flags not an array");
	expect_fail(A "'flags': ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] }",
		    "linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is only for SCMP_ACT_NOTIFY",
		    "WAIT_KILLABLE_RECV flag");
	expect_fail(A "'architectures': ['SCMP_ARCH_X86', 'SCMP_ARCH_S390X'] }",
		    "linux.seccomp.architectures[1]: SCMP_ARCH_S390X cannot be in one filter with the native architecture",
		    "arch of the other byte order");
#undef ARG
#undef R
#undef A
}

/* The child's result: an errno (0 = the call worked) or a harness code. */
static int errno_of(long rc)
{
	return rc < 0 ? errno : 0;
}

/*
 * Compile sq here, then in a child: no core dumps (SIGSYS would write one),
 * optionally no_new_privs or an unprivileged uid, seccomp_install(), fn().
 * Returns the child's wait status.
 */
enum child_setup { AS_ROOT, WITH_NNP, AS_NOBODY };

static int run_child(const char *sq, enum child_setup setup, int (*fn)(void))
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_seccomp_ struct berth_seccomp *f = NULL;
	struct rlimit no_core = { 0, 0 };
	int status = -1;
	pid_t pid;

	if (compile(sq, &f, &err) < 0) {
		printf("#   compile: %s\n", err->msg);
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		if (setup == WITH_NNP)
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (setup == AS_NOBODY && setresuid(65534, 65534, 65534) < 0)
			_exit(CHILD_INSTALL_FAILED + 1);
		if (seccomp_install(f, &err) < 0)
			_exit(setup == AS_NOBODY && err->errnum == EACCES &&
			      strstr(err->msg, "CAP_SYS_ADMIN") ? 0 : CHILD_INSTALL_FAILED);
		_exit(fn());
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

static bool exited_with(int status, int code)
{
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static int call_uname(void)
{
	char buf[4096];

	return errno_of(syscall(SYS_uname, buf));
}

static int call_getcwd(void)
{
	char buf[4096];

	return errno_of(syscall(SYS_getcwd, buf, sizeof(buf)));
}

static int call_getppid_ok(void)
{
	return syscall(SYS_getppid) > 0 ? 0 : 100;
}

/* allowlist: getppid is not listed, getpid is */
static int call_allowlist(void)
{
	int e = errno_of(syscall(SYS_getppid));

	return syscall(SYS_getpid) > 0 ? e : 100;
}

static int call_getpgid_args(void)
{
	int a = errno_of(syscall(SYS_getpgid, 4242));
	int b = errno_of(syscall(SYS_getpgid, 4343));
	int c = errno_of(syscall(SYS_getpgid, 0));

	/* 4242 and 4343 hit the rules; 0 (our own group) must work */
	return a == 77 && b == 77 && c == 0 ? 0 : 100 + (a != 77) + 2 * (b != 77) + 4 * (c != 0);
}

static int call_umask_masked(void)
{
	/* umask(2) cannot fail, so an errno can only come from the filter */
	int a = errno_of(syscall(SYS_umask, 0777));
	int b = errno_of(syscall(SYS_umask, 0022));

	return a == 79 && b == 0 ? 0 : 100;
}

static volatile sig_atomic_t trapped_nr = -1;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	trapped_nr = si->si_syscall;
}

static int call_trap(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	sigaction(SIGSYS, &sa, NULL);
	syscall(SYS_getppid);
	return trapped_nr == SYS_getppid ? 0 : 100;
}

#define DENY(name, act) "{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ { 'names': ['" name \
	"'], 'action': " act " } ] }"

static void test_behaviour(void)
{
	int st;

	st = run_child(DENY("uname", "'SCMP_ACT_ERRNO', 'errnoRet': 38"), AS_ROOT, call_uname);
	TAP_CHECK(exited_with(st, ENOSYS), "loaded: uname fails with errnoRet 38 (ENOSYS)");
	st = run_child(DENY("getcwd", "'SCMP_ACT_ERRNO'"), WITH_NNP, call_getcwd);
	TAP_CHECK(exited_with(st, EPERM), "loaded with no_new_privs: getcwd fails with EPERM (default errno)");
	st = run_child(DENY("getcwd", "'SCMP_ACT_ERRNO'"), AS_ROOT, call_uname);
	TAP_CHECK(exited_with(st, 0), "  ... other syscalls still work");
	/* the memory calls and sigaltstack (before _exit) are for ASan */
	st = run_child("{ 'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 13, 'syscalls': [ {"
		       " 'names': ['exit_group', 'exit', 'getpid', 'write', 'mmap', 'munmap', 'mprotect',"
		       "  'madvise', 'brk', 'rt_sigreturn', 'rt_sigprocmask', 'futex', 'sigaltstack'],"
		       " 'action': 'SCMP_ACT_ALLOW' } ] }", AS_ROOT, call_allowlist);
	TAP_CHECK(exited_with(st, EACCES), "allowlist (default ERRNO 13): an unlisted syscall fails with EACCES");
	st = run_child(DENY("getppid", "'SCMP_ACT_KILL_PROCESS'"), AS_ROOT, call_getppid_ok);
	TAP_CHECK(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		  "KILL_PROCESS: the child dies of SIGSYS");
	st = run_child(DENY("getppid", "'SCMP_ACT_KILL'"), AS_ROOT, call_getppid_ok);
	TAP_CHECK(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "KILL: the (only) thread dies of SIGSYS");
	st = run_child(DENY("getppid", "'SCMP_ACT_TRAP'"), AS_ROOT, call_trap);
	TAP_CHECK(exited_with(st, 0), "TRAP: SIGSYS is delivered with the syscall number");
	st = run_child(DENY("getppid", "'SCMP_ACT_LOG'"), AS_ROOT, call_getppid_ok);
	TAP_CHECK(exited_with(st, 0), "LOG: the call is allowed");
	st = run_child("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ { 'names': ['getpgid'],"
		       " 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 77, 'args': ["
		       "  { 'index': 0, 'value': 4242, 'op': 'SCMP_CMP_EQ' },"
		       "  { 'index': 0, 'value': 4343, 'op': 'SCMP_CMP_EQ' } ] } ] }", AS_ROOT,
		       call_getpgid_args);
	TAP_CHECK(exited_with(st, 0), "two conditions on one argument act as OR (split rules)");
	st = run_child("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [ { 'names': ['umask'],"
		       " 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 79, 'args': ["
		       "  { 'index': 0, 'value': 448, 'valueTwo': 448, 'op': 'SCMP_CMP_MASKED_EQ' } ] } ] }",
		       AS_ROOT, call_umask_masked);
	TAP_CHECK(exited_with(st, 0), "MASKED_EQ: (arg & value) == valueTwo");
	st = run_child("{ 'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64',"
		       " 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], 'flags': ['SECCOMP_FILTER_FLAG_TSYNC',"
		       " 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'], 'syscalls': [ {"
		       " 'names': ['no_such_call', 'uname'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38 } ] }",
		       AS_ROOT, call_uname);
	TAP_CHECK(exited_with(st, ENOSYS), "three architectures, all flags, an unknown name: loads and filters");
	st = run_child(DENY("uname", "'SCMP_ACT_ERRNO'"), AS_NOBODY, call_uname);
	TAP_CHECK(exited_with(st, 0),
		  "without no_new_privs and CAP_SYS_ADMIN the load fails with EACCES, explained");
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* A podman-sized allowlist: every native syscall up to 300 names. */
static json_t *big_profile(const char *arches)
{
	json_t *names = json_array(), *p;
	_cleanup_free_ char *head = NULL;

	for (int nr = 0; nr < 1024 && json_array_size(names) < 300; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name && strcmp(name, "getppid") != 0)
			json_array_append_new(names, json_string(name));
		free(name);
	}
	if (asprintf(&head, "{ 'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, "
		     "'architectures': %s }", arches) < 0)
		abort();
	p = doc(head);
	json_object_set_new(p, "syscalls", json_pack("[{s:o, s:s}]", "names", names, "action",
						     "SCMP_ACT_ALLOW"));
	return p;
}

static void bench(const char *arches, const char *what)
{
	_cleanup_berr_ berr_t err = NULL;
	_cleanup_seccomp_ struct berth_seccomp *f = NULL;
	json_t *p = big_profile(arches);
	struct timespec t0;
	double compile_ms;
	int fds[2], st = -1;
	double load_ms = -1;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	TAP_CHECK(seccomp_compile(p, &f, &err) == 0 && seccomp_rule_count(f) == 300,
		  "300-syscall allowlist compiles");
	compile_ms = ms_since(&t0);
	json_decref(p);
	if (!f || pipe2(fds, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (seccomp_install(f, &err) < 0)
			_exit(1);
		load_ms = ms_since(&t0);
		/* getppid is left out of the allowlist */
		_exit(write(fds[1], &load_ms, sizeof(load_ms)) == sizeof(load_ms) &&
		      syscall(SYS_getppid) < 0 && errno == ENOSYS ? 0 : 2);
	}
	close(fds[1]);
	if (read(fds[0], &load_ms, sizeof(load_ms)) != sizeof(load_ms))
		load_ms = -1;
	close(fds[0]);
	waitpid(pid, &st, 0);
	TAP_CHECK(exited_with(st, 0), "  ... loads and filters");
	printf("# %s: compile %.2f ms, load %.2f ms\n", what, compile_ms, load_ms);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_absent();
	test_actions();
	test_args();
	test_arches_flags();
	test_unknown_syscalls();
	test_bad_profiles();
	test_behaviour();
	bench("[]", "300 syscalls, native arch");
	bench("['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']", "300 syscalls, x86_64+x86+x32");
	return TAP_DONE();
}
