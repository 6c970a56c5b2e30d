#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""pktd, run with the credentials pktd.service gives it and traced with strace, does nothing the unit's
sandbox would refuse.

Nothing here can start pktd.service itself (no systemd as PID 1 on the build machines), so the test
puts pktd in the unit's shoes and watches it:

  strace -f -o TRACE  unshare -m  (bind a fake journald socket over /run/systemd)
      systemd-socket-activate -l DIR/api.sock -E NOTIFY_SOCKET -E WATCHDOG_USEC -E JOURNAL_STREAM
      setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all,+net_raw
              --ambient-caps=+net_raw --bounding-set=-all,+net_raw --no-new-privs
      pktd --config DIR/pktd.conf

i.e. socket-activated, a non-root user holding CAP_NET_RAW as an ambient capability and nothing else
in its bounding set, NoNewPrivileges, stderr the "journal". It then serves every kind of call there is
(GetInfo, GetInterfaceDescription, GetStatus, ListClients, ListInterfaces over netlink, Build,
Dissect, a malformed frame, a call it refuses), reloads on SIGHUP and stops on SIGTERM. Checked:

  - pktd accepts those credentials (starts, serves, exits 0) and keeps exactly them;
  - every system call it made after its execve is in the unit's SystemCallFilter= (expanded with
    `systemd-analyze syscall-filter`, allow list minus the ~ lines);
  - every socket it created is of a family in RestrictAddressFamilies=;
  - it opened nothing for writing (ProtectSystem=strict; /dev/null and the like excepted), nothing in
    /home, /root or /run/user (ProtectHome=), no /proc file but its own process's (ProcSubset=pid,
    ProtectProc=invisible) and no device but the pseudo-devices PrivateDevices= leaves;
  - its log lines reached the journal socket.

Needs root, strace, setpriv, unshare and systemd-socket-activate; exits 77 without them, and in a
sanitizer build (the sanitizer runtime makes calls of its own that are no business of the unit).

usage: test_systemd_sandbox.py PKTD_BINARY UNITDIR
"""

import base64
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktd_harness import Client  # noqa: E402

SKIP = 77
NOBODY = 65534
CAP_NET_RAW = 13
CONFIG = """\
[roles]
admin = user:root
"""
# What systemd always allows in allow-list mode (systemd.exec(5), SystemCallFilter=), on top of the
# list: the calls needed to run the service at all.
IMPLICIT = {"execve", "exit", "exit_group", "getrlimit", "rt_sigreturn", "sigreturn"}
# Device nodes PrivateDevices= leaves in the private /dev.
DEV_OK = re.compile(r"^/dev/(null|zero|full|random|urandom|tty|ptmx|pts(/.*)?|shm(/.*)?|"
                    r"mqueue(/.*)?|hugepages(/.*)?|log|stdin|stdout|stderr|fd(/.*)?)$")
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def which(name):
    for d in os.environ.get("PATH", "").split(":") + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]:
        p = os.path.join(d, name)
        if d and os.access(p, os.X_OK):
            return p
    return None


def unit_values(unitdir, key):
    """The values of every `key=` line of pktd.service, in order."""
    out = []
    with open(os.path.join(unitdir, "pktd.service")) as f:
        for line in f:
            if line.startswith(key + "="):
                out.append(line.strip()[len(key) + 1:])
    return out


_groups = {}


def expand(name):
    """A syscall name, or every name in an @group (recursively), per this systemd."""
    if not name.startswith("@"):
        return {name}
    if name not in _groups:
        p = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager", name],
                           capture_output=True, text=True, timeout=30)
        check(p.returncode == 0, f"systemd-analyze syscall-filter {name}: {p.stderr}")
        names = set()
        for line in p.stdout.splitlines()[1:]:
            tok = line.strip()
            if not tok or tok.startswith("#"):
                continue
            names |= expand(tok)
        check(names, f"{name} expanded to nothing")
        _groups[name] = names
    return _groups[name]


def allowed_syscalls(unitdir):
    lines = unit_values(unitdir, "SystemCallFilter")
    check(lines and not lines[0].startswith("~"),
          "pktd.service's first SystemCallFilter= is not an allow list")
    allowed = set(IMPLICIT)
    for v in lines:
        deny = v.startswith("~")
        names = set()
        for tok in v.lstrip("~").split():
            names |= expand(tok)
        allowed = allowed - names if deny else allowed | names
    return allowed


def trace_after_exec(trace_path, pktd):
    """The trace lines after pktd's successful execve (its pid: the whole chain execs in place)."""
    with open(trace_path, errors="replace") as f:
        lines = f.readlines()
    start = None
    exec_re = re.compile(r'^\d+\s+execve\("' + re.escape(pktd) + r'", .*\) = 0$')
    for i, line in enumerate(lines):
        if exec_re.match(line.rstrip("\n")):
            start = i + 1
    check(start is not None, f"no successful execve of {pktd} in the trace")
    return lines[start:]


