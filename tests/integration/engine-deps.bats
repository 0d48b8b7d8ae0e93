#!/usr/bin/env bats
# The seed's case: three apps that need different versions of the same shared library
# (libfoo.so.1, v1 and v2) run side by side, each from its own image, while the host has no
# libfoo at all.

load helpers
load engine-helpers

# build DIR: libfoo v1 and v2 (same soname), apps a and b built against v1, c against v2
build_apps() {
	local d=$1 v
	mkdir -p "$d/src"
	for v in 1 2; do
		mkdir -p "$d/v$v"
		cat >"$d/src/foo$v.c" <<-EOF
			const char *foo_version(void) { return "v$v"; }
			int foo_answer(void) { return $((40 + v)); }
		EOF
		gcc -shared -fPIC -Wl,-soname,libfoo.so.1 -o "$d/v$v/libfoo.so.1" "$d/src/foo$v.c"
		ln -sf libfoo.so.1 "$d/v$v/libfoo.so"
	done
	cat >"$d/src/app.c" <<-'EOF'
		#include <stdio.h>
		const char *foo_version(void);
		int foo_answer(void);
		int main(int argc, char **argv)
		{
			printf("%s: libfoo %s answer %d\n", APP, foo_version(), foo_answer());
			return 0;
		}
	EOF
	gcc -DAPP='"a"' -o "$d/app-a" "$d/src/app.c" -L"$d/v1" -lfoo
	gcc -DAPP='"b"' -o "$d/app-b" "$d/src/app.c" -L"$d/v1" -lfoo
	gcc -DAPP='"c"' -o "$d/app-c" "$d/src/app.c" -L"$d/v2" -lfoo
}

# layer DIR APP LIBDIR: the app, its libfoo and the host's libc and dynamic loader (from ldd)
make_layer() {
	local l=$1 app=$2 lib=$3 f
	mkdir -p "$l/app" "$l/usr/lib"
	cp "$app" "$l/app/app"
	cp "$lib/libfoo.so.1" "$l/usr/lib/libfoo.so.1"
	for f in $(ldd "$app" | grep -o '/[^ ]*' | grep -v libfoo); do
		mkdir -p "$l$(dirname "$f")"
		cp -L "$f" "$l$f"
	done
}

setup_file() {
	command -v gcc >/dev/null || skip "gcc missing"
	local d=$BATS_FILE_TMPDIR/apps x
	build_apps "$d"
	make_layer "$d/layer-a" "$d/app-a" "$d/v1"
	make_layer "$d/layer-b" "$d/app-b" "$d/v1"
	make_layer "$d/layer-c" "$d/app-c" "$d/v2"
	for x in a b c; do
		bash "$REPO_ROOT/scripts/mkimage.sh" "$BATS_FILE_TMPDIR/img-app-$x" \
			--tag "localhost/app-$x:latest" --layer "$d/layer-$x" \
			--config '{"Cmd":["/app/app"]}' >/dev/null
	done
}

setup() {
	engine_setup
	for x in a b c; do
		b load -i "$BATS_FILE_TMPDIR/img-app-$x" >/dev/null
	done
}
teardown() { engine_teardown; }

@test "host_has_no_libfoo" {
	run bash -c 'ldconfig -p | grep libfoo'
	[ "$status" -ne 0 ] || fail "the host's linker cache knows libfoo: $output"
	run --separate-stderr ls /usr/lib/libfoo.so.1 /usr/lib/x86_64-linux-gnu/libfoo.so.1 /usr/local/lib/libfoo.so.1 /lib64/libfoo.so.1
	[ "$status" -ne 0 ] && [ -z "$output" ] || fail "libfoo on the host: $output"
	# and an app cannot run on the host
	run -127 "$BATS_FILE_TMPDIR/apps/app-a"
	[ "$status" -ne 0 ] || fail "app-a ran on the host"
	assert_contains "$output" "libfoo.so.1"
}

@test "each_image_runs_its_own_libfoo" {
	run --separate-stderr b run --rm localhost/app-a
	assert_status 0
	assert_eq "$output" "a: libfoo v1 answer 41"
	run --separate-stderr b run --rm localhost/app-c
	assert_status 0
	assert_eq "$output" "c: libfoo v2 answer 42"
}

@test "three_apps_with_conflicting_libfoo_run_side_by_side" {
	local x pids=() st
	mkdir "$TEST_DIR/sync"
	# each container holds until all three are up, then reports
	for x in a b c; do
		b run --rm --name "app-$x" -v "$TEST_DIR/sync:/sync" "localhost/app-$x" \
			sh -c "touch /sync/$x; i=0; while [ \$(ls /sync | wc -l) -lt 3 ]; do
				i=\$((i + 1)); [ \$i -lt 600 ] || { echo timeout; exit 1; }; sleep 0.05; done
				/app/app" >"$TEST_DIR/out-$x" 2>&1 3>&- &
		pids+=($!)
		HELD_PIDS+=($!)
	done
	for x in 0 1 2; do
		st=0
		wait "${pids[$x]}" || st=$?
		assert_eq "$st" 0 "exit status of container $x"
	done
	assert_eq "$(cat "$TEST_DIR/out-a")" "a: libfoo v1 answer 41"
	assert_eq "$(cat "$TEST_DIR/out-b")" "b: libfoo v1 answer 41"
	assert_eq "$(cat "$TEST_DIR/out-c")" "c: libfoo v2 answer 42"
	assert_no_container
}
