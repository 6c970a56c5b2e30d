#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `systemd-analyze verify` on pktd.service and pktd.socket (the copies configured for this build tree,
# ExecStart naming the pktd built here) prints nothing at all: any warning fails the test.
#
# usage: test_systemd_verify.sh UNITDIR PKTD_BINARY
set -u
unitdir=$1
pktd=$2

if ! command -v systemd-analyze >/dev/null 2>&1; then
        echo "SKIP: systemd-analyze is not installed" >&2
        exit 77
fi
# verify warns about an ExecStart that does not exist, so the binary must be there to get a clean run.
if [ ! -x "$pktd" ]; then
        echo "SKIP: pktd is not built ($pktd)" >&2
        exit 77
fi
for u in pktd.service pktd.socket; do
        if [ ! -f "$unitdir/$u" ]; then
                echo "FAIL: $unitdir/$u was not configured" >&2
                exit 1
        fi
done
if ! grep -qx "ExecStart=$pktd" "$unitdir/pktd.service"; then
        echo "FAIL: $unitdir/pktd.service does not start $pktd:" >&2
        grep '^ExecStart=' "$unitdir/pktd.service" >&2
        exit 1
fi

# info is systemd's default level, set here so a SYSTEMD_LOG_LEVEL=err in the caller's environment
# cannot hide the warnings. --man=no: the units name no man pages, and man may not be installed.
out=$(SYSTEMD_LOG_LEVEL=info SYSTEMD_LOG_COLOR=0 SYSTEMD_PAGER=cat \
      timeout 60 systemd-analyze verify --man=no "$unitdir/pktd.socket" "$unitdir/pktd.service" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
        echo "FAIL: systemd-analyze verify exited $rc with output:" >&2
        printf '%s\n' "$out" >&2
        exit 1
fi
echo "ok: systemd-analyze verify is silent on pktd.service and pktd.socket"
