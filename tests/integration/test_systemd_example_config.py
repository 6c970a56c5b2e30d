#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""systemd/pktd.conf.example and systemd/pktd.sysusers, with the real pktd started as root by hand:

  - pktd accepts the example as it is (no --allow-root), drops to the sysusers user pktd with
    CAP_NET_RAW alone (effective, permitted, bounding; nothing ambient; no_new_privs);
  - its roles do what the comments say: root is admin (ListClients), a member of group pktd may call
    GetStatus but not the admin-only ListClients, a uid with neither gets no service at all;
  - its [limits] are the built-in defaults it claims to be: the limits GetStatus reports equal those
    of a pktd that finds no /etc/pktd/pktd.conf.

The host is left alone: pktd runs in a private mount namespace (unshare -m) in which /etc/passwd and
/etc/group are copies with pktd.sysusers applied by systemd-sysusers --root, and /etc/pktd is an
empty directory. Needs root, unshare and systemd-sysusers; exits 77 without them.

usage: test_systemd_example_config.py PKTD_BINARY
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktd_harness import Client, run_as  # noqa: E402

SKIP = 77
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "systemd")
EXAMPLE = os.path.abspath(os.path.join(SRC, "pktd.conf.example"))
SYSUSERS = os.path.abspath(os.path.join(SRC, "pktd.sysusers"))
CAP_NET_RAW = 13
NOBODY = 65534


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def which(name):
    for d in os.environ.get("PATH", "").split(":") + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]:
        if d and os.access(os.path.join(d, name), os.X_OK):
            return os.path.join(d, name)
    return None


def fake_root(tmp):
    """tmp/root/etc with the host's account files plus pktd.sysusers; returns (root, uid, gid, gids)."""
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "etc"))
    for f in ("passwd", "group", "shadow", "gshadow"):
        if os.path.exists(f"/etc/{f}"):
            shutil.copy2(f"/etc/{f}", os.path.join(root, "etc", f))
    with open(SYSUSERS, "rb") as f:
        p = subprocess.run(["systemd-sysusers", f"--root={root}", "-"], stdin=f,
                           capture_output=True, timeout=30)
    check(p.returncode == 0, f"systemd-sysusers failed: {p.stderr.decode(errors='replace')}")
    users = {}
    with open(os.path.join(root, "etc", "passwd")) as f:
        for line in f:
            c = line.rstrip("\n").split(":")
            users[c[0]] = (int(c[2]), int(c[3]))
    groups = {}
    with open(os.path.join(root, "etc", "group")) as f:
        for line in f:
            c = line.rstrip("\n").split(":")
            groups[c[0]] = int(c[2])
    check("pktd" in users and "pktd" in groups and "pktd-inject" in groups,
          "pktd.sysusers did not create user pktd and groups pktd, pktd-inject")
    return root, users["pktd"][0], users["pktd"][1], groups


class Daemon:
    """pktd in a private mount namespace with the fake account files (and, optionally, /etc/pktd
    masked by an empty directory)."""

    def __init__(self, pktd, root, tmp, name, args, mask_etc_pktd):
        self.socket = os.path.join(tmp, f"{name}.sock")
        self.log_path = os.path.join(tmp, f"{name}.log")
        mounts = [f"mount --bind {root}/etc/passwd /etc/passwd",
                  f"mount --bind {root}/etc/group /etc/group"]
        if mask_etc_pktd and os.path.isdir("/etc/pktd"):
            empty = os.path.join(tmp, "empty")
            os.makedirs(empty, exist_ok=True)
            mounts.append(f"mount --bind {empty} /etc/pktd")
        script = " && ".join(mounts) + ' && exec "$@"'
        # unshare and sh exec in turn, so the pid Popen sees is pktd's.
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", pktd,
               "--listen", self.socket] + args
        env = {k: v for k, v in os.environ.items()
               if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS",
                            "LISTEN_PID", "LISTEN_FDNAMES", "JOURNAL_STREAM")}
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, env=env)
        deadline = time.monotonic() + 10
        while True:
            check(self.proc.poll() is None,
                  f"pktd {' '.join(args)} exited {self.proc.returncode}:\n{self.output()}")
            check(time.monotonic() < deadline, f"pktd did not listen within 10 s:\n{self.output()}")
            if os.path.exists(self.socket):
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.settimeout(1)
                        s.connect(self.socket)
                    break
                except OSError:
                    pass
            time.sleep(0.02)

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def status(self):
        st = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                st[k] = v.strip()
        return st

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise Failure("pktd did not exit within 10 s of SIGTERM")
        self.log.close()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        if not self.log.closed:
            self.log.close()


