#!/usr/bin/env bash
# Installs the Debian packages rongqi's build, example and tests use (run as
# root; packages already present are left alone):
#   gcc, libc6-dev        build the native helper (build/rongqi-init)
#   busybox-static        the root filesystem of the example and test bundles
#   iproute2, util-linux  ip and nsenter (linux.netDevices), setpriv (rootless tests)
#   uidmap                newuidmap/newgidmap (rootless containers)
#   runc                  the reference runtime the tests compare with
#   podman, conmon, containerd, bsdutils
#                         the client suites in test/clients (they start
#                         containerd themselves on a private socket)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(gcc libc6-dev busybox-static iproute2 util-linux uidmap runc podman conmon containerd bsdutils)
need=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
