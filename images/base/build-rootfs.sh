#!/usr/bin/env bash
# Builds the base image's root file system offline with debootstrap and writes it as a tar file.
# Only Debian's own mirror is needed (no container registry is reachable on our machines).
#
#   images/base/build-rootfs.sh OUT.tar
#
# Pinned inputs come from the environment (harness/src/images/base-image.ts sets them and
# records them as image labels): BACKSIDE_SUITE, BACKSIDE_PACKAGES (comma-separated),
# BACKSIDE_MIRROR. Needs root (debootstrap chroots and makes device nodes).
set -euo pipefail

out=${1:?usage: build-rootfs.sh OUT.tar}
suite=${BACKSIDE_SUITE:?BACKSIDE_SUITE is not set}
packages=${BACKSIDE_PACKAGES:?BACKSIDE_PACKAGES is not set}
mirror=${BACKSIDE_MIRROR:?BACKSIDE_MIRROR is not set}

if [ "$(id -u)" -ne 0 ]; then
  echo "build-rootfs: debootstrap needs root (run as root, or set BASE_IMAGE to a public bookworm image)" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { echo "build-rootfs: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

dir=$(mktemp -d /var/tmp/backside-rootfs.XXXXXX)
trap 'rm -rf "$dir"' EXIT

debootstrap --variant=minbase --include="$packages" "$suite" "$dir" "$mirror" >"$dir.log" 2>&1 || {
  echo "build-rootfs: debootstrap failed; last lines of $dir.log:" >&2
  tail -n 20 "$dir.log" >&2
  exit 1
}
rm -f "$dir.log"

# Record what was installed (name=version) before the package database is trimmed: it is the pin.
chroot "$dir" dpkg-query -W -f '${Package}=${Version}\n' | sort >"$out.packages"

# Keep the image small: nothing here is used at run time, and apt is never run inside.
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/* "$dir"/var/cache/debconf/*-old \
  "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
  "$dir"/usr/share/locale/* "$dir"/usr/share/lintian "$dir"/var/log/* "$dir"/tmp/* \
  "$dir"/var/tmp/*
# debootstrap copies the host's resolv.conf and hostname; Docker bind-mounts its own anyway.
: >"$dir/etc/resolv.conf"
echo backside >"$dir/etc/hostname"

tar --numeric-owner --xattrs -C "$dir" -cf "$out.tmp" .
mv "$out.tmp" "$out"
