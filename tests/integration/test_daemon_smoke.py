# SPDX-License-Identifier: BSD-3-Clause
"""pktd smoke test (daemon-core): start, GetInfo, reload (signal and method, good and bad config),
SIGTERM exits 0 and removes its socket; command-line errors; as root, the privilege drop to a user
with CAP_NET_RAW only, and a refusal when that user does not exist.

    python3 tests/integration/test_daemon_smoke.py build/daemon/pktd
"""

import os
import signal
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktd_harness import Client, Pktd, SKIP, find_pktd  # noqa: E402

PKTD = None
CAP_NET_RAW = 13

CONFIG = """\
[roles]
admin = user:0
capture =
inject =
[limits]
connections = 50
[daemon]
allowRoot = yes
"""


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def wait_for(pred, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def test_get_info_then_sigterm_exits_0_and_removes_the_socket():
    d = Pktd(PKTD, config=CONFIG)
    with d:
        with Client(d.socket) as c:
            r = c.call("org.varlink.service.GetInfo")
            check("error" not in r, r)
            p = r["parameters"]
            check(p["product"] == "pktd", p)
            for iface in ("io.pktd.Packet", "io.pktd.Capture", "io.pktd.Inject", "io.pktd.Daemon",
                          "org.varlink.service"):
                check(iface in p["interfaces"], p["interfaces"])
            r = c.call("io.pktd.Daemon.GetStatus")
            check(r["parameters"]["limits"]["connections"] == 50, r)
            check(r["parameters"]["connections"] == 1, r)
        sock = d.socket
        rc = d.stop()
        check(rc == 0, f"exit {rc}: {d.stderr}")
        check(not os.path.exists(sock), "socket left behind")
        check("ready" in d.stderr and "stopped" in d.stderr, d.stderr)


def test_sigterm_with_a_client_connected_still_exits_0():
    with Pktd(PKTD, config=CONFIG) as d:
        c = Client(d.socket)
        check("error" not in c.call("org.varlink.service.GetInfo"), "GetInfo")
        rc = d.stop(timeout=10)
        check(rc == 0, f"exit {rc}: {d.stderr}")
        check(c.closed_by_peer(2), "client not closed")
        c.close()


def test_sigterm_with_unread_replies_exits_0_within_the_drain_bound():
    """A client with replies queued that never reads must not hold pktd's exit up: each connection
    gets 2 s to take its replies (all of them 5 s at most) and the exit status is still 0."""
    import socket
    with Pktd(PKTD, config=CONFIG) as d:
        hog = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        hog.connect(d.socket)
        call = b'{"method":"org.varlink.service.GetInterfaceDescription",' \
               b'"parameters":{"interface":"io.pktd.Packet"}}\0'
        hog.sendall(call * 200)   # ~1 MB of replies, far more than the socket buffers hold
        with Client(d.socket) as c:
            def hog_waits():
                clients = c.call("io.pktd.Daemon.ListClients")["parameters"]["clients"]
                return any(x["calls"] == 200 and x["outputQueued"] > 0 for x in clients)
            check(wait_for(hog_waits, 5), "the hog's replies never queued up")
        t0 = time.monotonic()
        rc = d.stop(timeout=15)
        took = time.monotonic() - t0
        hog.close()
        check(rc == 0, f"exit {rc}: {d.stderr}")
        check(took < 8, f"SIGTERM took {took:.1f} s")
        check("replies not read within" in d.stderr, d.stderr)


def test_sighup_with_a_bad_config_keeps_the_old_one():
    with Pktd(PKTD, config=CONFIG) as d:
        d.write_config(CONFIG + "[limits\n")
        d.reload()
        check(wait_for(lambda: "keeping the configuration" in open(d._stderr_path).read()),
              "no reload failure logged")
        with Client(d.socket) as c:
            r = c.call("io.pktd.Daemon.GetStatus")
            check(r["parameters"]["limits"]["connections"] == 50, r)
        d.write_config(CONFIG.replace("connections = 50", "connections = 60"))
        d.reload()
        check(wait_for(lambda: "reloaded" in open(d._stderr_path).read()), "no reload logged")
        with Client(d.socket) as c:
            r = c.call("io.pktd.Daemon.GetStatus")
            check(r["parameters"]["limits"]["connections"] == 60, r)
        check(d.stop() == 0, d.stderr)


def test_reload_method_answers_bad_config_with_the_line():
    with Pktd(PKTD, config=CONFIG) as d:
        with Client(d.socket) as c:
            d.write_config(CONFIG + "[limits]\nbogus = 1\n")
            r = c.call("io.pktd.Daemon.Reload")
            check(r.get("error") == "io.pktd.Daemon.BadConfig", r)
            check(r["parameters"]["line"] == 10, r)
            check("bogus" in r["parameters"]["message"], r)
            check(d.config not in r["parameters"]["message"], "path leaked into the reply")
            d.write_config(CONFIG)
            r = c.call("io.pktd.Daemon.Reload")
            check(r == {"parameters": {}}, r)
            # still serving on the same connection
            check("error" not in c.call("org.varlink.service.GetInfo"), "GetInfo after reload")
        check(d.stop() == 0, d.stderr)


def test_reload_that_removes_a_client_s_role_closes_it():
    cfg = CONFIG.replace("capture =", "capture = group:64100")
    with Pktd(PKTD, config=cfg) as d:
        with Client(d.socket) as c:
            d.write_config(cfg.replace("admin = user:0", "admin ="))
            r = c.call("io.pktd.Daemon.Reload")
            check(r == {"parameters": {}}, r)   # the reply still arrives ...
            check(c.closed_by_peer(3), "revoked client still connected")  # ... then the close
        check(d.stop() == 0, d.stderr)


def run(args, timeout=10):
    p = subprocess.run([PKTD] + args, capture_output=True, timeout=timeout, text=True,
                       env={k: v for k, v in os.environ.items()
                            if k not in ("LISTEN_FDS", "LISTEN_PID", "NOTIFY_SOCKET")})
    return p.returncode, p.stdout + p.stderr


def test_command_line():
    rc, out = run(["--version"])
    check(rc == 0 and out.startswith("pktd "), out)
    rc, out = run(["--help"])
    check(rc == 0 and "--listen" in out, out)
    rc, out = run(["--bogus"])
    check(rc == 2, out)
    rc, out = run(["extra"])
    check(rc == 2, out)
    rc, out = run(["--config", "/nonexistent-pktd/pktd.conf", "--listen", "/nonexistent-pktd/s"])
    check(rc == 1 and "does not exist" in out, out)


def test_listen_refuses_to_replace_a_file_that_is_not_a_socket():
    import tempfile
    with tempfile.TemporaryDirectory() as t:
        path = os.path.join(t, "api.sock")
        with open(path, "w") as f:
            f.write("precious")
        conf = os.path.join(t, "c.conf")
        with open(conf, "w") as f:
            f.write(CONFIG)
        rc, out = run(["--listen", path, "--config", conf, "--allow-root"])
        check(rc == 1 and "not a socket" in out, out)
        check(open(path).read() == "precious", "file replaced")


def test_root_without_allow_root_drops_to_the_user_with_cap_net_raw_only():
    if os.geteuid() != 0:
        print("  (skipped: needs root)")
        return
    cfg = CONFIG.replace("allowRoot = yes", "allowRoot = no\nuser = nobody")
    d = Pktd(PKTD, config=cfg, allow_root=False)
    with d:
        os.chmod(d.config, 0o644)
        # pktd listens before it drops privileges (it binds as root): allow it the moment in between.
        deadline = time.monotonic() + 5
        st = proc_status(d.pid)
        while st["Uid"].split() != ["65534"] * 4 and time.monotonic() < deadline:
            time.sleep(0.02)
            st = proc_status(d.pid)
        check(st["Uid"].split() == ["65534"] * 4, st["Uid"])
        check(st["Gid"].split()[0] == "65534", st["Gid"])
        check(st["Groups"] == "65534", st["Groups"])
        check(int(st["CapEff"], 16) == 1 << CAP_NET_RAW, st["CapEff"])
        check(int(st["CapPrm"], 16) == 1 << CAP_NET_RAW, st["CapPrm"])
        check(int(st["CapBnd"], 16) == 1 << CAP_NET_RAW, st["CapBnd"])
        check(int(st["CapAmb"], 16) == 0, st["CapAmb"])
        check(st["NoNewPrivs"] == "1", st["NoNewPrivs"])
        with Client(d.socket) as c:   # root (admin) still talks to it
            check("error" not in c.call("org.varlink.service.GetInfo"), "GetInfo")
        rc = d.stop()
        check(rc == 0, f"exit {rc}: {d.stderr}")
        check("CAP_NET_RAW only" in d.stderr, d.stderr)


def test_root_refuses_to_start_when_the_user_does_not_exist():
    if os.geteuid() != 0:
        print("  (skipped: needs root)")
        return
    cfg = CONFIG.replace("allowRoot = yes", "allowRoot = no\nuser = no-such-pktd-user")
    d = Pktd(PKTD, config=cfg, allow_root=False, start_timeout=5)
    try:
        d.start()
        raise AssertionError("pktd started")
    except RuntimeError as e:
        check("does not exist" in str(e) and "--allow-root" in str(e), str(e))
        check(d.returncode == 1, d.returncode)
        # Refused before any socket existed, so no client could take it for started.
        check(not os.path.exists(d.socket), "the socket was created")
    finally:
        d.cleanup()


def journal_child(pktd):
    """Runs inside `unshare -m`: a private /run with a fake journald socket, pktd with stderr a
    file whose dev:ino is in JOURNAL_STREAM. pktd must log to the socket with its fields."""
    import socket
    import tempfile
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run"], check=True)
    os.makedirs("/run/systemd/journal")
    j = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    j.bind("/run/systemd/journal/socket")
    j.settimeout(5)
    with tempfile.TemporaryDirectory() as t:
        sock, conf, err = (os.path.join(t, n) for n in ("api.sock", "c.conf", "stderr"))
        with open(conf, "w") as f:
            f.write(CONFIG)
        ef = open(err, "wb")
        st = os.fstat(ef.fileno())
        env = {k: v for k, v in os.environ.items() if k not in ("LISTEN_FDS", "LISTEN_PID", "NOTIFY_SOCKET")}
        env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        p = subprocess.Popen([pktd, "--listen", sock, "--config", conf, "--allow-root"],
                             stdout=ef, stderr=ef, env=env)
        try:
            # The socket file exists from bind() on, before listen(): wait until it accepts, as
            # Pktd.wait_ready() does (connecting at the first sight of the file raced).
            def accepts():
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.connect(sock)
                    return True
                except OSError:
                    return False
            check(wait_for(accepts, 10), "no socket accepting connections")
            with Client(sock) as c:
                r = c.call("io.pktd.Capture.ListInterfaces")
                check("error" not in r, r)
            entries = []
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    entries.append(j.recv(1 << 16))
                except socket.timeout:
                    break
                if any(b"PKTD_METHOD=io.pktd.Capture.ListInterfaces" in e for e in entries):
                    break
            call = [e for e in entries if b"PKTD_METHOD=io.pktd.Capture.ListInterfaces" in e]
            check(call, f"no journal entry for the call: {entries!r}")
            fields = call[0].split(b"\n")
            check(b"PKTD_UID=0" in fields, fields)
            check(f"PKTD_PID={os.getpid()}".encode() in fields, fields)
            check(any(f.startswith(b"PRIORITY=") for f in fields), fields)
            check(any(f.startswith(b"MESSAGE=call io.pktd.Capture.ListInterfaces") for f in fields), fields)
        finally:
            p.send_signal(signal.SIGTERM)
            rc = p.wait(10)
        ef.close()
        check(rc == 0, rc)
        check(open(err, "rb").read() == b"", "pktd wrote to stderr although it is the journal")


def test_journal_fields_when_stderr_is_the_journal():
    if os.geteuid() != 0 or subprocess.run(["which", "unshare"], capture_output=True).returncode:
        print("  (skipped: needs root and unshare)")
        return
    p = subprocess.run(["unshare", "-m", sys.executable, os.path.abspath(__file__), "--journal-child",
                        PKTD], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, p.stdout + p.stderr)


def main():
    global PKTD
    if len(sys.argv) == 3 and sys.argv[1] == "--journal-child":
        journal_child(sys.argv[2])
        return
    PKTD = find_pktd()
    failed = 0
    for name, fn in sorted(globals().items()):
        if not name.startswith("test_") or not callable(fn):
            continue
        try:
            fn()
            print(f"ok   {name}")
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
