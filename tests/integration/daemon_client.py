# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for the integration tests that drive the real pktd (python3 stdlib only).

- Conn: a blocking varlink client over a Unix stream socket: NUL-framed JSON, a timeout on every read,
  replies parsed strictly (a duplicate key in a reply fails the test: pktd must never write one).
- Daemon: pktd_harness.Pktd (daemon-core's: temp socket and config, --allow-root, bounded start and
  stop) with a socket other uids may open, fd/RSS helpers, and SIGTERM's exit status checked.
- as_user(): runs a function in a forked child with other credentials and returns its result.
- main(): runs a module's tests, exits 77 when not root or pktd is missing, 1 on any failure.

Every wait has a deadline; every process started here is killed by its own pid before the test ends.
"""

import base64
import json
import os
import resource
import select
import selectors
import signal
import socket
import struct
import sys
import time
import traceback

import pktd_harness

SKIP = pktd_harness.SKIP

# One reply frame at most this big (pktd's output for one call stays far below; a bigger one is a bug).
REPLY_MAX = 16 * 1024 * 1024


class DuplicateKey(ValueError):
    pass


def _strict_pairs(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise DuplicateKey("duplicate key %r in a reply" % k)
        obj[k] = v
    return obj


def parse_reply(frame):
    """Parses one reply frame (bytes without its NUL) strictly."""
    return json.loads(frame.decode("utf-8"), object_pairs_hook=_strict_pairs)


def frame(method, parameters=None, more=False, oneway=False, extra=None):
    """The bytes of one call, NUL included."""
    call = {"method": method}
    if parameters is not None:
        call["parameters"] = parameters
    if more:
        call["more"] = True
    if oneway:
        call["oneway"] = True
    if extra:
        call.update(extra)
    return json.dumps(call, separators=(",", ":")).encode() + b"\0"


class Closed(Exception):
    """The daemon closed the connection (EOF or ECONNRESET)."""


def connect_unix(path, timeout=10.0):
    """A connected AF_UNIX stream socket with @timeout on later I/O. The connect itself is blocking
    (bounded by SO_SNDTIMEO): on a Unix socket a non-blocking connect fails with EAGAIN as soon as
    the listen backlog is full, where a blocking one waits for pktd to accept."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO,
                     struct.pack("ll", int(timeout), int((timeout % 1) * 1e6)))
        s.connect(path)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 0, 0))
        s.settimeout(timeout)
    except Exception:
        s.close()
        raise
    return s


