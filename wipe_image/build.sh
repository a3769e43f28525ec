#!/usr/bin/env bash
# Builds the bootable wipe station (docs/wipe-agent.md, "Wipe station image"): a Debian
# live system that runs from RAM, with the kernel, greenit-wipe, nwipe, smartmontools, hdparm
# and nvme-cli, booting to the agent. Output in $OUT: vmlinuz, initrd.img (the whole root
# file system) and greenit-wipe.iso (hybrid: boots from CD or, written with dd, from a USB
# stick, on BIOS and UEFI PCs). Runs as root (debootstrap, chroot); installs the Debian
# packages it needs on the build machine. Network only for the first build (then cached).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$HERE")"
SUITE="${SUITE:-bookworm}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
OUT="${OUT:-$REPO/var/wipe-image}"
CACHE="${CACHE:-$REPO/var/cache/wipe-image}"
# Baked into /etc/greenit-wipe.conf when given (the shared disk and the kernel command
# line can still override them at boot).
GREENIT_SERVER="${GREENIT_SERVER:-}"
GREENIT_TOKEN="${GREENIT_TOKEN:-}"
GREENIT_STATION="${GREENIT_STATION:-}"
PACKAGES="linux-image-amd64,systemd-sysv,udev,kmod,python3,ca-certificates,nwipe,smartmontools,hdparm,nvme-cli"
# Every file gets this time, so the same inputs give the same initrd.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct -- wipe_image greenit_wipe 2>/dev/null || echo 1700000000)}"

