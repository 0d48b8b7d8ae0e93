#!/bin/bash
# mkbundle.sh DIR [ARGS_JSON] — make an OCI bundle with a static busybox root file system.
#
#   DIR/rootfs/       /bin/busybox (a copy of the host's static busybox) and a symlink per applet
#                     at its usual place (/bin, /sbin, /usr/bin, /usr/sbin); /etc/passwd with
#                     root, nobody and user (1000:1000); /etc/group; /tmp mode 1777; empty
#                     mount points (/proc /sys /dev /run /root).
#   DIR/config.json   tests/integration/config-template.json with process.args = ARGS_JSON
#                     (a JSON array of strings; default ["sh"]).
#
# DIR and DIR/rootfs are made mode 0755 so that a container whose root is mapped to another
# uid (user namespace) can still walk into them. DIR may exist but must not hold config.json.
#
# Env: BUSYBOX=path to a statically linked busybox (default: busybox in PATH)
#      BERTH_ROOTFS_CACHE=dir  copy the rootfs from there (made by an earlier call) instead of
#                              building it again; it is built there first if missing.
set -euo pipefail

die() { echo "mkbundle.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: mkbundle.sh DIR [ARGS_JSON]"
dir=$1
args=${2:-'["sh"]'}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
template=$here/../tests/integration/config-template.json
[ -f "$template" ] || die "missing $template"
command -v jq >/dev/null || die "jq not found (scripts/deps.sh installs it)"
jq -e 'type == "array" and all(.[]; type == "string") and length > 0' <<<"$args" >/dev/null 2>&1 \
	|| die "ARGS_JSON must be a non-empty JSON array of strings, got: $args"

# build_rootfs R — populate the root file system R
build_rootfs() {
	local r=$1 bb a
	bb=${BUSYBOX:-$(command -v busybox || true)}
	[ -n "$bb" ] && [ -x "$bb" ] || die "busybox not found (apt-get install busybox-static)"
	# a dynamically linked busybox would need the host's libc inside the rootfs
	if LC_ALL=C ldd "$bb" 2>&1 | grep -q '=>'; then
		die "$bb is dynamically linked; install busybox-static or set BUSYBOX"
	fi
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,run}
	chmod 0755 "$r"
	chmod 1777 "$r/tmp"
	chmod 0700 "$r/root"
	cp "$bb" "$r/bin/busybox"
	chmod 0755 "$r/bin/busybox"
	for a in $("$bb" --list-full); do
		case $a in
		*/busybox | linuxrc) continue ;;
		esac
		[ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"
	done
	cat >"$r/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		user:x:1000:1000:user:/tmp:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$r/etc/group" <<-'EOF'
		root:x:0:
		tty:x:5:
		user:x:1000:
		nogroup:x:65534:
	EOF
	echo berth >"$r/etc/hostname"
	: >"$r/etc/hosts"
	: >"$r/etc/resolv.conf"
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
[ ! -e "$dir/config.json" ] || die "$dir/config.json already exists"
[ ! -e "$dir/rootfs" ] || die "$dir/rootfs already exists"
chmod 0755 "$dir"

if [ -n "${BERTH_ROOTFS_CACHE:-}" ]; then
	if [ ! -x "$BERTH_ROOTFS_CACHE/bin/busybox" ]; then
		tmp=$(mktemp -d "$(dirname "$BERTH_ROOTFS_CACHE")/.rootfs.XXXXXX")
		build_rootfs "$tmp"
		mv -T "$tmp" "$BERTH_ROOTFS_CACHE" 2>/dev/null || rm -rf "$tmp"   # lost a race: keep theirs
	fi
	cp -a "$BERTH_ROOTFS_CACHE" "$dir/rootfs"
else
	build_rootfs "$dir/rootfs"
fi

jq --argjson args "$args" '.process.args = $args' "$template" >"$dir/config.json"
echo "$dir"