class Conn:
    def __init__(self, path, timeout=10.0):
        self.sock = connect_unix(path, timeout)
        self.timeout = timeout
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as e:
            raise Closed(str(e))

    def call(self, method, parameters=None, **kw):
        self.send_raw(frame(method, parameters, **kw))

    def recv_frame(self, timeout=None):
        """One frame without its NUL. Raises Closed on EOF/ECONNRESET, socket.timeout at the deadline."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            i = self.buf.find(b"\0")
            if i >= 0:
                f, self.buf = self.buf[:i], self.buf[i + 1:]
                return f
            if len(self.buf) > REPLY_MAX:
                raise AssertionError("reply frame over %d bytes without a NUL" % REPLY_MAX)
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("no reply within the deadline")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 16)
            except ConnectionResetError as e:
                raise Closed(str(e))
            if not chunk:
                raise Closed("EOF")
            self.buf += chunk

    def reply(self, timeout=None):
        return parse_reply(self.recv_frame(timeout))

    def rpc(self, method, parameters=None, timeout=None, **kw):
        self.call(method, parameters, **kw)
        return self.reply(timeout)

    def expect_close(self, timeout=None):
        """Waits for EOF/ECONNRESET; returns the frames that came before it (the daemon may say why)."""
        frames = []
        while True:
            try:
                frames.append(self.recv_frame(timeout))
            except Closed:
                return frames


def is_closed_by_peer(path, send=None, timeout=5.0):
    """Connects, optionally sends a call, and reports whether the daemon closed the connection with
    nothing but EOF/ECONNRESET (True), or the reply frames it sent (a list)."""
    try:
        c = Conn(path, timeout)
    except (ConnectionRefusedError, ConnectionResetError):
        return True
    with c:
        try:
            if send is not None:
                c.send_raw(send)
        except Closed:
            return True
        try:
            frames = c.expect_close(timeout)
        except socket.timeout:
            return ["<no reply and no close within %.0f s>" % timeout]
        return True if not frames else frames


# ----------------------------------------------------------------------------------------------
# Packets: Build/Dissect round trips whose answers can be checked exactly.

def echo_spec(ident, seq=0):
    return "ip(dst=192.0.2.2)/icmp(type=8)/echo(id=%d,seq=%d)" % (ident, seq)


def layer(packet, name):
    for l in packet["layers"]:
        if l.get("layer") == name:
            return l
    raise AssertionError("no %s layer in %r" % (name, packet))


def check_build(reply, ident, seq=0):
    """Asserts @reply is Build's answer for echo_spec(ident, seq); returns the packet bytes."""
    if "error" in reply:
        raise AssertionError("Build failed: %r" % reply)
    p = reply["parameters"]
    data = base64.b64decode(p["data"], validate=True)
    assert p["length"] == len(data) == 28, p
    assert data[0] == 0x45 and data[9] == 1 and data[16:20] == bytes([192, 0, 2, 2]), data.hex()
    assert data[20] == 8 and int.from_bytes(data[24:26], "big") == ident, data.hex()
    assert int.from_bytes(data[26:28], "big") == seq, data.hex()
    e = layer(p["packet"], "echo")
    assert e["id"] == ident and e["seq"] == seq, e
    assert p["packet"]["caplen"] == p["packet"]["len"] == 28, p["packet"]
    return data


def check_dissect(reply, ident, seq=0):
    if "error" in reply:
        raise AssertionError("Dissect failed: %r" % reply)
    pkt = reply["parameters"]["packet"]
    assert layer(pkt, "ip")["dst"] == "192.0.2.2", pkt
    e = layer(pkt, "echo")
    assert e["id"] == ident and e["seq"] == seq, e
    return pkt


def build_params(ident, seq=0):
    return {"spec": echo_spec(ident, seq)}


def dissect_params(data):
    return {"data": base64.b64encode(data).decode(), "first": "ip"}


def round_trip(c, ident, seq=0):
    """One Build then one Dissect of its bytes on @c, both checked."""
    data = check_build(c.rpc("io.pktd.Packet.Build", build_params(ident, seq)), ident, seq)
    check_dissect(c.rpc("io.pktd.Packet.Dissect", dissect_params(data)), ident, seq)


def assert_ok(reply, want=None):
    """Asserts @reply is a success (and, when @want is given, exactly that reply)."""
    if want is not None:
        assert reply == want, "want %r, got %r" % (want, reply)
    assert "error" not in reply and isinstance(reply.get("parameters"), dict), "want success, got %r" % reply
    return reply["parameters"]


def assert_error(reply, name, **params):
    """Asserts @reply is error @name and that each given parameter has the given value (None: present)."""
    assert reply.get("error") == name, "want %s%s, got %r" % (name, params or "", reply)
    got = reply.get("parameters", {})
    for k, v in params.items():
        assert k in got, "error %s lacks parameter %r: %r" % (name, k, reply)
        if v is not None:
            assert got[k] == v, "error %s: %s is %r, want %r" % (name, k, got[k], v)


# ----------------------------------------------------------------------------------------------
# The daemon

def default_config(roles=None, limits=None):
    r = {"admin": "user:0", "capture": "group:64001", "inject": "group:64002"}
    r.update(roles or {})
    l = {"connections": 256, "connectionsPerUid": 32, "frameSize": 1048576,
         "outputBuffer": 8388608, "idleTimeoutSec": 600}
    l.update(limits or {})
    text = "[roles]\n" + "".join("%s = %s\n" % kv for kv in r.items())
    text += "[limits]\n" + "".join("%s = %d\n" % kv for kv in l.items())
    text += "[daemon]\nallowRoot = yes\n"
    return text


