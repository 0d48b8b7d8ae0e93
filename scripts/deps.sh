#!/bin/bash
# scripts/deps.sh [--bench] — install the Debian packages berth needs to build and test.
#
# Idempotent: asks dpkg which packages are missing and only then runs apt-get update and
# apt-get install for those. Needs root (or sudo) only when something is missing.
#   --bench   also what bench/lifecycle needs: crun and GNU time
set -euo pipefail

pkgs=(
	build-essential gcc clang meson ninja-build pkg-config   # toolchain
	libjansson-dev libseccomp-dev libcap-dev                 # libraries berth links
	libcurl4-openssl-dev libarchive-dev libsqlite3-dev libssl-dev libzstd-dev
	libclang-rt-14-dev                                       # sanitizers/libFuzzer with clang
	busybox-static                                           # the test and demo rootfs
	bats jq runc iproute2 util-linux procps coreutils findutils   # integration tests
	podman containerd crun skopeo umoci docker-registry          # real peers the tests drive
	openssl curl zstd python3 gzip tar                          # test images, registry TLS and auth
)
for a in "$@"; do
	case $a in
	--bench) pkgs+=(crun time) ;;
	-h | --help) sed -n '2,/^set -e/{/^set -e/d; s/^# \{0,1\}//; p}' "$0"; exit 0 ;;
	*) echo "deps.sh: unknown option $a" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps.sh: all ${#pkgs[@]} packages installed"
	exit 0
fi

echo "deps.sh: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
