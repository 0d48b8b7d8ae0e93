# clients-helpers.bash — the real callers of the runtime (podman 4.3 via conmon, containerd 1.6
# via containerd-shim-runc-v2 and ctr), each isolated under one temp directory per .bats file.
# Loaded by podman.bats and containerd.bats after helpers.bash:
#
#   load helpers
#   load clients-helpers
#
# Nothing here touches /etc, /var/lib/containers or the default runtime roots: podman gets its
# own root/runroot/tmpdir and config files, containerd its own config, root, state, sockets and
# a private runc root. The test image is scripts/mkimage.sh's busybox layout.
#
# $RUNTIME is the OCI runtime under test (RUNTIME=/usr/sbin/runc runs the same tests as control).

# the image both clients run
CLIENT_IMAGE=localhost/berth-busybox:latest

# client_dir NAME — a fresh directory for this file's client state (walkable by a mapped root);
# lower case only: podman names an image pulled from "oci:DIR" after DIR
client_dir() {
	local d
	d=${BERTH_TEST_TMPDIR:-/tmp}/berth-$1-$$-$(date +%s%N)
	mkdir -m 0755 "$d" || return 1
	echo "$d"
}

# client_image DIR — scripts/mkimage.sh's busybox layout in DIR/oci (tag "latest")
client_image() {
	bash "$REPO_ROOT/scripts/mkimage.sh" "$1/oci" >/dev/null
}

# umount_under DIR — lazily unmount whatever a client left mounted under DIR, deepest first
umount_under() {
	local m
	for m in $(host_mounts_under "$1" | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}

# cgroups_named ERE — cgroup directories (any hierarchy) whose name matches ERE
cgroups_named() {
	local m
	for m in $(awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) ~ /^cgroup2?$/) print $5 }' \
		/proc/self/mountinfo); do
		find "$m" -mindepth 1 -type d -regextype egrep -regex ".*/($1)" 2>/dev/null
	done
}

# ---------------------------------------------------------------------------------------------
# podman

# podman_env DIR — config files for an isolated podman in DIR (see shared/clients §3): overlay,
# cgroupfs, file events, no network, ulimits this host allows (no CAP_SYS_RESOURCE: the hard
# RLIMIT_NOFILE is 20000, and conmon's nproc limit is 32768)
podman_env() {
	local d=$1
	mkdir -p "$d"/{root,run,tmp,networks}
	cat >"$d/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
tmp_dir = "$d/tmp"
volume_path = "$d/volumes"
[network]
network_config_dir = "$d/networks"
EOF
	cat >"$d/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$d/root"
runroot = "$d/run"
EOF
	printf 'unqualified-search-registries = []\n' >"$d/registries.conf"
}

# pm ARGS... — podman on the private store with $RUNTIME (stdin from /dev/null)
pm() {
	CONTAINERS_CONF=$PM_DIR/containers.conf CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf \
		CONTAINERS_REGISTRIES_CONF=$PM_DIR/registries.conf \
		timeout -k 5 120 podman --root "$PM_DIR/root" --runroot "$PM_DIR/run" \
		--tmpdir "$PM_DIR/tmp" --storage-driver overlay --cgroup-manager cgroupfs \
		--events-backend file --runtime "$RUNTIME" "$@" </dev/null
}

# pm_run ARGS... — `podman run` with the flags this host needs (and never a pull)
PM_RUN_FLAGS=(--pull never --network none --ulimit nofile=20000:20000 --ulimit nproc=32768:32768)
pm_run() {
	pm run "${PM_RUN_FLAGS[@]}" "$@"
}

# pm_tty CMD-STRING — run a podman command line (pm's flags prepended) on a terminal made by
# script(1), which conmon's console socket then sees; stdout is the typescript. script's stdin
# stays open (an idle sleep, killed afterwards): on an immediate EOF podman -i sometimes drops
# the output of a short-lived container, with runc as with berth
pm_tty() {
	local cmd rc=0 idle fd
	cmd="CONTAINERS_CONF=$PM_DIR/containers.conf CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf"
	cmd+=" CONTAINERS_REGISTRIES_CONF=$PM_DIR/registries.conf podman --root $PM_DIR/root"
	cmd+=" --runroot $PM_DIR/run --tmpdir $PM_DIR/tmp --storage-driver overlay"
	cmd+=" --cgroup-manager cgroupfs --events-backend file --runtime $RUNTIME $1"
	exec {fd}< <(exec sleep 120)
	idle=$!
	timeout -k 5 60 script -qec "$cmd" /dev/null <&$fd || rc=$?
	exec {fd}<&-
	kill "$idle" 2>/dev/null
	wait "$idle" 2>/dev/null
	return $rc
}

# podman_setup_file — PM_DIR with config, the image pulled from its OCI layout and tagged
# $CLIENT_IMAGE
podman_setup_file() {
	PM_DIR=$(client_dir podman) || return 1
	export PM_DIR
	podman_env "$PM_DIR"
	client_image "$PM_DIR" || return 1
	local id
	id=$(pm pull -q "oci:$PM_DIR/oci:latest") || return 1
	pm tag "$id" "$CLIENT_IMAGE"
}

# podman_teardown_file — remove every container and the whole store, then check that nothing
# of this file's containers is left: no mount under PM_DIR, no libpod cgroup of theirs
podman_teardown_file() {
	[ -n "${PM_DIR:-}" ] && [ -d "$PM_DIR" ] || return 0
	local ids left='' id
	ids=$(pm ps -aq --no-trunc 2>/dev/null; cat "$PM_DIR/ids" 2>/dev/null)
	pm rm -af -t 0 >/dev/null 2>&1 || true
	pm system reset -f >/dev/null 2>&1 || true
	umount_under "$PM_DIR"
	for id in $ids; do
		left+=$(cgroups_named "libpod-$id|libpod-conmon-$id")
	done
	rm -rf --one-file-system "$PM_DIR"
	[ -z "$left" ] || { echo "cgroups left by podman's containers: $left" >&2; return 1; }
}

