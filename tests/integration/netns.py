# SPDX-License-Identifier: BSD-3-Clause
"""Two network namespaces joined by a veth pair, pktd running in one, the other's kernel as the peer.

    from netns import Netns, run_tests
    with Netns() as ns:                       # namespaces, veth, addresses, links up
        with ns.daemon(config) as d:          # pktd inside A (ip netns exec), socket in a temp dir
            ns.run_b(["ping", "-c", "1", "192.0.2.1"], timeout=5)
            ...

Side A: namespace pktn5-PID-a, interface pkn<PID>a, 192.0.2.1/24 and 2001:db8::1/64.
Side B: namespace pktn5-PID-b, interface pkn<PID>b, 192.0.2.2/24 and 2001:db8::2/64.
Both IPv6 addresses are nodad and DAD is off in both namespaces (no tentative address delays a test);
lo is up in both. The pair is created inside the namespaces, so it never exists in the caller's: no
packet a test sends can leave them (documentation prefixes only: RFC 5737, RFC 3849).

Cleanup: every process started through the fixture is killed by its pid; then both namespaces are
deleted (which destroys the veth pair). It runs from the `with`, at exit (atexit) and on SIGTERM,
SIGINT and SIGHUP. Namespaces left by an earlier run that was killed (SIGKILL, a ctest timeout) are
found by their prefix at the next start: when the pid in their name is gone, the processes still
inside them (an orphaned pktd) are killed by pid and the namespaces deleted.

Python 3 standard library only. Every command has a timeout.
"""

import atexit
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import daemon_client
import pktd_harness

SKIP = pktd_harness.SKIP
PREFIX = "pktn5-"
NETNS_DIR = "/run/netns"

A_IP4, B_IP4 = "192.0.2.1", "192.0.2.2"
A_IP6, B_IP6 = "2001:db8::1", "2001:db8::2"

# Test credentials (unused ids): a capture-only client and an inject-only client.
CAPTURE_UID, CAPTURE_GID = 64011, 64001
INJECT_UID, INJECT_GID = 64013, 64002

_live = []  # Netns objects not yet cleaned up, for atexit and the signal handlers


class Skip(Exception):
    """A test cannot run here (a tool or a method is missing): reported as skipped, never passed."""


def sh(argv, timeout=10.0, check=True, input=None):
    """Runs @argv (a list) with a timeout; returns its stdout as text. Raises on a non-zero status
    when @check (with stderr in the message)."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL if input is None else None, input=input,
                           capture_output=True, timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        raise AssertionError("%r did not finish within %.0f s" % (argv, timeout))
    if check and p.returncode != 0:
        raise AssertionError("%r exited %d: %s" % (argv, p.returncode, p.stderr.strip()))
    return p.stdout


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _ns_pids(name):
    """The pids of the processes inside namespace @name (ip netns pids)."""
    try:
        out = sh(["ip", "netns", "pids", name], timeout=10, check=False)
    except AssertionError:
        return []
    return [int(x) for x in out.split() if x.isdigit()]


def _kill_ns_procs(name):
    """SIGKILLs, by pid, the processes inside our own namespace @name (all started by this fixture
    or by an earlier run of it)."""
    for pid in _ns_pids(name):
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _del_ns(name):
    _kill_ns_procs(name)
    subprocess.run(["ip", "netns", "del", name], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)


def remove_stale():
    """Deletes namespaces of earlier runs whose process is gone (killed before it could clean up)."""
    try:
        names = os.listdir(NETNS_DIR)
    except OSError:
        return 0
    n = 0
    for name in names[:1000]:
        m = re.fullmatch(re.escape(PREFIX) + r"(\d+)-[ab]", name)
        if not m or _pid_alive(int(m.group(1))):
            continue
        _del_ns(name)
        n += 1
    return n


def _kill_group(p, sig=signal.SIGKILL):
    """Signals the process group that @p leads (started with start_new_session): @p and its
    children, by the group's id. Also when @p itself has exited (its children may not have)."""
    try:
        os.killpg(p.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill(p, sig=signal.SIGKILL):
    _kill_group(p, sig)


def _cleanup_all():
    for ns in list(_live):
        ns.cleanup()


def _on_signal(sig, frame):
    _cleanup_all()
    signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)


