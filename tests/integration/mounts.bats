#!/usr/bin/env bats
# mounts, root.readonly, maskedPaths, readonlyPaths, /dev and linux.devices.

load helpers

# add_mount DEST TYPE SOURCE [OPTION...]
add_mount() {
	local dest=$1 type=$2 src=$3
	shift 3
	config '.mounts += [{destination: $d, type: $t, source: $s, options: $ARGS.positional}]' \
		--arg d "$dest" --arg t "$type" --arg s "$src" --args "$@"
}

@test "maskedPaths: masked files read empty and masked directories are empty" {
	echo host-hostname-file >"$BUNDLE/rootfs/etc/hostname"
	config '.linux.maskedPaths += ["/etc/hostname", "/usr/sbin"]'
	set_cmd 'for f in /proc/keys /proc/timer_list /etc/hostname; do
			printf "%s:%s\n" "$f" "$(cat $f 2>/dev/null | wc -c)"; done
		echo "/sys/firmware:$(ls -A /sys/firmware | wc -l)"
		echo "/usr/sbin:$(ls -A /usr/sbin | wc -l)"
		if [ -e /proc/kcore ]; then echo "/proc/kcore:$(head -c 1 /proc/kcore 2>/dev/null | wc -c)"; fi'
	run_ctr
	assert_success
	# on the host they are not empty
	# (proc files have size 0: read them)
	[ -n "$(head -c 1 /proc/keys)" ] && [ -n "$(head -c 1 /proc/timer_list)" ] \
		|| skip "host /proc/keys or /proc/timer_list is empty"
	[ -n "$(ls -A /sys/firmware)" ] || skip "host /sys/firmware is empty"
	[ -n "$(ls -A "$BUNDLE/rootfs/usr/sbin")" ] || fail "rootfs /usr/sbin is empty on the host"
	local l
	for l in /proc/keys:0 /proc/timer_list:0 /etc/hostname:0 /sys/firmware:0 /usr/sbin:0; do
		assert_contains "$output" "$l" "sizes inside"
	done
	if [ -e /proc/kcore ]; then assert_contains "$output" /proc/kcore:0 "sizes inside"; fi
}

@test "maskedPaths: a masked path cannot be written either" {
	config '.linux.maskedPaths += ["/usr/sbin"]'
	set_cmd 'touch /usr/sbin/new-file'
	run_ctr
	assert_failure
	[ ! -e "$BUNDLE/rootfs/usr/sbin/new-file" ] || fail "a file was created in the masked directory"
}

@test "readonlyPaths: /proc/sys and a configured path refuse writes (Read-only file system)" {
	mkdir -m 0777 "$TEST_DIR/rwdir"
	add_mount /data bind "$TEST_DIR/rwdir" rbind rw
	config '.linux.readonlyPaths += ["/data"]'
	set_cmd 'echo x > /proc/sys/kernel/domainname; echo x > /data/f; cat /proc/sys/kernel/ostype'
	run_ctr
	assert_success
	assert_contains "$stderr" "/proc/sys/kernel/domainname: Read-only file system" stderr
	assert_contains "$stderr" "/data/f: Read-only file system" stderr
	assert_eq "${lines[0]}" Linux "/proc/sys still readable"
	[ ! -e "$TEST_DIR/rwdir/f" ] || fail "the write reached the host directory"
}

@test "root.readonly true: the root file system refuses writes" {
	set_cmd 'touch /new-file'
	run_ctr
	assert_failure
	assert_contains "$stderr" "Read-only file system" stderr
	[ ! -e "$BUNDLE/rootfs/new-file" ] || fail "/new-file was created"
}

@test "root.readonly false: the root file system is writable and writes land in the rootfs" {
	config '.root.readonly = false'
	set_cmd 'echo hello > /new-file'
	run_ctr
	assert_success
	assert_eq "$(cat "$BUNDLE/rootfs/new-file")" hello "rootfs/new-file on the host"
}

