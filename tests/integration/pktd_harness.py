# SPDX-License-Identifier: BSD-3-Clause
"""Start the real pktd for a test and talk to it, with nothing but the Python standard library.

    from pktd_harness import Pktd, Client, run_as, SKIP

    with Pktd(binary, config=CONFIG_TEXT) as d:          # temp dir, socket, config, --allow-root
        with Client(d.socket) as c:
            reply = c.call("org.varlink.service.GetInfo")  # {"parameters": {...}} or {"error": ...}
        status = run_as(65534, 65534, [gid], lambda: Client(d.socket).call_close("io.pktd.Daemon.GetStatus"))
        rc = d.stop()                                      # SIGTERM, waits (bounded), returns the exit code
    print(d.stderr)                                        # everything pktd logged

Every wait is bounded in time; the daemon is killed (SIGKILL) if it does not stop, and on any exception
inside the `with` block. run_as() forks a child that drops to another uid/gid/groups (needs root) and
returns what the function returned (must be JSON-serialisable) or raises what it raised, as text.
"""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77

# A config where root is admin and the test groups are given explicitly; unknown groups match nobody.
DEFAULT_CONFIG = """\
[roles]
admin = user:root
capture = group:pktd
inject = group:pktd-inject
[daemon]
allowRoot = yes
"""


def find_pktd(argv=None):
    """The pktd binary: argv[1] if given (ctest passes $<TARGET_FILE:pktd>), else $PKTD_BIN."""
    argv = sys.argv if argv is None else argv
    path = argv[1] if len(argv) > 1 else os.environ.get("PKTD_BIN", "")
    if not path or not os.access(path, os.X_OK):
        print(f"SKIP: no pktd binary (argv[1] or $PKTD_BIN): {path!r}", file=sys.stderr)
        sys.exit(SKIP)
    return path


def require_root():
    if os.geteuid() != 0:
        print("SKIP: needs root (to switch uids for the clients)", file=sys.stderr)
        sys.exit(SKIP)


class Pktd:
    """One pktd process with its own temp dir, socket and config file."""

    def __init__(self, binary, config=DEFAULT_CONFIG, args=None, allow_root=True, env=None,
                 start_timeout=10.0, open_socket=True):
        self.binary = binary
        self.config_text = config
        self.extra_args = list(args or [])
        self.allow_root = allow_root
        self.env = env
        self.start_timeout = start_timeout
        # pktd creates its socket 0660 (root's group under --allow-root): run_as() clients in
        # made-up groups could not even open it. Tests are about pktd's own peer check, so the
        # harness opens the file up (open_socket=False keeps pktd's mode, to test that).
        self.open_socket = open_socket
        self.proc = None
        self.stderr = ""
        self.returncode = None
        self._tmp = None

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="pktd-test-")
        # Other uids (run_as) must reach the socket inside: the dir is world-searchable, the
        # socket itself is 0660 and pktd decides who may talk.
        os.chmod(self._tmp.name, 0o755)
        self.dir = self._tmp.name
        self.socket = os.path.join(self.dir, "api.sock")
        self.config = os.path.join(self.dir, "pktd.conf")
        if self.config_text is not None:
            self.write_config(self.config_text)
        self._stderr_path = os.path.join(self.dir, "stderr.log")
        self._stderr_file = open(self._stderr_path, "wb")
        cmd = [self.binary, "--listen", self.socket, "--config", self.config]
        if self.allow_root:
            cmd.append("--allow-root")
        cmd += self.extra_args
        env = dict(os.environ if self.env is None else self.env)
        # Not under systemd here: no notify socket, no watchdog, no journal, whatever the caller has.
        for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID",
                  "LISTEN_FDNAMES", "JOURNAL_STREAM"):
            env.pop(k, None)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._stderr_file,
                                     stderr=self._stderr_file, env=env)
        self.wait_ready()
        return self

    def write_config(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    def wait_ready(self):
        """Waits until the socket accepts a connection (bounded); raises if pktd died first."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._collect()
                raise RuntimeError(f"pktd exited with {self.proc.returncode} during start-up:\n"
                                   f"{self.stderr}")
            if os.path.exists(self.socket):
                try:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.settimeout(1.0)
                    s.connect(self.socket)
                    s.close()
                    if self.open_socket:
                        os.chmod(self.socket, 0o666)
                    return
                except OSError:
                    pass
            time.sleep(0.02)
        self.kill()
        raise RuntimeError(f"pktd did not listen on {self.socket} within {self.start_timeout}s:\n"
                           f"{self.stderr}")

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Sends @sig and waits up to @timeout; SIGKILLs after that. Returns the exit code
        (negative: killed by that signal)."""
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._collect()
        return self.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self._collect()

    def _collect(self):
        self.returncode = self.proc.returncode if self.proc else None
        try:
            self._stderr_file.flush()
            with open(self._stderr_path, "rb") as f:
                self.stderr = f.read().decode("utf-8", "replace")
        except (OSError, AttributeError, ValueError):
            pass

    def cleanup(self):
        self.kill()
        try:
            self._stderr_file.close()
        except AttributeError:
            pass
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, *exc):
        self.stop()
        self.cleanup()
        return False

    # --- measurements ------------------------------------------------------------------------
    @property
    def pid(self):
        return self.proc.pid

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


