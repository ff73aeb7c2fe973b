#!/bin/sh
# The README's example, end to end and offline: builds a busybox image (one
# layer: a tar of a busybox root file system, in an OCI image layout), imports
# it into a private store, prepares a bundle from it and runs a container.
# Run as root: npm run example
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
node="$top/node_modules/.bin/node"
rongqi="$top/bin/rongqi"
[ -f "$top/dist/rongqi.mjs" ] || "$node" "$top/scripts/build.mjs"

work=$(mktemp -d /tmp/rongqi-example-XXXXXX)
store="$work/store"
cleanup() {
  "$rongqi" --root "$work/state" delete --force demo >/dev/null 2>&1 || true
  "$rongqi" snapshot rm --store "$store" demo >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

run() { echo "\$ $*" | sed "s|$rongqi|rongqi|; s|$work|\$WORK|g"; "$@"; }

"$node" "$top/src/snapshot/testdata/make_busybox_image.ts" "$work/busybox-oci"
run "$rongqi" image import --store "$store" "$work/busybox-oci"
run "$rongqi" image ls --store "$store"
run "$rongqi" snapshot prepare --store "$store" busybox:latest "$work/demo" \
  sh -c 'echo "hello from $(hostname), running as $(id -un) in $(pwd)"; echo changed > /etc/motd; rm /bin/vi'
run "$rongqi" --root "$work/state" run --bundle "$work/demo" demo
run "$rongqi" snapshot diff --store "$store" demo
run "$rongqi" snapshot rm --store "$store" demo