def sanitized():
    """Whether pktd was built with sanitizers (CMake sets PKTD_SANITIZE=1): RSS bounds are looser."""
    return os.environ.get("PKTD_SANITIZE", "0") not in ("", "0")


def raise_nofile(n):
    """Raises this process's RLIMIT_NOFILE to @n (the hard limit too, as root); returns the soft limit.
    pktd started afterwards inherits it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < n:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
            return n
        except (ValueError, OSError):
            n = hard
    if soft != resource.RLIM_INFINITY and soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Daemon(pktd_harness.Pktd):
    """pktd_harness.Pktd plus what these tests need: a socket other uids may open (pktd.socket's 0660
    root:pktd does that in production), a first GetStatus answered before the test starts, fd/RSS
    helpers, and a non-zero exit on SIGTERM (a leak report under ASan, a crash) failing the test."""

    def __init__(self, config, **kw):
        if sanitized() and "env" not in kw:
            # ASan's quarantine (256 MiB by default) would make every freed block look resident:
            # a smaller one keeps use-after-free detection for recent frees and RSS meaningful.
            env = dict(os.environ)
            opts = env.get("ASAN_OPTIONS", "")
            env["ASAN_OPTIONS"] = (opts + ":" if opts else "") + "quarantine_size_mb=16"
            kw["env"] = env
        super().__init__(pktd_harness.find_pktd(), config=config, **kw)

    def start(self):
        super().start()
        os.chmod(self.socket, 0o666)
        deadline = time.monotonic() + 10.0
        while True:
            try:
                with Conn(self.socket, 2.0) as c:
                    if "parameters" in c.rpc("io.pktd.Daemon.GetStatus", {}):
                        n = self.fds()
                        c.close()
                        # The probe is gone from pktd before the test takes any baseline.
                        self.wait_fds(n - 1, 5.0)
                        return self
            except (OSError, Closed, ValueError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError("pktd does not answer GetStatus:\n" + self.log())
            time.sleep(0.05)

    def log(self):
        self._collect()
        return self.stderr[-8192:]

    def assert_alive(self):
        if not self.alive():
            raise AssertionError("pktd died (status %s):\n%s" % (self.proc.returncode, self.log()))

    def fds(self):
        return self.fd_count()

    def nofile_limit(self):
        with open("/proc/%d/limits" % self.pid) as f:
            for line in f:
                if line.startswith("Max open files"):
                    return int(line.split()[3])
        return 0

    def wait_fds(self, want, timeout=10.0):
        """Waits until pktd has at most @want fds (closing is asynchronous); returns the last count."""
        deadline = time.monotonic() + timeout
        n = self.fds()
        while n > want and time.monotonic() < deadline:
            time.sleep(0.05)
            n = self.fds()
        return n

    def connect(self, timeout=10.0):
        return Conn(self.socket, timeout)

    def running(self):
        """For a Daemon started by hand: `with d.running():` stops and checks it like `with Daemon()`
        (entering the Daemon itself would start a second pktd)."""
        d = self

        class _Ctx:
            def __enter__(self):
                return d

            def __exit__(self, *exc):
                return Daemon.__exit__(d, *exc)
        return _Ctx()

    def __exit__(self, exc_type, exc, tb):
        rc = self.stop(timeout=20.0)
        if exc_type is not None:
            sys.stderr.write("--- pktd log (tail) ---\n%s\n" % self.stderr[-8192:])
        self.cleanup()
        if exc_type is None and rc != 0:
            raise AssertionError("pktd exited with %s on SIGTERM (want 0):\n%s" % (rc, self.stderr[-8192:]))
        return False


# ----------------------------------------------------------------------------------------------
# Other credentials

def as_user(fn, uid, gid, groups=(), timeout=60.0):
    """Runs fn() in a forked child with setgroups(@groups), setresgid(@gid), setresuid(@uid); returns
    what fn returned (JSON-able), or raises AssertionError with the child's traceback."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        out = {}
        try:
            os.setgroups(list(groups))
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            out["ok"] = fn()
        except BaseException:
            out["error"] = traceback.format_exc()
        try:
            data = json.dumps(out).encode()
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    deadline = time.monotonic() + timeout
    sel = selectors.DefaultSelector()
    sel.register(r, selectors.EVENT_READ)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                os.kill(pid, signal.SIGKILL)
                raise AssertionError("child as uid %d did not finish within %.0f s" % (uid, timeout))
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        sel.close()
        os.close(r)
        os.waitpid(pid, 0)
    out = json.loads(b"".join(chunks) or b"{}")
    if "error" in out:
        raise AssertionError("in the child (uid %d gid %d groups %s):\n%s" % (uid, gid, list(groups), out["error"]))
    return out.get("ok")


