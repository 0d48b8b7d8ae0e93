#!/usr/bin/env bats
# linux.namespaces (new and joined by path) and linux.sysctl.

load helpers

# ns_ids NS... — "ns:[inode]" of our own namespaces, one per line
ns_ids() {
	local n
	for n in "$@"; do readlink "/proc/self/ns/$n"; done
}

NS_SCRIPT='for n in pid net ipc uts mnt cgroup user; do echo "$n $(readlink /proc/self/ns/$n)"; done'

# inside NS — the container's id for NS from $output
inside() { awk -v n="$1" '$1 == n { print $2 }' <<<"$output"; }

@test "namespaces: each configured namespace is new, the others are the host's" {
	set_cmd "$NS_SCRIPT"
	run_ctr
	assert_success
	local n
	for n in pid net ipc uts mnt; do
		[ "$(inside $n)" != "$(ns_ids $n)" ] || fail "$n namespace is the host's: $(inside $n)"
	done
	for n in cgroup user; do
		assert_eq "$(inside $n)" "$(ns_ids $n)" "$n namespace (not configured)"
	done
}

@test "namespaces: leaving ipc and uts out of the config shares the host's" {
	config '.linux.namespaces |= map(select(.type != "ipc" and .type != "uts")) | del(.hostname)'
	set_cmd "$NS_SCRIPT; hostname"
	run_ctr
	assert_success
	assert_eq "$(inside ipc)" "$(ns_ids ipc)" "ipc namespace"
	assert_eq "$(inside uts)" "$(ns_ids uts)" "uts namespace"
	assert_eq "${lines[-1]}" "$HOST_HOSTNAME" hostname
	[ "$(inside net)" != "$(ns_ids net)" ] || fail "net namespace is the host's"
}

@test "network namespace: a new one has only the loopback device" {
	set_cmd 'ls /sys/class/net; ip -o link | wc -l'
	run_ctr
	assert_success
	assert_eq "$(tr '\n' ' ' <<<"$output")" "lo 1 " "links inside"
}

@test "network namespace: joining one by path shows its links" {
	hold unshare --net sh -c "ip link add berth-v0 type veth peer name berth-v1 && echo ok > $TEST_DIR/ready && exec sleep 1000"
	wait_file "$TEST_DIR/ready"
	local nspath=/proc/$HELD_PID/ns/net
	config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "$nspath"
	set_cmd 'readlink /proc/self/ns/net; ls /sys/class/net'
	run_ctr
	assert_success
	assert_eq "${lines[0]}" "$(readlink "$nspath")" "net namespace inside"
	assert_contains "$output" berth-v0 "links inside"
	assert_contains "$output" berth-v1 "links inside"
	assert_not_contains "$output" eth0 "links inside"
}

@test "uts namespace: joining one by path shows its hostname" {
	hold unshare --uts sh -c "hostname berth-joined-uts && echo ok > $TEST_DIR/ready && exec sleep 1000"
	wait_file "$TEST_DIR/ready"
	local nspath=/proc/$HELD_PID/ns/uts
	config 'del(.hostname) | .linux.namespaces |= map(if .type == "uts" then .path = $p else . end)' \
		--arg p "$nspath"
	set_cmd 'readlink /proc/self/ns/uts; hostname'
	run_ctr
	assert_success
	assert_eq "${lines[0]}" "$(readlink "$nspath")" "uts namespace inside"
	assert_eq "${lines[1]}" berth-joined-uts hostname
	assert_eq "$(cat /proc/sys/kernel/hostname)" "$HOST_HOSTNAME" "host hostname"
}

@test "ipc namespace: a host SysV shared memory segment is invisible inside" {
	local id
	id=$(ipcmk -M 4096 | awk '{ print $NF }')
	set_cmd 'cat /proc/sysvipc/shm'
	run_ctr
	ipcrm -m "$id"
	assert_success
	assert_not_contains "$output" " $id " "/proc/sysvipc/shm inside"
}

@test "sysctl: net.ipv4.ip_forward is set in the container's netns only" {
	local host_before
	host_before=$(cat /proc/sys/net/ipv4/ip_forward)
	[ "$host_before" = 0 ] || skip "host has ip_forward=$host_before; the test needs 0 to tell them apart"
	config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.domainname": "berth.example"}'
	set_cmd 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname'
	run_ctr
	assert_success
	assert_eq "${lines[0]}" 1 "ip_forward inside"
	assert_eq "${lines[1]}" berth.example "domainname inside"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 0 "host ip_forward"
	[ "$(cat /proc/sys/kernel/domainname)" != berth.example ] || fail "host domainname changed"
}