# pm_track NAME — remember a container's full id, for the teardown's leftover check
pm_track() {
	pm inspect --format '{{.Id}}' "$1" >>"$PM_DIR/ids" 2>/dev/null || true
}

# pm_wait_running NAME — poll until podman says NAME is running
pm_wait_running() {
	local i st
	for ((i = 0; i < 200; i++)); do
		st=$(pm inspect --format '{{.State.Status}}' "$1" 2>/dev/null)
		[ "$st" = running ] && return 0
		sleep 0.05
	done
	fail "$1 is '$st', not running, after 10 s"
}

# wait_output_has TEXT CMD... — poll until CMD's output contains TEXT (10 s)
wait_output_has() {
	local want=$1 i out
	shift
	for ((i = 0; i < 100; i++)); do
		out=$("$@" 2>&1)
		case $out in *"$want"*) return 0 ;; esac
		sleep 0.1
	done
	fail "'$*' never printed '$want': $out"
}

# ---------------------------------------------------------------------------------------------
# containerd

# containerd_setup_file — a containerd of our own under CT_DIR (config, root, state, sockets),
# the image imported as $CLIENT_IMAGE into both snapshotters, a unique namespace $CT_NS and a
# private runtime root $CT_RUNC_ROOT
containerd_setup_file() {
	CT_DIR=$(client_dir containerd) || return 1
	export CT_DIR CT_NS=berth-test-$$ CT_RUNC_ROOT=$CT_DIR/runc
	mkdir -p "$CT_DIR"/{root,state} "$CT_RUNC_ROOT"
	cat >"$CT_DIR/config.toml" <<EOF
version = 2
root = "$CT_DIR/root"
state = "$CT_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CT_DIR/containerd.sock"
[ttrpc]
  address = "$CT_DIR/containerd.sock.ttrpc"
[debug]
  address = "$CT_DIR/debug.sock"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$CT_DIR/opt"
EOF
	containerd --config "$CT_DIR/config.toml" >"$CT_DIR/containerd.log" 2>&1 3>&- &
	echo $! >"$CT_DIR/containerd.pid"
	local i
	for ((i = 0; i < 100; i++)); do
		ctr version >/dev/null 2>&1 && break
		sleep 0.1
	done
	ctr version >/dev/null || { cat "$CT_DIR/containerd.log" >&2; return 1; }
	client_image "$CT_DIR" || return 1
	skopeo copy -q "oci:$CT_DIR/oci:latest" "docker-archive:$CT_DIR/image.tar:$CLIENT_IMAGE" ||
		return 1
	ctr images import --snapshotter overlayfs "$CT_DIR/image.tar" >/dev/null || return 1
	ctr images import --snapshotter native "$CT_DIR/image.tar" >/dev/null
}

# ctr ARGS... — ctr against our containerd, in our namespace
CTR_BIN=$(command -v ctr || echo /usr/bin/ctr)
ctr() {
	timeout -k 5 60 "$CTR_BIN" --address "$CT_DIR/containerd.sock" -n "$CT_NS" "$@"
}

# ctr_run ARGS... — `ctr run` with the runtime under test and its private root
ctr_run() {
	ctr run --runc-binary "$RUNTIME" --runc-root "$CT_RUNC_ROOT" "$@"
}

# containerd_teardown_file — kill every task and remove every container of our namespace, stop
# containerd, force-delete whatever the runtime still knows under the private root, unmount
# and remove CT_DIR; fails if a process, mount or cgroup of ours is left
containerd_teardown_file() {
	[ -n "${CT_DIR:-}" ] && [ -d "$CT_DIR" ] || return 0
	local id pid left=''
	for id in $(ctr containers ls -q 2>/dev/null); do
		ctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
		ctr tasks delete -f "$id" >/dev/null 2>&1 || true
		ctr containers delete "$id" >/dev/null 2>&1 || true
	done
	for id in $(ctr images ls -q 2>/dev/null); do
		ctr images rm "$id" >/dev/null 2>&1 || true
	done
	"$CTR_BIN" --address "$CT_DIR/containerd.sock" namespaces rm "$CT_NS" >/dev/null 2>&1 || true
	pid=$(cat "$CT_DIR/containerd.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
	fi
	# shims outlive containerd: they serve the bundles under our state dir
	for pid in $(grep -l -a -F -f <(printf '%s\n' "$CT_DIR") /proc/[0-9]*/cmdline 2>/dev/null |
		sed 's|/proc/\([0-9]*\)/cmdline|\1|'); do
		[ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] && kill -KILL "$pid" 2>/dev/null && left+=" shim:$pid"
	done
	for id in $(find "$CT_RUNC_ROOT" -mindepth 2 -maxdepth 2 -type d -printf '%f\n' 2>/dev/null); do
		left+=" runtime-state:$id"
		for ns in "$CT_RUNC_ROOT"/*; do
			timeout -k 5 30 "$RUNTIME" --root "$ns" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	umount_under "$CT_DIR"
	# ctr's cgroups are /<namespace>/<id>: a container's must be gone; the namespace's own
	# directory (made by the runtime, never removed by runc either) is ours to remove
	for d in $(cgroups_named "$CT_NS"); do
		left+=$(find "$d" -mindepth 1 -type d)
		rmdir "$d" 2>/dev/null || true
	done
	rm -rf --one-file-system "$CT_DIR"
	[ -z "$left" ] || { echo "containerd left: $left" >&2; return 1; }
}