die() { echo "wipe-image: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (debootstrap and chroot need it): sudo make wipe-image"
HOST_PACKAGES="debootstrap xorriso grub-pc-bin grub-efi-amd64-bin grub-common mtools cpio zstd"
missing=""
for p in $HOST_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "== installing the build's Debian packages:$missing"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

started=$(date +%s)
mkdir -p "$OUT" "$CACHE"
WORK="$OUT/work"
ROOT="$WORK/rootfs"
cleanup() {
  for m in proc sys dev/pts dev; do
    mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m"
  done
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # still unmounts (the EXIT trap)
cleanup
rm -rf "$WORK"
mkdir -p "$WORK"

# 1. The Debian packages, downloaded once: the tarball is named after what it holds, so
#    a changed package list or suite downloads anew, and the same list reuses it (delete
#    the cache to take newer package versions, e.g. a new kernel).
key=$(printf '%s\n' "$SUITE" "$MIRROR" "$PACKAGES" | sha256sum | cut -c1-12)
tarball="$CACHE/debootstrap-$SUITE-$key.tgz"
if [ ! -s "$tarball" ]; then
  echo "== downloading $SUITE packages into $tarball"
  debootstrap --arch=amd64 --variant=minbase --include="$PACKAGES" \
    --make-tarball="$tarball.part" "$SUITE" "$WORK/download" "$MIRROR"
  mv "$tarball.part" "$tarball"
  rm -rf "$WORK/download"
fi
echo "== installing from $tarball"
debootstrap --arch=amd64 --variant=minbase --include="$PACKAGES" \
  --unpack-tarball="$tarball" "$SUITE" "$ROOT" "$MIRROR"

# 2. The agent (standard library only: copied, no pip) and the station's files.
agent="$ROOT/usr/lib/python3/dist-packages/greenit_wipe"
mkdir -p "$agent"
cp "$REPO"/greenit_wipe/*.py "$agent/"
cp -r "$HERE/rootfs/." "$ROOT/"
chmod 0755 "$ROOT/usr/bin/greenit-wipe" "$ROOT/usr/lib/greenit-station/station.py"
{
  echo "# greenit wipe station (docs/wipe-agent.md). The shared disk's greenit-wipe.conf and"
  echo "# the kernel command line (greenit.server=..., greenit.token=...) override these."
  echo "server=$GREENIT_SERVER"
  echo "token=$GREENIT_TOKEN"
  echo "station=$GREENIT_STATION"
} > "$ROOT/etc/greenit-wipe.conf"
chmod 0600 "$ROOT/etc/greenit-wipe.conf"
echo greenit-wipe > "$ROOT/etc/hostname"

# 3. Services: the station, DHCP on wired interfaces, root logged in on the first console.
mount -t proc proc "$ROOT/proc"
chroot "$ROOT" systemctl enable greenit-station.service systemd-networkd.service
chroot "$ROOT" passwd -d root >/dev/null
umount "$ROOT/proc"

# 4. Smaller: no documentation, translations, package caches, logs, or drivers a wipe
#    station never needs (graphics, sound, wireless, cameras...). Disk, USB, keyboard and
#    wired network drivers stay.
rm -rf "$ROOT"/usr/share/{doc,man,info,locale,lintian,bug} "$ROOT"/var/cache/apt/* \
  "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/* "$ROOT"/var/cache/debconf/*-old \
  "$ROOT"/usr/share/python3/debpython "$ROOT"/etc/machine-id "$ROOT"/var/lib/dbus/machine-id \
  "$ROOT"/var/cache/ldconfig/aux-cache "$ROOT"/etc/nvme/hostid "$ROOT"/etc/nvme/hostnqn
# (the NVMe host ids are random per install: nvme-cli makes its own; left in, every station
#  would share one and two builds would differ)
find "$ROOT" -name __pycache__ -prune -exec rm -rf {} +
: > "$ROOT/etc/machine-id"   # empty: systemd makes a fresh one at each boot
kver=$(basename "$(ls -d "$ROOT"/lib/modules/*)")
mods="$ROOT/lib/modules/$kver/kernel"
rm -rf "$mods"/sound "$mods"/drivers/{gpu,media,staging,infiniband,iio,isdn,bluetooth,net/wireless,hid/amd-sfh-hid,video} \
  "$mods"/drivers/{target,comedi,mtd,net/can,net/wwan,net/ieee802154,net/hamradio} \
  "$mods"/drivers/net/ethernet/{mellanox,chelsio,qlogic,cavium,huawei,netronome} \
  "$mods"/net/{wireless,mac80211,bluetooth,ceph,sunrpc,rxrpc,netfilter,ipv4/netfilter,ipv6/netfilter,bridge,openvswitch} \
  "$mods"/fs/{ocfs2,gfs2,nfs,nfsd,ceph,cifs,smb,btrfs,xfs,f2fs,ubifs,jffs2,reiserfs,nilfs2}
chroot "$ROOT" depmod "$kver"

# 5. Kernel out; the whole root file system becomes the initramfs (the system runs from
#    RAM: nothing on the stick is written, and the stick can be pulled after boot).
cp "$ROOT/boot/vmlinuz-$kver" "$OUT/vmlinuz"
rm -rf "$ROOT"/boot/* "$ROOT"/initrd.img* "$ROOT"/vmlinuz*
ln -s /lib/systemd/systemd "$ROOT/init"
find "$ROOT" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z \
  | cpio --null --create --format=newc --reproducible --quiet) \
  | zstd -q -9 -T0 > "$OUT/initrd.img"

# 6. A hybrid ISO for CD and USB stick, BIOS and UEFI.
iso="$WORK/iso"
mkdir -p "$iso/boot/grub"
cp "$OUT/vmlinuz" "$OUT/initrd.img" "$iso/boot/"
cp "$HERE/grub.cfg" "$iso/boot/grub/grub.cfg"
grub-mkrescue -o "$OUT/greenit-wipe.iso" "$iso" -- -volid GREENIT_WIPE 2>"$WORK/grub-mkrescue.log" \
  || { cat "$WORK/grub-mkrescue.log" >&2; die "grub-mkrescue failed"; }
rm -rf "$WORK"

echo "== built in $(( $(date +%s) - started )) s: kernel $kver"
ls -l "$OUT"/vmlinuz "$OUT"/initrd.img "$OUT"/greenit-wipe.iso