@test "tmpfs mount: size and mode options are applied and the size is enforced" {
	add_mount /scratch tmpfs tmpfs size=2m mode=1777 nosuid nodev
	set_cmd 'awk "\$5 == \"/scratch\"" /proc/self/mountinfo
		stat -c %a /scratch
		df -k /scratch | awk "NR == 2 { print \$2 }"
		dd if=/dev/zero of=/scratch/big bs=1024 count=3000 2>/dev/null && echo FILLED-PAST-SIZE; true'
	run_ctr
	assert_success
	assert_match "${lines[0]}" ' - tmpfs tmpfs .*size=2048k' "mountinfo of /scratch"
	assert_match "${lines[0]}" 'nosuid' "mount options"
	assert_eq "${lines[1]}" 1777 "mode of /scratch"
	assert_eq "${lines[2]}" 2048 "df size (KiB)"
	assert_not_contains "$output" FILLED-PAST-SIZE "output"
	[ ! -e "$BUNDLE/rootfs/scratch/big" ] || fail "the tmpfs write went to the rootfs"
}

@test "tmpfs mount: noexec forbids running a program from it" {
	add_mount /scratch tmpfs tmpfs size=8m noexec
	set_cmd 'cp /bin/busybox /scratch/bb && /scratch/bb true'
	run_ctr
	assert_failure
	assert_contains "$stderr" "Permission denied" stderr
}

@test "bind mount: a host directory is visible and writes reach the host" {
	mkdir "$TEST_DIR/hostdir"
	echo from-host >"$TEST_DIR/hostdir/file"
	add_mount /mnt/host bind "$TEST_DIR/hostdir" rbind rw
	set_cmd 'cat /mnt/host/file; echo from-container > /mnt/host/back'
	run_ctr
	assert_success
	assert_output from-host
	assert_eq "$(cat "$TEST_DIR/hostdir/back")" from-container "host file written by the container"
}

@test "bind mount ro: a read-only bind is readable and refuses writes" {
	mkdir "$TEST_DIR/hostdir"
	echo from-host >"$TEST_DIR/hostdir/file"
	add_mount /mnt/ro bind "$TEST_DIR/hostdir" rbind ro
	set_cmd 'cat /mnt/ro/file; echo x > /mnt/ro/file'
	run_ctr
	assert_failure
	assert_output from-host
	assert_contains "$stderr" "Read-only file system" stderr
	assert_eq "$(cat "$TEST_DIR/hostdir/file")" from-host "host file"
}

@test "bind mount: a single host file can be bound onto a file" {
	echo file-from-host >"$TEST_DIR/single"
	add_mount /etc/single bind "$TEST_DIR/single" bind ro
	set_cmd 'cat /etc/single'
	run_ctr
	assert_success
	assert_output file-from-host
}

@test "mount destination through a symlink in the rootfs is resolved inside the rootfs" {
	mkdir "$TEST_DIR/src"
	echo from-src >"$TEST_DIR/src/file"
	# absolute and ../-laden symlinks that point at host paths if followed outside the rootfs
	ln -s "$TEST_DIR/escape-abs" "$BUNDLE/rootfs/evil-abs"
	ln -s "../../../../../../../../../..$TEST_DIR/escape-rel" "$BUNDLE/rootfs/evil-rel"
	add_mount /evil-abs bind "$TEST_DIR/src" rbind ro
	add_mount /evil-rel bind "$TEST_DIR/src" rbind ro
	local before
	before=$(awk '{ print $5 }' /proc/self/mountinfo | sort)
	set_cmd 'cat /evil-abs/file /evil-rel/file'
	run_ctr
	assert_success
	assert_eq "$(tr '\n' ' ' <<<"$output")" "from-src from-src " "files seen through the symlinks"
	[ ! -e "$TEST_DIR/escape-abs" ] || fail "host path $TEST_DIR/escape-abs was created"
	[ ! -e "$TEST_DIR/escape-rel" ] || fail "host path $TEST_DIR/escape-rel was created"
	[ -d "$BUNDLE/rootfs$TEST_DIR/escape-abs" ] || fail "mount point not created inside the rootfs"
	[ -d "$BUNDLE/rootfs$TEST_DIR/escape-rel" ] || fail "mount point not created inside the rootfs"
	assert_eq "$(awk '{ print $5 }' /proc/self/mountinfo | sort)" "$before" "host mount points"
}

