#!/usr/bin/env bats
# POSIX-platform hooks: order, namespaces, the state on stdin, failures and timeouts.
#
# Each hook is /bin/sh -c SCRIPT. Hooks in the runtime namespace (prestart, createRuntime,
# poststart, poststop) and createContainer (container namespaces, but before pivot_root, so
# host paths still resolve) write to $HOOKS on the host. startContainer runs after pivot_root:
# its path (/bin/sh) resolves in the container's rootfs and it writes to /hooklog, a bind
# mount of $HOOKS. Every hook appends its name to log, saves its stdin as NAME.json and its
# mount namespace as NAME.mnt.

load helpers

ALL_HOOKS=(prestart createRuntime createContainer startContainer poststart poststop)

setup() {
	berth_setup
	HOOKS=$TEST_DIR/hooks
	mkdir -m 0777 "$HOOKS"
	config '.mounts += [{destination: "/hooklog", type: "bind", source: $h, options: ["rbind", "rw"]}]' \
		--arg h "$HOOKS"
	set_cmd 'sleep 1000'
}

# recording_script KIND DIR — the hook body: record stdin, order and mount namespace
recording_script() {
	echo "cat > $2/$1.json; readlink /proc/self/ns/mnt > $2/$1.mnt; echo $1 >> $2/log"
}

# add_hook KIND SCRIPT [TIMEOUT]
add_hook() {
	local t=${3:-0}
	config '.hooks[$k] += [{path: "/bin/sh", args: ["sh", "-c", $s],
			env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}
			+ (if $t > 0 then {timeout: $t} else {} end)]' \
		--arg k "$1" --arg s "$2" --argjson t "$t"
}

# add_recording_hooks KIND... — a recording hook for each KIND
add_recording_hooks() {
	local k
	for k in "$@"; do
		if [ "$k" = startContainer ]; then
			add_hook "$k" "$(recording_script "$k" /hooklog)"
		else
			add_hook "$k" "$(recording_script "$k" "$HOOKS")"
		fi
	done
}

hook_log() { tr '\n' ' ' <"$HOOKS/log" 2>/dev/null | sed 's/ $//'; }

@test "hooks: all six run exactly once, in lifecycle order" {
	skip_if_runc "runc 1.1 runs poststart hooks during create, before startContainer"
	add_recording_hooks "${ALL_HOOKS[@]}"
	create_ctr
	assert_success
	assert_eq "$(hook_log)" "prestart createRuntime createContainer" "hooks run by create"
	rt start "$CID"
	assert_eq "$(hook_log)" "prestart createRuntime createContainer startContainer poststart" "hooks run by start"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	rt delete "$CID"
	assert_eq "$(hook_log)" "${ALL_HOOKS[*]}" "hooks run by delete"
}

@test "hooks: create runs prestart, createRuntime, createContainer in that order, before the program" {
	add_recording_hooks prestart createRuntime createContainer startContainer poststop
	set_cmd 'echo ran > /hooklog/program; sleep 1000'
	create_ctr
	assert_success
	assert_eq "$(hook_log)" "prestart createRuntime createContainer" "hooks run by create"
	[ ! -e "$HOOKS/program" ] || fail "the program ran during create"
	rt start "$CID"
	wait_file "$HOOKS/program"
	assert_eq "$(hook_log)" "prestart createRuntime createContainer startContainer" "hooks after start"
}

@test "hooks: poststop runs on delete, after the container is gone" {
	add_recording_hooks poststop
	add_hook poststop "ls /proc/\$(cat $HOOKS/poststop.json | sed 's/.*\"pid\": *\([0-9]*\).*/\1/') >/dev/null 2>&1 && echo alive >> $HOOKS/pid-at-poststop; true"
	create_ctr
	assert_success
	local pid
	pid=$(pid_of "$CID")
	rt start "$CID"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	[ ! -e "$HOOKS/log" ] || fail "hooks ran before delete: $(hook_log)"
	run rt delete "$CID"
	assert_success
	assert_eq "$(hook_log)" poststop "hooks run by delete"
	[ ! -d "/proc/$pid" ] || wait_gone "$pid"
	[ ! -e "$HOOKS/pid-at-poststop" ] || fail "the container process was alive when poststop ran"
}

