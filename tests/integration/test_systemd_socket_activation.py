#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""pktd started the way pktd.socket + pktd.service start it, without systemd as PID 1:

  systemd-socket-activate -l DIR/api.sock -E NOTIFY_SOCKET=DIR/notify -E WATCHDOG_USEC=...
          pktd --allow-root --config DIR/pktd.conf

systemd-socket-activate creates and listens on the socket, then execs pktd (same pid) on the first
connection with LISTEN_FDS=1. The test checks that pktd:
  - serves org.varlink.service.GetInfo on the socket it was handed (vendor, product, version, the
    five interfaces), answering the very connection that started it;
  - listens on no socket of its own: its one listening socket is fd 3, bound to our path, and the
    file at the path is the one systemd-socket-activate created (same inode) before and after;
  - speaks the Type=notify protocol from its main pid (NotifyAccess=main): READY=1 with a STATUS=,
    WATCHDOG=1 pings at the rate WATCHDOG_USEC asks, RELOADING=1 then READY=1 on SIGHUP (and still
    serves after it), STOPPING=1 on SIGTERM;
  - exits 0 on SIGTERM and leaves the socket file alone (it belongs to whoever created it).

Needs root (pktd started as root with --allow-root, as the other integration tests run it) and
systemd-socket-activate; exits 77 without them.