class Client:
    """A blocking varlink-style client over the Unix socket: one JSON object + NUL per message."""

    def __init__(self, path, timeout=10.0):
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def send_raw(self, data):
        """Sends bytes as they are (add the NUL yourself)."""
        self.sock.sendall(data)

    def send(self, method, parameters=None, more=False, oneway=False):
        msg = {"method": method}
        if parameters is not None:
            msg["parameters"] = parameters
        if more:
            msg["more"] = True
        if oneway:
            msg["oneway"] = True
        self.sock.sendall(json.dumps(msg).encode() + b"\0")

    def recv_frame(self, timeout=None):
        """One reply frame as bytes without its NUL; None when the daemon closed the connection."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply frame in time")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(1 << 16)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            self.buf += chunk
        frame, _, self.buf = self.buf.partition(b"\0")
        return frame

    def recv(self, timeout=None):
        """One reply as a dict; None when the connection was closed."""
        frame = self.recv_frame(timeout)
        return None if frame is None else json.loads(frame)

    def call(self, method, parameters=None, more=False, timeout=None):
        self.send(method, parameters, more=more)
        return self.recv(timeout)

    def call_close(self, method, parameters=None):
        try:
            return self.call(method, parameters)
        finally:
            self.close()

    def closed_by_peer(self, timeout=5.0):
        """True when the daemon closes the connection within @timeout (any unread data is dropped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.sock], [], [], max(0.0, deadline - time.monotonic()))
            if not r:
                continue
            try:
                if not self.sock.recv(1 << 16):
                    return True
            except (ConnectionResetError, BrokenPipeError):
                return True
        return False


def connect_refused(path, timeout=5.0):
    """Connects and reports whether pktd closed the connection without sending a byte (what a peer
    without a role sees). Returns True/False; connect() itself succeeds either way."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        try:
            s.sendall(b'{"method":"org.varlink.service.GetInfo"}\0')
        except (BrokenPipeError, ConnectionResetError):
            return True
        try:
            data = s.recv(1 << 16)
        except ConnectionResetError:
            return True
        return data == b""
    finally:
        s.close()


def run_as(uid, gid, groups, fn, timeout=30.0):
    """Runs @fn() in a forked child with the given real/effective/saved uid and gid and supplementary
    @groups, and returns its result (JSON round trip). Raises RuntimeError with the child's exception
    text, or on timeout (the child is killed)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups(list(groups))
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            out = json.dumps({"ok": fn()})
        except BaseException as e:  # report anything, the child must never return into the test
            out = json.dumps({"exc": f"{type(e).__name__}: {e}"})
        try:
            data = out.encode()
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("run_as: child timed out")
            rr, _, _ = select.select([r], [], [], left)
            if not rr:
                continue
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    res = json.loads(b"".join(chunks) or b'{"exc": "child wrote nothing"}')
    if "exc" in res:
        raise RuntimeError("run_as: " + res["exc"])
    return res["ok"]
