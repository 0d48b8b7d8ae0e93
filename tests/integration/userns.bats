#!/usr/bin/env bats
# user namespace: uidMappings / gidMappings, as seen from inside and from the host.

load helpers

setup() {
	berth_setup
	config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
}

# squeeze — collapse runs of blanks (the kernel pads uid_map columns)
squeeze() { tr -s ' \t' ' ' | sed 's/^ //; s/ $//'; }

@test "userns: uid_map and gid_map inside show the configured mappings" {
	set_cmd 'cat /proc/self/uid_map; cat /proc/self/gid_map; readlink /proc/self/ns/user; id -u; id -g'
	run_ctr
	assert_success
	assert_eq "$(sed -n 1p <<<"$output" | squeeze)" "0 100000 65536" uid_map
	assert_eq "$(sed -n 2p <<<"$output" | squeeze)" "0 100000 65536" gid_map
	[ "${lines[2]}" != "$(readlink /proc/self/ns/user)" ] || fail "user namespace is the host's"
	assert_eq "${lines[3]}" 0 "uid inside"
	assert_eq "${lines[4]}" 0 "gid inside"
}

@test "userns: the container's root is uid 100000 on the host" {
	set_cmd 'sleep 1000'
	create_ctr
	assert_success
	rt start "$CID"
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")
	assert_eq "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" "100000 100000 100000 100000" "host Uid of pid $pid"
	assert_eq "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" "100000 100000 100000 100000" "host Gid of pid $pid"
	assert_eq "$(ps -o uid= -p "$pid" | tr -d ' ')" 100000 "ps -o uid"
}

@test "userns: process.user 1000 inside is uid 101000 on the host" {
	config '.process.user = {uid: 1000, gid: 1000}'
	set_cmd 'sleep 1000'
	create_ctr
	assert_success
	rt start "$CID"
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")
	assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" 101000 "host uid"
	assert_eq "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" 101000 "host gid"
}

@test "userns: mapped root cannot write host-root-owned files, but can write its own" {
	config '.root.readonly = false'
	set_cmd 'touch /etc/by-unmapped-owner 2>/dev/null && echo WROTE-ROOT-OWNED; stat -c %u:%g /etc/passwd'
	run_ctr
	assert_success
	assert_not_contains "$output" WROTE-ROOT-OWNED output
	# files owned by unmapped host ids show up as the overflow id
	assert_eq "${lines[0]}" "65534:65534" "owner of /etc/passwd inside"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	set_cmd 'touch /etc/by-mapped-root && stat -c %u:%g /etc/by-mapped-root'
	CID=$CID-2 run_ctr
	assert_success
	assert_output 0:0
	assert_eq "$(stat -c %u:%g "$BUNDLE/rootfs/etc/by-mapped-root")" 100000:100000 "owner on the host"
}