class HeldClient:
    """A forked child with other credentials that holds one connection open and makes calls on it when
    told (so a test can change pktd's config between its calls). call() returns the reply, or
    "closed" when pktd closed the connection. close() ends the child (SIGKILL after a deadline)."""

    def __init__(self, path, uid, gid, groups=(), timeout=20.0):
        self.timeout = timeout
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(self.to_child)
                os.close(self.from_child)
                os.setgroups(list(groups))
                os.setresgid(gid, gid, gid)
                os.setresuid(uid, uid, uid)
                c = Conn(path, 10.0)
                rin = os.fdopen(to_child_r, "r")
                wout = os.fdopen(from_child_w, "w")
                wout.write(json.dumps("connected") + "\n")
                wout.flush()
                for line in rin:
                    method, params = json.loads(line)
                    try:
                        out = c.rpc(method, params)
                    except Closed:
                        out = "closed"
                    except Exception as e:  # reported, the parent decides
                        out = "exception: %r" % e
                    wout.write(json.dumps(out) + "\n")
                    wout.flush()
            finally:
                os._exit(0)
        os.close(to_child_r)
        os.close(from_child_w)
        self.rbuf = b""
        assert self._read() == "connected"

    def _read(self):
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self.rbuf:
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.from_child], [], [], max(0.0, left))
            if not r:
                self.close()
                raise AssertionError("held client uid did not answer within %.0f s" % self.timeout)
            chunk = os.read(self.from_child, 65536)
            if not chunk:
                raise AssertionError("held client died")
            self.rbuf += chunk
        line, _, self.rbuf = self.rbuf.partition(b"\n")
        return json.loads(line)

    def call(self, method, params=None):
        os.write(self.to_child, (json.dumps([method, params]) + "\n").encode())
        return self._read()

    def close(self):
        if self.pid:
            for fd in (self.to_child, self.from_child):
                try:
                    os.close(fd)
                except OSError:
                    pass
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if os.waitpid(self.pid, os.WNOHANG)[0] == self.pid:
                    break
                time.sleep(0.02)
            else:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ----------------------------------------------------------------------------------------------
# Running

def main(tests, need_root=True):
    """Runs each (name, fn) in @tests; prints one line each; exits 0, 1 (a failure) or 77 (skipped)."""
    if need_root and os.geteuid() != 0:
        print("SKIP: needs root (to set credentials and run pktd)")
        sys.exit(SKIP)
    pktd_harness.find_pktd()  # exits 77 when there is none
    only = os.environ.get("PKTD_TEST_ONLY")
    failed = 0
    for name, fn in tests:
        if only and only not in name:
            continue
        t0 = time.monotonic()
        try:
            fn()
        except Exception:
            failed += 1
            print("FAIL %s (%.1f s)" % (name, time.monotonic() - t0))
            traceback.print_exc()
        else:
            print("ok   %s (%.1f s)" % (name, time.monotonic() - t0))
        sys.stdout.flush()
    sys.exit(1 if failed else 0)
