#!/bin/bash
# mkimage.sh OUTDIR [OPTIONS] — build a busybox OCI image layout, offline and reproducibly.
#
# The bottom layer is the busybox root file system of scripts/mkbundle.sh; each --layer adds
# the tree of a directory on top, in order. The same inputs give the same digests.
#
#   --tag T            ref name in index.json (org.opencontainers.image.ref.name; default latest)
#   --layer DIR        one more layer holding DIR's tree (repeatable)
#   --no-base          no busybox layer (then give at least one --layer)
#   --compress C       gzip (default), zstd or none
#   --config JSON      merged into the image config's "config" (Cmd, Entrypoint, Env, User,
#                      WorkingDir, Labels, ExposedPorts, Volumes, StopSignal, Healthcheck...)
#
# Default config: {"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
#                  "Cmd":["sh"],"WorkingDir":"/"}
# Prints the manifest digest. Needs jq, GNU tar, sha256sum, gzip or zstd.
set -euo pipefail

die() { echo "mkimage.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: mkimage.sh OUTDIR [--tag T] [--layer DIR]... [--compress gzip|zstd|none] [--config JSON] [--no-base]"
out=$1
shift
tag=latest compress=gzip base=1 extra='{}'
layers=()
while [ $# -gt 0 ]; do
	case $1 in
	--tag) tag=${2:?}; shift ;;
	--layer) [ -d "${2:?}" ] || die "--layer $2: not a directory"; layers+=("$(cd "$2" && pwd)"); shift ;;
	--no-base) base=0 ;;
	--compress) compress=${2:?}; shift ;;
	--config) extra=${2:?}; shift ;;
	*) die "unknown option $1" ;;
	esac
	shift
done
case $compress in gzip | zstd | none) ;; *) die "--compress: gzip, zstd or none" ;; esac
jq -e 'type == "object"' <<<"$extra" >/dev/null 2>&1 || die "--config must be a JSON object"
[ $base = 1 ] || [ ${#layers[@]} -gt 0 ] || die "no layers"
mt_manifest=application/vnd.oci.image.manifest.v1+json
mt_config=application/vnd.oci.image.config.v1+json
case $compress in
gzip) mt_layer=application/vnd.oci.image.layer.v1.tar+gzip ;;
zstd) mt_layer=application/vnd.oci.image.layer.v1.tar+zstd ;;
none) mt_layer=application/vnd.oci.image.layer.v1.tar ;;
esac
# Docker schema2 and docker-archive: skopeo copy --format v2s2 / docker-archive: from this layout

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/blobs/sha256"

# blob FILE — move FILE into the layout; prints "DIGEST SIZE"
blob() {
	local d s
	d=$(sha256sum "$1" | cut -d' ' -f1)
	s=$(stat -c %s "$1")
	mv "$1" "$out/blobs/sha256/$d"
	echo "sha256:$d $s"
}

if [ $base = 1 ]; then
	bash "$here/mkbundle.sh" "$work/bundle" >/dev/null
	layers=("$work/bundle/rootfs" "${layers[@]}")
fi
diff_ids=() descs=()
for l in "${layers[@]}"; do
	tar --sort=name --numeric-owner --owner=0 --group=0 --mtime='2000-01-01 00:00Z' \
		--format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		-C "$l" -cf "$work/layer.tar" .
	diff_ids+=("sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)")
	case $compress in
	gzip) gzip -n -9 "$work/layer.tar"; f=$work/layer.tar.gz ;;
	zstd) zstd -q --rm -19 "$work/layer.tar"; f=$work/layer.tar.zst ;;
	none) f=$work/layer.tar ;;
	esac
	read -r d s < <(blob "$f")
	descs+=("$(jq -n -c --arg mt "$mt_layer" --arg d "$d" --argjson s "$s" '{mediaType: $mt, digest: $d, size: $s}')")
done

jq -n -c --argjson extra "$extra" --args '{
  created: "2000-01-01T00:00:00Z", architecture: "amd64", os: "linux",
  config: ({Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            Cmd: ["sh"], WorkingDir: "/"} + $extra),
  rootfs: {type: "layers", diff_ids: $ARGS.positional},
  history: [$ARGS.positional[] | {created: "2000-01-01T00:00:00Z", created_by: "berth mkimage.sh"}]
}' "${diff_ids[@]}" >"$work/config.json"
read -r cd cs < <(blob "$work/config.json")
printf '%s\n' "${descs[@]}" | jq -s -c --arg mt "$mt_manifest" --arg cmt "$mt_config" \
	--arg cd "$cd" --argjson cs "$cs" '{schemaVersion: 2, mediaType: $mt,
  config: {mediaType: $cmt, digest: $cd, size: $cs}, layers: .}' >"$work/manifest.json"
read -r md ms < <(blob "$work/manifest.json")
printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
# add to an existing index (several tags in one layout), replacing the same tag
idx='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'
[ -f "$out/index.json" ] && idx=$(cat "$out/index.json")
jq -c --arg mt "$mt_manifest" --arg md "$md" --argjson ms "$ms" --arg tag "$tag" '
  .manifests = ([.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] != $tag)]
    + [{mediaType: $mt, digest: $md, size: $ms, platform: {architecture: "amd64", os: "linux"},
        annotations: {"org.opencontainers.image.ref.name": $tag}}])' <<<"$idx" >"$work/index.json"
mv "$work/index.json" "$out/index.json"
echo "$md"