@test "/dev: the default device nodes and symlinks exist, host devices do not" {
	set_cmd 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done
		for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done
		echo discard > /dev/null && echo null-writable
		echo "zeros: $(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")"
		test -d /dev/pts && test -d /dev/shm && echo dirs-ok
		ls /dev/vda /dev/sda /dev/mem 2>/dev/null; true'
	run_ctr
	assert_success
	local want
	for want in "/dev/null character special file 1:3 666" "/dev/zero character special file 1:5 666" \
		"/dev/full character special file 1:7 666" "/dev/random character special file 1:8 666" \
		"/dev/urandom character special file 1:9 666" "/dev/tty character special file 5:0 666" \
		"fd -> /proc/self/fd" "stdin -> /proc/self/fd/0" "stdout -> /proc/self/fd/1" \
		"stderr -> /proc/self/fd/2" "ptmx -> pts/ptmx" null-writable "zeros: 00000000" dirs-ok; do
		assert_contains "$output" "$want" "/dev listing"
	done
	assert_not_contains "$output" /dev/vda "/dev listing"
	assert_not_contains "$output" /dev/mem "/dev listing"
}

@test "linux.devices: char and block nodes get their type, major:minor, mode and owner" {
	config '.linux.devices = [
		{path: "/dev/berth-char", type: "c", major: 10, minor: 229, fileMode: 416, uid: 1000, gid: 1000},
		{path: "/dev/sub/berth-block", type: "b", major: 7, minor: 200, fileMode: 384, uid: 0, gid: 0}]'
	set_cmd 'stat -c "%n|%F|%t %T|%a|%u:%g" /dev/berth-char /dev/sub/berth-block'
	run_ctr
	assert_success
	assert_eq "${lines[0]}" "/dev/berth-char|character special file|a e5|640|1000:1000" "char device"
	assert_eq "${lines[1]}" "/dev/sub/berth-block|block special file|7 c8|600|0:0" "block device"
}

@test "proc mount: /proc shows only the container's processes" {
	set_cmd 'ls /proc | grep -c "^[0-9]"'
	run_ctr
	assert_success
	[ "$output" -le 3 ] || fail "the container's /proc lists $output processes"
}

@test "mountLabel on a host without SELinux is ignored, as crun does (the container runs)" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
	skip_if_runc "runc passes context= to the kernel anyway and fails with EINVAL"
	config '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	set_args echo ran
	run_ctr
	assert_success
	assert_output ran
}

@test "mount order: a cgroup mount listed before a mount over it stays hidden; one inside it shows on top" {
	# berth makes a cgroup mount after the others when nothing later touches it: the order the
	# config gives must still decide what is visible
	config '.mounts += [{"destination": "/sys/fs/cgroup/memory", "type": "tmpfs", "source": "tmpfs"}]'
	set_cmd 'ls -A /sys/fs/cgroup/memory | wc -l; ls /sys/fs/cgroup/pids/pids.max'
	run_ctr
	assert_success
	assert_output "0
/sys/fs/cgroup/pids/pids.max"
	config '.mounts = [.mounts[] | select(.destination != "/sys/fs/cgroup/memory")]
		| .mounts += [{"destination": "/sys", "type": "tmpfs", "source": "tmpfs"}]'
	set_cmd 'ls -A /sys | wc -l'
	run_ctr
	assert_success
	assert_output 0
}
