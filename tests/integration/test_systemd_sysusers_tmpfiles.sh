#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# pktd.sysusers and pktd.tmpfiles, applied by systemd-sysusers and systemd-tmpfiles to an empty root
# directory (never the host's), create what the units rely on: the system user pktd with primary group
# pktd and no login shell, the group pktd-inject, /run/pktd and /etc/pktd root-owned 0755. And the
# units name only that user and group.
#
# usage: test_systemd_sysusers_tmpfiles.sh SRCDIR UNITDIR
set -u
srcdir=$1
unitdir=$2

for t in systemd-sysusers systemd-tmpfiles; do
        if ! command -v $t >/dev/null 2>&1; then
                echo "SKIP: $t is not installed" >&2
                exit 77
        fi
done
if [ "$(id -u)" -ne 0 ]; then
        echo "SKIP: needs root (systemd-sysusers and systemd-tmpfiles --root chown what they create)" >&2
        exit 77
fi

root=$(mktemp -d /tmp/pktd-sysusers.XXXXXX) || exit 1
trap 'rm -rf "$root"' EXIT INT TERM
mkdir -p "$root/etc"
fail=0
no() { echo "FAIL: $*" >&2; fail=1; }

out=$(timeout 30 systemd-sysusers --root="$root" - <"$srcdir/pktd.sysusers" 2>&1) ||
        no "systemd-sysusers failed: $out"
out=$(timeout 30 systemd-tmpfiles --create --root="$root" - <"$srcdir/pktd.tmpfiles" 2>&1) ||
        no "systemd-tmpfiles failed: $out"

# The user: a system uid (below 1000, what sysusers allocates from), primary group pktd, no shell.
pw=$(grep '^pktd:' "$root/etc/passwd")
[ -n "$pw" ] || no "no user pktd in passwd"
uid=$(printf '%s' "$pw" | cut -d: -f3)
gid=$(printf '%s' "$pw" | cut -d: -f4)
shell=$(printf '%s' "$pw" | cut -d: -f7)
[ -n "$uid" ] && [ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ] || no "pktd's uid '$uid' is not a system uid"
[ "$(grep '^pktd:' "$root/etc/group" | cut -d: -f3)" = "$gid" ] || no "pktd's primary group is not pktd"
case $shell in */nologin|*/false) ;; *) no "pktd has a login shell '$shell'" ;; esac
grep -q '^pktd-inject:' "$root/etc/group" || no "no group pktd-inject"

# The directories, with owner and mode.
for d in /run/pktd /etc/pktd; do
        st=$(stat -c '%U:%G %a' "$root$d" 2>/dev/null)
        [ "$st" = "root:root 755" ] || no "$d is '$st', not 'root:root 755'"
done

# The units use exactly these names.
grep -qx 'User=pktd' "$unitdir/pktd.service" || no "pktd.service does not run as User=pktd"
grep -qx 'Group=pktd' "$unitdir/pktd.service" || no "pktd.service does not run as Group=pktd"
grep -qx 'SocketGroup=pktd' "$unitdir/pktd.socket" || no "pktd.socket is not SocketGroup=pktd"
grep -qx 'ListenStream=/run/pktd/api.sock' "$unitdir/pktd.socket" || no "pktd.socket does not listen on /run/pktd/api.sock"

[ $fail -eq 0 ] || exit 1
echo "ok: user pktd (uid $uid), groups pktd and pktd-inject, /run/pktd and /etc/pktd as the units expect"