def _install_handlers():
    if getattr(_install_handlers, "done", False):
        return
    _install_handlers.done = True
    atexit.register(_cleanup_all)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def need_tools(*tools):
    for t in tools:
        if shutil.which(t) is None:
            raise Skip("needs %s" % t)


class Netns:
    def __init__(self):
        pid = os.getpid()
        self.a = "%s%d-a" % (PREFIX, pid)
        self.b = "%s%d-b" % (PREFIX, pid)
        self.veth_a = "pkn%da" % pid   # < IFNAMSIZ for any pid
        self.veth_b = "pkn%db" % pid
        self.procs = []                # Popen objects started here, killed by pid at cleanup
        self.daemons = []
        self.tmp = None
        self.up = False
        self.mac_a = self.mac_b = None

    # --- set-up and cleanup ----------------------------------------------------------------------
    def setup(self):
        if os.geteuid() != 0:
            raise Skip("needs root (network namespaces, pktd with raw sockets)")
        need_tools("ip")
        remove_stale()
        _install_handlers()
        _live.append(self)
        self.tmp = tempfile.mkdtemp(prefix="pktd-netns-")
        os.chmod(self.tmp, 0o755)
        self.up = True
        try:
            sh(["ip", "netns", "add", self.a])
            sh(["ip", "netns", "add", self.b])
        except AssertionError as e:
            raise Skip("cannot create network namespaces: %s" % e)
        # The pair is made inside the namespaces: it never exists in the caller's.
        sh(["ip", "link", "add", "name", self.veth_a, "netns", self.a, "type", "veth",
            "peer", "name", self.veth_b, "netns", self.b])
        for ns, veth, ip4, ip6 in ((self.a, self.veth_a, A_IP4, A_IP6),
                                   (self.b, self.veth_b, B_IP4, B_IP6)):
            # DAD off before the link comes up: link-local and global addresses usable at once.
            self.sysctl(ns, "net.ipv6.conf.all.accept_dad", 0)
            self.sysctl(ns, "net.ipv6.conf.default.accept_dad", 0)
            self.sysctl(ns, "net.ipv6.conf.%s.accept_dad" % veth, 0)
            sh(["ip", "-n", ns, "addr", "add", ip4 + "/24", "dev", veth])
            sh(["ip", "-n", ns, "addr", "add", ip6 + "/64", "dev", veth, "nodad"])
            sh(["ip", "-n", ns, "link", "set", veth, "up"])
            sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        # Neither end exists in the caller's namespace: nothing sent on them can leave the pair.
        for veth in (self.veth_a, self.veth_b):
            r = subprocess.run(["ip", "link", "show", "dev", veth], stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=10)
            assert r.returncode != 0, "%s is in the caller's namespace" % veth
        self.mac_a = self.read_a(["cat", "/sys/class/net/%s/address" % self.veth_a]).strip()
        self.mac_b = self.read_b(["cat", "/sys/class/net/%s/address" % self.veth_b]).strip()
        assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", self.mac_b), self.mac_b
        self.wait_link()
        return self

    def wait_link(self, timeout=10.0):
        """Waits until both ends report carrier (veth needs both up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            a = self.read_a(["cat", "/sys/class/net/%s/operstate" % self.veth_a]).strip()
            b = self.read_b(["cat", "/sys/class/net/%s/operstate" % self.veth_b]).strip()
            if a == b == "up":
                return
            time.sleep(0.05)
        raise AssertionError("veth pair not up within %.0f s" % timeout)

    def cleanup(self):
        for d in self.daemons:
            try:
                d.kill()
                d.cleanup()
            except Exception:
                pass
        self.daemons = []
        for p in self.procs:
            _kill_group(p)
            try:
                p.wait(5)
            except Exception:
                pass
        self.procs = []
        if self.up:
            self.up = False
            _del_ns(self.a)
            _del_ns(self.b)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        if self in _live:
            _live.remove(self)

    def __enter__(self):
        try:
            return self.setup()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, *exc):
        self.cleanup()
        return False

    # --- commands in the namespaces --------------------------------------------------------------
    def exec_argv(self, ns, argv):
        return ["ip", "netns", "exec", ns] + list(argv)

    def run(self, ns, argv, timeout=30.0, check=True):
        """Runs @argv inside @ns, bounded by @timeout; returns CompletedProcess (text)."""
        p = subprocess.Popen(self.exec_argv(ns, argv), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
        self.procs.append(p)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(p)
            p.communicate(timeout=5)
            raise AssertionError("%r in %s did not finish within %.0f s" % (argv, ns, timeout))
        finally:
            if p in self.procs and p.poll() is not None:
                self.procs.remove(p)
        res = subprocess.CompletedProcess(argv, p.returncode, out, err)
        if check and p.returncode != 0:
            raise AssertionError("%r in %s exited %d: %s" % (argv, ns, p.returncode, err.strip()))
        return res

    def run_a(self, argv, timeout=30.0, check=True):
        return self.run(self.a, argv, timeout, check)

    def run_b(self, argv, timeout=30.0, check=True):
        return self.run(self.b, argv, timeout, check)

    def read_a(self, argv, timeout=10.0):
        return self.run_a(argv, timeout).stdout

    def read_b(self, argv, timeout=10.0):
        return self.run_b(argv, timeout).stdout

    def popen(self, ns, argv, **kw):
        """Starts @argv inside @ns in the background, in a new session (process group) of its own:
        stop() and cleanup kill that group by its id, so what it started (timeout(1)'s child) goes
        too. Callers bound its lifetime themselves as well (timeout(1), a count)."""
        kw.setdefault("start_new_session", True)
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        p = subprocess.Popen(self.exec_argv(ns, argv), **kw)
        self.procs.append(p)
        return p

    def popen_b(self, argv, **kw):
        return self.popen(self.b, argv, **kw)

    def popen_a(self, argv, **kw):
        return self.popen(self.a, argv, **kw)

    def stop(self, p, timeout=10.0):
        """Waits for a background process (bounded), SIGKILLs it after @timeout; returns
        (returncode, stdout, stderr)."""
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(p)
            out, err = p.communicate(timeout=5)
        if p in self.procs:
            self.procs.remove(p)
        return p.returncode, out, err

    def sysctl(self, ns, key, value):
        path = "/proc/sys/" + key.replace(".", "/")
        self.run(ns, ["sh", "-c", "echo %s > %s" % (value, path)], timeout=10)

    def stat(self, ns, veth, name):
        """An interface counter from /sys/class/net/IF/statistics (rx_packets, tx_packets, ...)."""
        side = self.run(ns, ["cat", "/sys/class/net/%s/statistics/%s" % (veth, name)], timeout=10)
        return int(side.stdout.strip())

    # --- pktd inside A ----------------------------------------------------------------------------
    def daemon(self, config, **kw):
        d = NetnsDaemon(self, config, **kw)
        self.daemons.append(d)
        return d


class NetnsDaemon(daemon_client.Daemon):
    """daemon_client.Daemon started inside namespace A: the binary is wrapped as
    `ip netns exec A pktd ...` (ip execs pktd in place, so the pid is pktd's own: its /proc figures
    and its exit status are pktd's). The socket is a path in a temp dir: Unix sockets named by a
    path work across network namespaces, so clients stay in the caller's namespace."""

    def __init__(self, ns, config, **kw):
        super().__init__(config, **kw)
        self.ns = ns
        self.real_binary = self.binary

    def start(self):
        fd, wrapper = tempfile.mkstemp(prefix="pktd-in-a-", dir=self.ns.tmp)
        with os.fdopen(fd, "w") as f:
            f.write("#!/bin/sh\nexec ip netns exec %s %s \"$@\"\n" % (shlex.quote(self.ns.a),
                                                                 shlex.quote(self.real_binary)))
        os.chmod(wrapper, 0o755)
        self.binary = wrapper
        return super().start()


# ------------------------------------------------------------------------------------------------
# Configs

def config(roles=None, limits=None, capture=None, inject=None):
    """A pktd.conf: root admin, group 64001 capture, 64002 inject, plus the issue-5 sections given."""
    r = {"admin": "user:0", "capture": "group:%d" % CAPTURE_GID, "inject": "group:%d" % INJECT_GID}
    r.update(roles or {})
    lim = {"connections": 256, "connectionsPerUid": 64, "frameSize": 1048576,
           "outputBuffer": 8388608, "idleTimeoutSec": 600}
    lim.update(limits or {})
    text = "[roles]\n" + "".join("%s = %s\n" % kv for kv in r.items())
    text += "[limits]\n" + "".join("%s = %s\n" % kv for kv in lim.items())
    if capture:
        text += "[capture]\n" + "".join("%s = %s\n" % kv for kv in capture.items())
    if inject:
        text += "[inject]\n" + "".join("%s = %s\n" % kv for kv in inject.items())
    text += "[daemon]\nallowRoot = yes\n"
    return text


# ------------------------------------------------------------------------------------------------
# Calls

NOT_IMPLEMENTED = ("org.varlink.service.MethodNotImplemented", "org.varlink.service.MethodNotFound")


def check_implemented(reply, method):
    """Raises Skip when @reply says @method is not there yet (a method still being written)."""
    if isinstance(reply, dict) and reply.get("error") in NOT_IMPLEMENTED:
        raise Skip("method not implemented yet: %s (%s)" % (method, reply["error"]))


def rpc(conn, method, params, timeout=30.0):
    r = conn.rpc(method, params, timeout=timeout)
    check_implemented(r, method)
    return r


def sr(conn, params, timeout=60.0):
    """One SendReceive without more: the single reply (success or error)."""
    return rpc(conn, "io.pktd.Inject.SendReceive", params, timeout)


def sr_stream(conn, params, timeout=60.0):
    """SendReceive with more:true: (streamed answers, final reply)."""
    conn.call("io.pktd.Inject.SendReceive", params, more=True)
    answers = []
    deadline = time.monotonic() + timeout
    while True:
        r = conn.reply(max(0.1, deadline - time.monotonic()))
        check_implemented(r, "io.pktd.Inject.SendReceive")
        if "error" in r or not r.get("continues"):
            return answers, r
        answers.append(r["parameters"]["answer"])


class Stream:
    """A Subscribe stream on @conn: start() sends the call and returns the ack (or raises with the
    error reply); next() gives each later reply's parameters as (kind, value) with kind one of
    packet, drops, totals; totals ends the stream."""

    def __init__(self, conn, params):
        self.conn = conn
        self.params = params
        self.ended = False

    def start(self, timeout=20.0):
        self.conn.call("io.pktd.Capture.Subscribe", self.params, more=True)
        r = self.conn.reply(timeout)
        check_implemented(r, "io.pktd.Capture.Subscribe")
        self.first = r
        if "error" in r:
            return None
        assert r.get("continues") is True, "the ack must continue the stream: %r" % r
        p = r["parameters"]
        assert set(p) == {"ack"}, "first reply is the ack alone: %r" % r
        return p["ack"]

    def next(self, timeout=20.0):
        frame = self.conn.recv_frame(timeout)
        return self.parse(frame)

    def parse(self, frame):
        r = daemon_client.parse_reply(frame)
        assert "error" not in r, "stream error: %r" % r
        p = r["parameters"]
        kinds = [k for k in ("packet", "drops", "totals") if k in p]
        assert len(kinds) == 1 and len(p) == 1, "one of packet/drops/totals per reply: %r" % r
        kind = kinds[0]
        if kind == "totals":
            assert not r.get("continues"), "totals is the last reply: %r" % r
            self.ended = True
        else:
            assert r.get("continues") is True, "a %s reply continues the stream: %r" % (kind, r)
        return kind, p[kind]


def layer(layers, name, nth=0):
    """The @nth layer called @name in a Captured's layers list, or None."""
    for l in layers:
        if l.get("layer") == name:
            if nth == 0:
                return l
            nth -= 1
    return None


def layer_names(layers):
    return [l.get("layer") for l in layers]


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def pktd_counts(d):
    """pktd's open fds and VmRSS (KiB)."""
    return d.fds(), d.rss_kib()


# ------------------------------------------------------------------------------------------------
# Running

def main(tests, config_text=None, on_start=None):
    """Runs each (name, fn) in @tests as fn(ns, d): ns the Netns, d a pktd started in A with
    @config_text (None: no shared pktd, d is None; the test starts its own with ns.daemon()).
    @on_start(ns, d), when given, runs first (to keep them in module globals).
    Prints ok/FAIL/skip per test. Exits 1 on any failure (pktd's exit status on SIGTERM included),
    else 77 when any test was skipped (ctest shows it as skipped, the reasons printed: nothing
    passes vacuously), else 0. PKTD_TEST_ONLY=substring runs a subset."""
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces, pktd with raw sockets, other uids)")
        sys.exit(SKIP)
    pktd_harness.find_pktd()
    only = os.environ.get("PKTD_TEST_ONLY")
    counts = {"ok": 0, "FAIL": 0, "skip": 0}
    try:
        with Netns() as ns:
            if config_text is None:
                _run(tests, ns, None, only, counts, on_start)
            else:
                with ns.daemon(config_text) as d:
                    _run(tests, ns, d, only, counts, on_start)
    except Skip as e:
        print("SKIP: %s" % e)
        sys.exit(SKIP)
    except Exception:
        counts["FAIL"] += 1
        print("FAIL set-up or tear-down")
        traceback.print_exc(file=sys.stdout)
    print("%d passed, %d failed, %d skipped" % (counts["ok"], counts["FAIL"], counts["skip"]))
    sys.exit(1 if counts["FAIL"] else SKIP if counts["skip"] else 0)


def _run(tests, ns, d, only, counts, on_start):
    if on_start is not None:
        on_start(ns, d)
    for name, fn in tests:
        if only and only not in name:
            continue
        t0 = time.monotonic()
        try:
            fn(ns, d)
        except Skip as e:
            counts["skip"] += 1
            print("skip %s: %s" % (name, e))
        except Exception:
            counts["FAIL"] += 1
            print("FAIL %s (%.1f s)" % (name, time.monotonic() - t0))
            traceback.print_exc(file=sys.stdout)
            if d is not None and not d.alive():
                print("pktd died: %s" % d.log())
        else:
            counts["ok"] += 1
            print("ok   %s (%.1f s)" % (name, time.monotonic() - t0))
        sys.stdout.flush()


def tests_of(module):
    """The (name, fn) pairs of the functions called test_* in @module, in source order."""
    fns = [(name[5:], fn) for name, fn in vars(module).items()
           if name.startswith("test_") and callable(fn)]
    return sorted(fns, key=lambda nf: nf[1].__code__.co_firstlineno)


class Collector:
    """Reads a Subscribe stream's frames on a thread (so the test can drive traffic meanwhile) until
    totals, an error, EOF or @timeout seconds. frames: the raw frames (parsed later, so the reader
    keeps up); error: what ended it otherwise."""

    def __init__(self, stream, timeout=120.0):
        import threading
        self.stream = stream
        self.frames = []
        self.error = None
        self.ended = False
        self.deadline = time.monotonic() + timeout
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        # Frames split straight off recv() chunks: Conn.recv_frame() copies its buffer per frame,
        # too slow for a flood.
        conn = self.stream.conn
        buf, conn.buf = conn.buf, b""
        try:
            while time.monotonic() < self.deadline:
                parts = buf.split(b"\0")
                buf = parts.pop()
                for f in parts:
                    self.frames.append(f)
                    if not f.endswith(b'"continues":true}'):
                        self.ended = True
                        return
                if len(buf) > daemon_client.REPLY_MAX:
                    self.error = "a frame over %d bytes" % daemon_client.REPLY_MAX
                    return
                conn.sock.settimeout(max(0.1, self.deadline - time.monotonic()))
                try:
                    chunk = conn.sock.recv(1 << 18)
                except socket.timeout:
                    continue
                if not chunk:
                    self.error = "EOF"
                    return
                buf += chunk
            self.error = "deadline"
        except Exception as e:  # reported by the test
            self.error = "%s: %s" % (type(e).__name__, e)

    def join(self, timeout):
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def parsed(self):
        return [self.stream.parse(f) for f in self.frames]