def check_trace(lines, unitdir, pid):
    allowed = allowed_syscalls(unitdir)
    families = set(unit_values(unitdir, "RestrictAddressFamilies")[0].split())
    used = {}
    problems = []
    call_re = re.compile(r"^\d+\s+(?:<\.\.\. )?([a-z_0-9]+)(?:\(| resumed>)")
    for line in lines:
        m = call_re.match(line)
        if not m:
            continue
        name = m.group(1)
        used[name] = used.get(name, 0) + 1
        if name == "socket":
            fam = re.match(r"^\d+\s+socket\((AF_[A-Z0-9]+)", line)
            if fam and fam.group(1) not in families:
                problems.append(f"socket of a family outside RestrictAddressFamilies=: {line.strip()}")
        if name in ("open", "openat", "openat2", "creat"):
            pm = re.search(r'"([^"]*)"', line)
            if not pm or " = -1 " in line:
                continue
            path = pm.group(1)
            if not path.startswith("/"):
                continue  # relative to a dir fd opened (and checked) before
            if any(flag in line for flag in WRITE_FLAGS) and not DEV_OK.match(path):
                problems.append(f"opened for writing (ProtectSystem=strict): {line.strip()}")
            if re.match(r"^/(home|root|run/user)(/|$)", path):
                problems.append(f"home directories (ProtectHome=): {line.strip()}")
            pm2 = re.match(r"^/proc/([^/]+)", path)
            if pm2 and pm2.group(1) not in ("self", "thread-self", str(pid)):
                problems.append(f"/proc beyond its own process (ProcSubset=pid, ProtectProc=): "
                                f"{line.strip()}")
            if path.startswith("/dev/") and not DEV_OK.match(path):
                problems.append(f"a device (PrivateDevices=): {line.strip()}")
    outside = sorted(set(used) - allowed)
    for name in outside:
        problems.append(f"system call outside SystemCallFilter=: {name} ({used[name]} times)")
    return used, problems


def call(path, method, params=None):
    with Client(path) as c:
        r = c.call(method, params)
    check(r is not None, f"{method}: connection closed without a reply")
    return r


def exercise(api):
    """One of each kind of call; returns nothing, fails on a wrong answer."""
    ok = lambda r, what: check("parameters" in r, f"{what}: {r}")  # noqa: E731
    ok(call(api, "org.varlink.service.GetInfo"), "GetInfo")
    ok(call(api, "org.varlink.service.GetInterfaceDescription", {"interface": "io.pktd.Packet"}),
       "GetInterfaceDescription")
    ok(call(api, "io.pktd.Daemon.GetStatus"), "GetStatus")
    ok(call(api, "io.pktd.Daemon.ListClients"), "ListClients")
    r = call(api, "io.pktd.Capture.ListInterfaces")
    ok(r, "ListInterfaces")
    check(any(i.get("name") == "lo" for i in r["parameters"]["interfaces"]), f"no lo: {r}")
    r = call(api, "io.pktd.Packet.Build", {"spec": "ip(dst=192.0.2.2)/icmp(type=8)/echo(id=1)"})
    ok(r, "Build")
    data = r["parameters"]["data"]
    check(base64.b64decode(data)[:1] == b"\x45", f"Build: not an IPv4 packet: {r}")
    ok(call(api, "io.pktd.Packet.Dissect", {"data": data, "first": "ip"}), "Dissect")
    r = call(api, "io.pktd.Packet.Dissect", {"data": 42})
    check(r.get("error") == "org.varlink.service.InvalidParameter", f"bad Dissect: {r}")
    with Client(api) as c:
        c.send_raw(b'{"method": \0')
        r = c.recv()
        check(r is None or "error" in r, f"malformed frame answered {r}")