@test "hooks: delete --force of a created container runs poststop" {
	add_recording_hooks poststop
	create_ctr
	assert_success
	run rt delete --force "$CID"
	assert_success
	assert_eq "$(hook_log)" poststop "hooks run by delete --force"
}

@test "hooks: runtime-namespace hooks run in the host mount namespace, container hooks in the container's" {
	add_recording_hooks prestart createRuntime createContainer startContainer
	create_ctr
	assert_success
	local ctr_mnt host_mnt
	ctr_mnt=$(readlink "/proc/$(pid_of "$CID")/ns/mnt")
	host_mnt=$(readlink /proc/self/ns/mnt)
	rt start "$CID"
	wait_file "$HOOKS/startContainer.mnt"
	assert_eq "$(cat "$HOOKS/prestart.mnt")" "$host_mnt" "prestart mount namespace"
	assert_eq "$(cat "$HOOKS/createRuntime.mnt")" "$host_mnt" "createRuntime mount namespace"
	assert_eq "$(cat "$HOOKS/createContainer.mnt")" "$ctr_mnt" "createContainer mount namespace"
	assert_eq "$(cat "$HOOKS/startContainer.mnt")" "$ctr_mnt" "startContainer mount namespace"
}

@test "hooks: startContainer's path resolves inside the container, not on the host" {
	# /berth-hook exists only in the rootfs: a runtime resolving the path on the host fails
	printf '#!/bin/sh\necho in-rootfs > /hooklog/startContainer-ran\n' >"$BUNDLE/rootfs/berth-hook"
	chmod 0755 "$BUNDLE/rootfs/berth-hook"
	config '.hooks.startContainer = [{path: "/berth-hook", args: ["berth-hook"]}]'
	create_ctr
	assert_success
	run rt start "$CID"
	assert_success
	assert_eq "$(cat "$HOOKS/startContainer-ran")" in-rootfs "startContainer hook output"
}

@test "hooks: the container state on stdin has the id, bundle, pid and status" {
	add_recording_hooks prestart createRuntime createContainer startContainer poststop
	config '.annotations = {"hook-test": "yes"}'
	create_ctr
	assert_success
	local pid k f
	pid=$(pid_of "$CID")
	rt start "$CID"
	wait_file "$HOOKS/startContainer.json"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	rt delete "$CID"
	for k in prestart createRuntime createContainer startContainer poststop; do
		f=$HOOKS/$k.json
		jq -e . "$f" >/dev/null || fail "$k: stdin is not JSON: $(cat "$f")"
		assert_eq "$(jq -r .id "$f")" "$CID" "$k: id"
		assert_eq "$(jq -r .bundle "$f")" "$BUNDLE" "$k: bundle"
		assert_match "$(jq -r .ociVersion "$f")" '^1\.' "$k: ociVersion"
		assert_eq "$(jq -r '.annotations["hook-test"]' "$f")" yes "$k: annotations"
	done
	# runtime-spec (state, "pid"): hooks in the runtime namespace see the pid as the runtime
	# sees it, hooks in the container namespace as the container sees it
	assert_eq "$(jq -r .pid "$HOOKS/prestart.json")" "$pid" "prestart: pid"
	assert_eq "$(jq -r .pid "$HOOKS/createRuntime.json")" "$pid" "createRuntime: pid"
	assert_eq "$(jq -r .pid "$HOOKS/createContainer.json")" 1 "createContainer: pid"
	assert_eq "$(jq -r .pid "$HOOKS/startContainer.json")" 1 "startContainer: pid"
	assert_match "$(jq -r .status "$HOOKS/prestart.json")" '^(creating|created)$' "prestart: status"
	assert_match "$(jq -r .status "$HOOKS/createRuntime.json")" '^(creating|created)$' "createRuntime: status"
	assert_match "$(jq -r .status "$HOOKS/createContainer.json")" '^(creating|created)$' "createContainer: status"
	assert_eq "$(jq -r .status "$HOOKS/startContainer.json")" created "startContainer: status"
	assert_eq "$(jq -r .status "$HOOKS/poststop.json")" stopped "poststop: status"
}

