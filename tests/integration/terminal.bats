#!/usr/bin/env bats
# process.terminal with --console-socket: the pty master is handed over SCM_RIGHTS to
# recvtty (recvtty.c, compiled here), which records everything the container prints.

load helpers

setup_file() {
	RECVTTY=$BATS_FILE_TMPDIR/recvtty
	cc -std=c17 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -o "$RECVTTY" "$BATS_TEST_DIRNAME/recvtty.c"
	export RECVTTY
}

# start_recvtty — listen on $TEST_DIR/tty.sock, output into $TEST_DIR/tty.out; sets $RECV_PID
start_recvtty() {
	SOCK=$TEST_DIR/tty.sock
	TTY_OUT=$TEST_DIR/tty.out
	hold "$RECVTTY" "$SOCK" "$TTY_OUT"
	RECV_PID=$HELD_PID
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$SOCK" ] && return 0
		sleep 0.05
	done
	fail "recvtty did not create $SOCK"
}

# tty_output — what the container wrote to its terminal, without the pty's carriage returns
tty_output() { tr -d '\r' <"$TTY_OUT"; }

@test "terminal: create --console-socket hands over a pty; the process has it as stdio and controlling tty" {
	config '.process.terminal = true | .process.consoleSize = {height: 33, width: 111}'
	set_cmd 'tty; stty size; for f in 0 1 2; do readlink /proc/$$/fd/$f; done
		read -r pid comm state ppid pgrp sid ttynr rest </proc/self/stat; echo "tty_nr=$ttynr sid=$sid pid=$$"'
	start_recvtty
	create_ctr --console-socket "$SOCK"
	assert_success
	rt start "$CID"
	wait_gone "$RECV_PID" 10
	local out
	out=$(tty_output)
	assert_eq "$(sed -n 1p <<<"$out")" /dev/pts/0 "tty"
	assert_eq "$(sed -n 2p <<<"$out")" "33 111" "stty size (rows cols)"
	assert_eq "$(sed -n 3,5p <<<"$out" | tr '\n' ' ')" "/dev/pts/0 /dev/pts/0 /dev/pts/0 " "fds 0 1 2"
	# 136 is the pts major: tty_nr = 136 << 8 | 0; the shell (pid 1) leads its own session
	assert_eq "$(sed -n 6p <<<"$out")" "tty_nr=34816 sid=1 pid=1" "controlling terminal and session"
}

@test "terminal: the container's output arrives on the pty and input is not required" {
	config '.process.terminal = true'
	set_cmd 'echo hello-from-the-tty; exit 0'
	start_recvtty
	create_ctr --console-socket "$SOCK"
	assert_success
	rt start "$CID"
	wait_gone "$RECV_PID" 10
	assert_eq "$(tty_output)" hello-from-the-tty "terminal output"
	wait_status "$CID" stopped
}

@test "terminal: /dev/console is the container's pty" {
	config '.process.terminal = true'
	# same device numbers as the tty the process got
	set_cmd 'stat -L -c "%t:%T" /dev/console; stat -L -c "%t:%T" $(tty)'
	start_recvtty
	create_ctr --console-socket "$SOCK"
	assert_success
	rt start "$CID"
	wait_gone "$RECV_PID" 10
	local out
	out=$(tty_output)
	assert_match "$(sed -n 1p <<<"$out")" '^88:0$' "/dev/console is pts 0 (major 0x88)"
	assert_eq "$(sed -n 1p <<<"$out")" "$(sed -n 2p <<<"$out")" "/dev/console and the tty"
}

@test "terminal: true without --console-socket makes create fail" {
	config '.process.terminal = true'
	create_ctr
	assert_failure
	assert_nothing_left
}

@test "terminal: false gives the process no tty" {
	set_cmd 'tty; true'
	run_ctr
	assert_success
	assert_output "not a tty"
}