usage: test_systemd_socket_activation.py PKTD_BINARY
"""

import json
import os
import select
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
WATCHDOG_USEC = 1_000_000  # pktd should ping at least every half of this
INTERFACES = {"org.varlink.service", "io.pktd.Packet", "io.pktd.Capture", "io.pktd.Inject",
              "io.pktd.Daemon"}
CONFIG = """\
# test config: root is admin; nothing else is needed here
[roles]
admin = user:root
"""
# Sanitizer settings of an ASan build must reach pktd through systemd-socket-activate, which passes
# only the variables it is told to.
PASS_ENV = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


class Notify:
    """A NOTIFY_SOCKET listener: datagrams with the sender's credentials."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self.sock.bind(path)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.log = []  # (pid, {key: value}) in arrival order

    def close(self):
        self.sock.close()

    def _recv(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return None
        data, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(struct.calcsize("iII")))
        pid = None
        for level, typ, cdata in anc:
            if level == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                pid, _, _ = struct.unpack("iII", cdata[:struct.calcsize("iII")])
        fields = {}
        for line in data.decode("utf-8", "replace").split("\n"):
            if "=" in line:
                k, _, v = line.partition("=")
                fields[k] = v
        self.log.append((pid, fields))
        return pid, fields

    def wait_for(self, key, value=None, timeout=10.0):
        """Reads messages until one has @key (=@value if given). Returns (pid, fields) or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            m = self._recv(left)
            if m is None:
                return None
            if key in m[1] and (value is None or m[1][key] == value):
                return m

    def count(self, key, value, seconds):
        """Counts messages with key=value arriving within @seconds."""
        n = 0
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return n
            m = self._recv(left)
            if m is not None and m[1].get(key) == value:
                n += 1


def varlink_call(path, method, timeout=10.0, sock=None):
    """One call over a new (or the given) connection; the reply as a dict."""
    s = sock or socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        if sock is None:
            s.connect(path)
        s.sendall(json.dumps({"method": method}).encode() + b"\0")
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\0" not in buf:
            left = deadline - time.monotonic()
            check(left > 0, f"{method}: no reply within {timeout}s")
            s.settimeout(left)
            chunk = s.recv(65536)
            check(chunk, f"{method}: pktd closed the connection without a reply")
            buf += chunk
            check(len(buf) < (16 << 20), f"{method}: reply larger than 16 MiB")
        return json.loads(buf.partition(b"\0")[0])
    finally:
        s.close()


def check_getinfo(reply):
    check("error" not in reply, f"GetInfo failed: {reply}")
    p = reply.get("parameters", {})
    for k in ("vendor", "product", "version"):
        check(isinstance(p.get(k), str) and p[k], f"GetInfo: no {k}: {p}")
    ifaces = p.get("interfaces")
    check(isinstance(ifaces, list) and INTERFACES <= set(ifaces),
          f"GetInfo: interfaces {ifaces} lack some of {sorted(INTERFACES)}")


def listening_unix_sockets(pid):
    """{fd: path} of the listening AF_UNIX sockets pid holds, from /proc/PID/fd and /proc/net/unix."""
    inode_fd = {}
    fddir = f"/proc/{pid}/fd"
    for fd in os.listdir(fddir):
        try:
            target = os.readlink(os.path.join(fddir, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inode_fd[int(target[8:-1])] = int(fd)
    found = {}
    with open("/proc/net/unix") as f:
        next(f)
        for line in f:
            cols = line.split()
            # Num RefCount Protocol Flags Type St Inode [Path]; Flags 00010000 = __SO_ACCEPTCON
            inode = int(cols[6])
            if inode in inode_fd and int(cols[3], 16) & 0x10000:
                found[inode_fd[inode]] = cols[7] if len(cols) > 7 else ""
    return found


def run(pktd, tool, tmp):
    api = os.path.join(tmp, "api.sock")
    conf = os.path.join(tmp, "pktd.conf")
    with open(conf, "w") as f:
        f.write(CONFIG)
    notify = Notify(os.path.join(tmp, "notify"))
    log_path = os.path.join(tmp, "pktd.log")
    log = open(log_path, "wb")
    cmd = [tool, "-l", api, "-E", f"NOTIFY_SOCKET={notify.path}",
           "-E", f"WATCHDOG_USEC={WATCHDOG_USEC}"]
    for k in PASS_ENV:
        if k in os.environ:
            cmd += ["-E", f"{k}={os.environ[k]}"]
    cmd += [pktd, "--allow-root", "--config", conf]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        # systemd-socket-activate listens first; pktd is not running yet.
        deadline = time.monotonic() + 10
        while not os.path.exists(api):
            check(proc.poll() is None, f"systemd-socket-activate exited {proc.returncode}")
            check(time.monotonic() < deadline, "the socket was not created within 10 s")
            time.sleep(0.02)
        st = os.stat(api)
        check(stat.S_ISSOCK(st.st_mode), f"{api} is not a socket")

        # The first connection makes systemd-socket-activate exec pktd; pktd must answer it, which
        # it can only do from the passed fd (the connection sits in that socket's backlog).
        first = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        first.connect(api)
        check_getinfo(varlink_call(api, "org.varlink.service.GetInfo", sock=first))

        ready = notify.wait_for("READY", "1", timeout=10)
        check(ready is not None, "no READY=1 on NOTIFY_SOCKET within 10 s")
        check(ready[0] == proc.pid,
              f"READY=1 came from pid {ready[0]}, not pktd's main pid {proc.pid}")
        check(all(pid == proc.pid for pid, _ in notify.log),
              f"notifications from other pids than {proc.pid}: {notify.log}")

        # No socket of its own: one listening socket, fd 3, at our path, same file.
        lst = listening_unix_sockets(proc.pid)
        check(lst == {3: api}, f"pktd's listening sockets are {lst}, expected {{3: {api!r}}}")
        check(os.stat(api).st_ino == st.st_ino, "the socket file was replaced after pktd started")

        # Watchdog: WATCHDOG_USEC=1 s, so pings at least every 0.5 s; 3 s must see several.
        pings = notify.count("WATCHDOG", "1", 3.0)
        check(pings >= 3, f"{pings} WATCHDOG=1 pings in 3 s with WATCHDOG_USEC={WATCHDOG_USEC}")
        check(any("STATUS" in f for _, f in notify.log), "no STATUS= message from pktd")

        # Reload: RELOADING=1, then READY=1 again, and pktd still serves.
        proc.send_signal(signal.SIGHUP)
        check(notify.wait_for("RELOADING", "1", timeout=10) is not None,
              "no RELOADING=1 within 10 s of SIGHUP")
        check(notify.wait_for("READY", "1", timeout=10) is not None,
              "no READY=1 within 10 s after RELOADING=1")
        check_getinfo(varlink_call(api, "org.varlink.service.GetInfo"))

        # Stop: STOPPING=1, exit 0, the socket file left where it was.
        proc.send_signal(signal.SIGTERM)
        check(notify.wait_for("STOPPING", "1", timeout=10) is not None,
              "no STOPPING=1 within 10 s of SIGTERM")
        try:
            rc = proc.wait(10)
        except subprocess.TimeoutExpired:
            raise Failure("pktd did not exit within 10 s of SIGTERM")
        check(rc == 0, f"pktd exited with {rc} after SIGTERM")
        check(os.path.exists(api) and os.stat(api).st_ino == st.st_ino,
              "pktd removed or replaced the socket file it was handed")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        notify.close()
        log.close()
        with open(log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        sys.stderr.write("--- pktd and systemd-socket-activate output ---\n" + text)
        sys.stderr.write("--- notifications ---\n" + "".join(
            f"  pid {pid}: {fields}\n" for pid, fields in notify.log))
    check("AddressSanitizer" not in text and "runtime error:" not in text,
          "sanitizer report in pktd's output")


def main():
    pktd = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PKTD_BIN", "")
    if not pktd or not os.access(pktd, os.X_OK):
        print(f"SKIP: pktd is not built ({pktd!r})", file=sys.stderr)
        return SKIP
    tool = None
    for d in os.environ.get("PATH", "/usr/bin:/bin").split(":") + ["/usr/bin", "/bin"]:
        if d and os.access(os.path.join(d, "systemd-socket-activate"), os.X_OK):
            tool = os.path.join(d, "systemd-socket-activate")
            break
    if tool is None:
        print("SKIP: systemd-socket-activate is not installed", file=sys.stderr)
        return SKIP
    if os.geteuid() != 0:
        print("SKIP: needs root (pktd is started as root with --allow-root)", file=sys.stderr)
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pktd-sa-")
    try:
        run(pktd, tool, tmp)
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    print("ok: socket-activated pktd served GetInfo on fd 3, notified READY/STATUS/WATCHDOG/"
          "RELOADING/STOPPING from its main pid and exited 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