@test "hooks: poststart sees the container running with its pid" {
	skip_if_runc "runc 1.1 runs poststart during create, with status 'created'"
	add_recording_hooks poststart
	create_ctr
	assert_success
	local pid
	pid=$(pid_of "$CID")
	[ ! -e "$HOOKS/log" ] || fail "poststart ran during create"
	rt start "$CID"
	assert_eq "$(hook_log)" poststart "hooks after start"
	assert_eq "$(jq -r .status "$HOOKS/poststart.json")" running "poststart: status"
	assert_eq "$(jq -r .pid "$HOOKS/poststart.json")" "$pid" "poststart: pid"
}

@test "hooks: hook args and env are passed as configured" {
	config '.hooks.createRuntime = [{path: "/bin/sh",
		args: ["my-argv0", "-c", "{ tr \"\\\\0\" \"\\\\n\" </proc/$$/cmdline | head -n 1; echo \"$0|$1|$BERTH_HOOK_VAR|${HOME:-nohome}\"; } > $DIR/args",
			"zero", "first arg"],
		env: ["BERTH_HOOK_VAR=hook value", "DIR=" + $d]}]' --arg d "$HOOKS"
	create_ctr
	assert_success
	assert_eq "$(sed -n 1p "$HOOKS/args")" my-argv0 "argv[0] of the hook"
	assert_eq "$(sed -n 2p "$HOOKS/args")" "zero|first arg|hook value|nohome" "\$0|\$1|env|HOME"
}

# failing_hook_test KIND — a KIND hook exiting 7 makes create fail and leaves nothing behind
failing_hook_test() {
	add_recording_hooks prestart
	add_hook "$1" 'echo hook-says-no >&2; exit 7'
	add_recording_hooks poststop
	set_cmd 'echo ran > /hooklog/program; sleep 1000'
	create_ctr
	assert_failure
	[ ! -e "$HOOKS/program" ] || fail "the program ran"
	assert_nothing_left
}

@test "hooks: a failing prestart hook makes create fail and leaves nothing behind" {
	failing_hook_test prestart
}

@test "hooks: a failing createRuntime hook makes create fail and leaves nothing behind" {
	failing_hook_test createRuntime
}

@test "hooks: a failing createContainer hook makes create fail and leaves nothing behind" {
	failing_hook_test createContainer
}

@test "hooks: a failing createRuntime hook stops later hooks and runs poststop" {
	skip_if_runc "runc 1.1 does not run poststop hooks when create fails"
	add_recording_hooks prestart
	add_hook createRuntime 'exit 7'
	add_recording_hooks createContainer poststop
	create_ctr
	assert_failure
	assert_eq "$(hook_log)" "prestart poststop" "hooks run by the failed create"
}

@test "hooks: a failing startContainer hook means the program never runs" {
	add_hook startContainer 'exit 7'
	set_cmd 'echo ran > /hooklog/program; sleep 1000'
	create_ctr
	assert_success
	run --separate-stderr rt start "$CID"
	sleep 0.5
	[ ! -e "$HOOKS/program" ] || fail "the program ran after its startContainer hook failed"
}

@test "hooks: a failing startContainer hook makes start fail" {
	skip_if_runc "runc 1.1 start returns 0 when a startContainer hook fails"
	add_hook startContainer 'exit 7'
	create_ctr
	assert_success
	run --separate-stderr rt start "$CID"
	assert_failure
}

@test "hooks: a failing poststop hook does not make delete fail" {
	skip_if_runc "runc 1.1 fails delete when a poststop hook fails"
	add_hook poststop 'exit 7'
	add_recording_hooks poststop
	create_ctr
	assert_success
	run rt delete --force "$CID"
	assert_success
	assert_eq "$(hook_log)" poststop "the second poststop hook still ran"
	run -1 rt state "$CID"
}

@test "hooks: a hook running past its timeout is killed and create fails" {
	# a sleep with a duration no other process on the machine has
	local dur=59.$$$RANDOM
	add_hook createRuntime "exec sleep $dur" 1
	local t0=$SECONDS
	create_ctr
	assert_failure
	[ $((SECONDS - t0)) -lt 15 ] || fail "create took $((SECONDS - t0))s with a 1s hook timeout"
	assert_nothing_left
	! pgrep -f "^sleep $dur\$" >/dev/null || fail "the timed-out hook is still running"
}
