#!/bin/sh
# Compiles the native setup helper. Needs a C compiler and libc headers
# (Debian: gcc, libc6-dev). Linked statically when libc.a is present so the
# helper's resident memory stays small while a container waits in `created`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/build"
cc=${CC:-cc}
src="$top/native/rongqi-init.c"
[ -f "$src" ] || { echo "build-native: $src missing" >&2; exit 1; }
flags="-O2 -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE"
if $cc $flags -static -o "$top/build/rongqi-init.tmp" "$src" 2>/dev/null; then :; else
  $cc $flags -o "$top/build/rongqi-init.tmp" "$src"
fi
mv "$top/build/rongqi-init.tmp" "$top/build/rongqi-init"
