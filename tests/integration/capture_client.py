# SPDX-License-Identifier: BSD-3-Clause
"""io.pktd.Capture.Subscribe from Python: a stream client that passes file descriptors (SCM_RIGHTS on
the call's first byte, as libpktclient does) and reads replies in bulk, and small pcap helpers.

    with Stream(sock_path) as s:
        s.subscribe({"fileDescriptor": 0, "output": "layers"}, fds=[fd])
        frames = s.read_all(timeout=30)        # every reply frame (bytes) until continues is absent
"""

import array
import json
import os
import re
import select
import socket
import struct
import time

SUBSCRIBE = "io.pktd.Capture.Subscribe"


class Stream:
    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = bytearray()

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def send(self, method, parameters=None, more=False, fds=()):
        msg = {"method": method}
        if parameters is not None:
            msg["parameters"] = parameters
        if more:
            msg["more"] = True
        data = json.dumps(msg).encode() + b"\0"
        anc = []
        if fds:
            anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", list(fds)))]
        sent = self.sock.sendmsg([data], anc)
        if sent < len(data):
            self.sock.sendall(data[sent:])

    def subscribe(self, parameters, fds=(), more=True):
        self.send(SUBSCRIBE, parameters, more=more, fds=fds)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no reply in time")
        r, _, _ = select.select([self.sock], [], [], left)
        if not r:
            raise TimeoutError("no reply in time")
        try:
            chunk = self.sock.recv(1 << 20)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return False
        self.buf += chunk
        return True

    def recv_frame(self, timeout=10.0):
        """One frame (bytes, no NUL), or None at EOF."""
        deadline = time.monotonic() + timeout
        while True:
            i = self.buf.find(b"\0")
            if i >= 0:
                frame = bytes(self.buf[:i])
                del self.buf[:i + 1]
                return frame
            if not self._fill(deadline):
                return None

    def recv(self, timeout=10.0):
        f = self.recv_frame(timeout)
        return None if f is None else json.loads(f)

    def read_all(self, timeout=60.0):
        """Frames until one without "continues" (the last of a call) or EOF; bulk, no JSON parse."""
        deadline = time.monotonic() + timeout
        frames = []
        while True:
            parts = self.buf.split(b"\0")
            done = False
            for k, p in enumerate(parts[:-1]):
                frames.append(bytes(p))
                if not p.endswith(b',"continues":true}'):
                    done = True
                    rest = b"\0".join(parts[k + 1:])
                    self.buf = bytearray(rest)
                    break
            if done:
                return frames
            self.buf = bytearray(parts[-1])
            if not self._fill(deadline):
                return frames

    def closed_by_peer(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.sock], [], [], max(0.0, deadline - time.monotonic()))
            if not r:
                continue
            try:
                if not self.sock.recv(1 << 20):
                    return True
            except (ConnectionResetError, BrokenPipeError):
                return True
        return False


def params_of(frame):
    return json.loads(frame)["parameters"]


def kind_of(frame):
    """"ack", "packet", "drops", "totals" or "error" for a reply frame (bytes), without a full parse."""
    if frame.startswith(b'{"error"'):
        return "error"
    m = re.match(rb'\{"parameters":\{"(\w+)"', frame)
    return m.group(1).decode() if m else "?"


# --- pcap ------------------------------------------------------------------------------------------

def pcap_records(path):
    """(ts_sec, ts_frac_ns, caplen, wire_len, data) of a classic pcap file, and its link type."""
    with open(path, "rb") as f:
        blob = f.read()
    magic = struct.unpack("<I", blob[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = "<"
    else:
        e = ">"
        magic = struct.unpack(">I", blob[:4])[0]
    nsec = magic == 0xa1b23c4d
    lt = struct.unpack(e + "I", blob[20:24])[0] & 0xffff
    off, recs = 24, []
    while off + 16 <= len(blob):
        s, frac, cap, wire = struct.unpack(e + "IIII", blob[off:off + 16])
        data = blob[off + 16:off + 16 + cap]
        recs.append((s, frac if nsec else frac * 1000, cap, max(wire, cap), data))
        off += 16 + cap
    return recs, lt


def write_udp_pcap(path, n, payload=18):
    """A nanosecond pcap of @n Ethernet/IPv4/UDP frames between documentation addresses, record i
    stamped 1700000000 s + i ns, so that the order can be checked from tsNs alone."""
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
        recs = []
        for i in range(n):
            udp = struct.pack(">HHHH", 40000 + (i & 0xff), 9, 8 + payload, 0) + bytes(payload)
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0, 64, 17, 0,
                             bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
            frame = eth + ip + udp
            recs.append(struct.pack("<IIII", 1700000000 + i // 1000000000, i % 1000000000,
                                    len(frame), len(frame)) + frame)
            if len(recs) >= 65536:
                f.write(b"".join(recs))
                recs = []
        f.write(b"".join(recs))
