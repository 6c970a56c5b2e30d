#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The peer side of the test_inject_* tests: run inside namespace B, it captures on one interface
with a raw packet socket and prints, as JSON lines, every frame that contains MARKER:
{"ts": kernel receive time in ns, "len": bytes, "hex": the frame}. It prints "ready" once the socket is
bound (nothing sent before that is missed), and ends after COUNT frames, or SECONDS seconds, or
IDLE seconds without a matching frame once one arrived — every wait is bounded.

usage: inject_peer.py IFACE MARKER_HEX COUNT SECONDS [IDLE]
"""

import json
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4


def main():
    iface, marker = sys.argv[1], bytes.fromhex(sys.argv[2])
    count, seconds = int(sys.argv[3]), float(sys.argv[4])
    idle = float(sys.argv[5]) if len(sys.argv) > 5 else seconds
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((iface, 0))
    s.setblocking(False)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    last = None
    got = 0
    while got < count:
        now = time.monotonic()
        left = end - now
        if last is not None:
            left = min(left, last + idle - now)
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        while got < count:
            try:
                data, anc, _, addr = s.recvmsg(65600, 64)
            except BlockingIOError:
                break
            if addr[2] == PACKET_OUTGOING or marker not in data:
                continue
            ts = 0
            for level, typ, val in anc:
                if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", val[:16])
                    ts = sec * 1000000000 + nsec
            print(json.dumps({"ts": ts, "len": len(data), "hex": data.hex()}), flush=True)
            got += 1
            last = time.monotonic()
    return 0


if __name__ == "__main__":
    sys.exit(main())