def run(pktd, unitdir, tmp):
    api = os.path.join(tmp, "api.sock")
    conf = os.path.join(tmp, "pktd.conf")
    with open(conf, "w") as f:
        f.write(CONFIG)
    os.chmod(conf, 0o644)
    # A stand-in for /run/systemd: journal/socket (pktd's log) and notify (readiness).
    rs = os.path.join(tmp, "run-systemd")
    os.makedirs(os.path.join(rs, "journal"))
    os.chmod(rs, 0o755)
    os.chmod(os.path.join(rs, "journal"), 0o755)
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
    journal.bind(os.path.join(rs, "journal", "socket"))
    os.chmod(os.path.join(rs, "journal", "socket"), 0o666)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
    notify_path = os.path.join(rs, "notify")
    notify.bind(notify_path)
    os.chmod(notify_path, 0o666)
    trace = os.path.join(tmp, "trace.txt")
    log_path = os.path.join(tmp, "stderr.log")
    log = open(log_path, "wb")
    st = os.fstat(log.fileno())
    setpriv = which("setpriv")
    inner = [which("systemd-socket-activate"), "-l", api,
             "-E", "NOTIFY_SOCKET=/run/systemd/notify", "-E", "WATCHDOG_USEC=1000000",
             "-E", f"JOURNAL_STREAM={st.st_dev}:{st.st_ino}",
             setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
             "--inh-caps=-all,+net_raw", "--ambient-caps=+net_raw", "--bounding-set=-all,+net_raw",
             "--no-new-privs", "--", pktd, "--config", conf]
    script = f'mount --bind {rs} /run/systemd && exec "$@"'
    cmd = [which("strace"), "-f", "-qq", "-o", trace, "--", which("unshare"), "--mount",
           "--propagation", "private", "sh", "-c", script, "sh"] + inner
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    pid = None
    journal_msgs = []
    try:
        deadline = time.monotonic() + 15
        while not os.path.exists(api):
            check(proc.poll() is None, f"exited {proc.returncode} before listening")
            check(time.monotonic() < deadline, "the socket was not created within 15 s")
            time.sleep(0.02)
        exercise(api)  # the first connection execs pktd
        # pktd is strace's child: find it by its command line, under strace's pid.
        deadline = time.monotonic() + 10
        while pid is None:
            for p in os.listdir("/proc"):
                if not p.isdigit():
                    continue
                try:
                    with open(f"/proc/{p}/status") as f:
                        ppid = [ln for ln in f if ln.startswith("PPid:")][0].split()[1]
                    exe = os.readlink(f"/proc/{p}/exe")
                except OSError:
                    continue
                if ppid == str(proc.pid) and exe == os.path.realpath(pktd):
                    pid = int(p)
            check(pid is not None or time.monotonic() < deadline, "pktd's process not found")
            time.sleep(0.02)
        status = {}
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                status[k] = v.strip()
        check(status["Uid"].split() == [str(NOBODY)] * 4, f"Uid {status['Uid']}")
        for k in ("CapEff", "CapPrm", "CapBnd", "CapAmb"):
            check(int(status[k], 16) == 1 << CAP_NET_RAW, f"{k} {status[k]}: not CAP_NET_RAW alone")
        check(status["NoNewPrivs"] == "1", "NoNewPrivs is not set")

        os.kill(pid, signal.SIGHUP)
        time.sleep(0.3)
        exercise(api)
        os.kill(pid, signal.SIGTERM)
        try:
            rc = proc.wait(15)
        except subprocess.TimeoutExpired:
            raise Failure("pktd did not exit within 15 s of SIGTERM")
        check(rc == 0, f"pktd exited {rc}")
        while select.select([journal], [], [], 0)[0]:
            journal_msgs.append(journal.recv(65536))
        check(any(b"PKTD_METHOD=io.pktd.Capture.ListInterfaces" in m for m in journal_msgs),
              f"no ListInterfaces call logged to the journal socket ({len(journal_msgs)} messages)")
        used, problems = check_trace(trace_after_exec(trace, pktd), unitdir, pid)
        sys.stderr.write("system calls pktd made: " +
                         " ".join(f"{k}:{v}" for k, v in sorted(used.items())) + "\n")
        check(not problems, "the unit's sandbox would refuse:\n  " + "\n  ".join(problems))
    finally:
        if proc.poll() is None:
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.kill()
            proc.wait(10)
        journal.close()
        notify.close()
        log.close()
        with open(log_path, "rb") as f:
            sys.stderr.write("--- output ---\n" + f.read().decode("utf-8", "replace"))


def main():
    if len(sys.argv) != 3:
        print("usage: test_systemd_sandbox.py PKTD_BINARY UNITDIR", file=sys.stderr)
        return 2
    pktd, unitdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not os.access(pktd, os.X_OK):
        print(f"SKIP: pktd is not built ({pktd!r})", file=sys.stderr)
        return SKIP
    if os.environ.get("PKTD_SANITIZE", "0") not in ("", "0"):
        print("SKIP: sanitizer build (its runtime's own system calls are not pktd's)", file=sys.stderr)
        return SKIP
    if os.geteuid() != 0:
        print("SKIP: needs root (setpriv to another uid, unshare -m)", file=sys.stderr)
        return SKIP
    for tool in ("strace", "setpriv", "unshare", "systemd-socket-activate", "systemd-analyze"):
        if which(tool) is None:
            print(f"SKIP: {tool} is not installed", file=sys.stderr)
            return SKIP
    probe = subprocess.run([which("strace"), "-qq", "-o", "/dev/null", "true"], capture_output=True,
                           timeout=10)
    if probe.returncode != 0:
        print(f"SKIP: strace cannot trace here: {probe.stderr.decode(errors='replace')}",
              file=sys.stderr)
        return SKIP
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True, timeout=10).returncode:
        print("SKIP: cannot create a mount namespace here", file=sys.stderr)
        return SKIP
    if not os.path.isdir("/run/systemd"):
        print("SKIP: no /run/systemd to put the fake journal over", file=sys.stderr)
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pktd-sandbox-")
    os.chmod(tmp, 0o755)
    try:
        run(pktd, unitdir, tmp)
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: with the unit's user, capabilities and no_new_privs, pktd served every kind of call, "
          "reloaded and stopped making only calls the unit's sandbox allows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