def call(path, method):
    """One call on a new connection: the reply, or {"closed": why} when pktd would not talk."""
    try:
        with Client(path) as c:
            r = c.call(method)
    except OSError as e:
        return {"closed": f"{type(e).__name__}: {e}"}
    return {"closed": "connection closed without a reply"} if r is None else r


def check_dropped(d, uid, gid):
    st = d.status()
    check(st["Uid"].split() == [str(uid)] * 4, f"Uid {st['Uid']}, expected pktd ({uid})")
    check(st["Gid"].split() == [str(gid)] * 4, f"Gid {st['Gid']}, expected pktd ({gid})")
    check(st["Groups"].split() in ([str(gid)], []), f"supplementary groups {st['Groups']}")
    for k in ("CapEff", "CapPrm", "CapBnd"):
        check(int(st[k], 16) == 1 << CAP_NET_RAW, f"{k} {st[k]}, expected CAP_NET_RAW alone")
    for k in ("CapInh", "CapAmb"):
        check(int(st[k], 16) == 0, f"{k} {st[k]}, expected none")
    check(st["NoNewPrivs"] == "1", f"NoNewPrivs {st['NoNewPrivs']}")


def call_as(d, uid, gid, groups, method):
    return run_as(uid, gid, groups, lambda: call(d.socket, method))


def check_roles(d, groups):
    """Root is admin, group pktd has capture (not admin), nobody in no group gets nothing."""
    r = call(d.socket, "io.pktd.Daemon.ListClients")
    check("parameters" in r, f"root's ListClients failed: {r}")
    member = (NOBODY, NOBODY, [groups["pktd"]])
    r = call_as(d, *member, "io.pktd.Daemon.GetStatus")
    check("parameters" in r, f"a member of pktd could not GetStatus: {r}")
    r = call_as(d, *member, "io.pktd.Daemon.ListClients")
    check(r.get("error") == "org.varlink.service.PermissionDenied",
          f"a member of pktd got {r} from the admin-only ListClients")
    r = call_as(d, NOBODY, NOBODY, [], "io.pktd.Daemon.GetStatus")
    check("closed" in r or r.get("error") == "org.varlink.service.PermissionDenied",
          f"a uid in no pktd group got {r}")


def run(pktd, tmp):
    root, uid, gid, groups = fake_root(tmp)
    limits = {}
    for name, args in (("example", ["--config", EXAMPLE]), ("defaults", [])):
        d = Daemon(pktd, root, tmp, name, args, mask_etc_pktd=True)
        try:
            # pktd listens before it drops privileges (it binds as root), so a connect can succeed in
            # between; an answer comes only from the event loop, which starts after the drop.
            r = call(d.socket, "io.pktd.Daemon.GetStatus")
            check("parameters" in r, f"root's GetStatus failed: {r}")
            check_dropped(d, uid, gid)
            limits[name] = r["parameters"]["limits"]
            check_roles(d, groups)
            rc = d.stop()
            check(rc == 0, f"pktd {name} exited {rc}:\n{d.output()}")
            out = d.output()
            check("AddressSanitizer" not in out and "runtime error:" not in out,
                  f"sanitizer report:\n{out}")
        except BaseException:
            d.kill()
            sys.stderr.write(f"--- pktd ({name}) output ---\n{d.output()}")
            raise
    check(limits["example"] == limits["defaults"],
          f"pktd.conf.example's limits {limits['example']} differ from the built-in defaults "
          f"{limits['defaults']}")


def main():
    pktd = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PKTD_BIN", "")
    if not pktd or not os.access(pktd, os.X_OK):
        print(f"SKIP: pktd is not built ({pktd!r})", file=sys.stderr)
        return SKIP
    if os.geteuid() != 0:
        print("SKIP: needs root (pktd drops privileges; unshare -m)", file=sys.stderr)
        return SKIP
    for tool in ("unshare", "systemd-sysusers"):
        if which(tool) is None:
            print(f"SKIP: {tool} is not installed", file=sys.stderr)
            return SKIP
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True, timeout=10).returncode:
        print("SKIP: cannot create a mount namespace here", file=sys.stderr)
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pktd-example-")
    os.chmod(tmp, 0o755)  # other uids (run_as) reach the sockets inside
    try:
        run(pktd, tmp)
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: pktd.conf.example accepted, pktd dropped to the sysusers user with CAP_NET_RAW only, "
          "roles as documented, limits equal the built-in defaults")
    return 0


if __name__ == "__main__":
    sys.exit(main())
