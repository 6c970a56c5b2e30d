# SPDX-License-Identifier: BSD-3-Clause
"""pktctl's capture and injection commands (watch, send, replay, sr) against the real pktd.

    test_pktctl_capture.py PKTD PKTCTL

The whole test runs in a private network namespace of its own (unshare -n, loopback only, brought
up here): every packet sent goes to that namespace's lo and nowhere else, and the host's lo sees
nothing. pktd runs there with --allow-root and a config making root admin (pktd_harness.Pktd).
Every command is bounded in time (subprocess timeouts, -c, --duration, --timeout); pktd is stopped
and every pktctl started is killed whatever happens.

What must hold: watch -r on corpus files prints what pktctl read prints (the packet count, and
--json objects equal to read --json's), honours -c and a filter; a bad filter is exit 1 with
BadFilter; -w writes a pcap equal to the source; watch -i lo sees the pings send sends; sr answers
an ICMP echo on lo (exit 0, a "reply from" line with rtt) and reports a probe nobody answers (exit 1);
sr's errors are exit 2; Ctrl-C on watch prints the totals and exits 0; replay sends a file's packets;
pktd stopping under a watch is said as such; as a user with the capture role only, watch -r reads what
that user may read and nothing else, send and sr are PermissionDenied. Against a scripted fake pktd:
the exact calls (parameters, more:true, the one descriptor passed), in-band drops, totals, sr's lines.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktd_harness import Pktd, SKIP, find_pktd  # noqa: E402

CORPUS = os.environ.get("PKTD_CORPUS_DIR",
                        os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "corpus"))
CMD_TIMEOUT = 30
NETNS_ENV = "PKTCTL_CAPTURE_TEST_NETNS"

failures = []


def enter_private_netns():
    """Re-runs this script in a new network namespace (loopback only) unless already there."""
    if os.environ.get(NETNS_ENV) == "1":
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=10)
        return
    if os.geteuid() != 0:
        print("SKIP: needs root (a private network namespace, raw sockets)", file=sys.stderr)
        sys.exit(SKIP)
    for tool in ("unshare", "ip"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            print(f"SKIP: no {tool}", file=sys.stderr)
            sys.exit(SKIP)
    env = dict(os.environ, **{NETNS_ENV: "1"})
    try:
        r = subprocess.run(["unshare", "-n", "--", sys.executable, os.path.abspath(__file__)]
                           + sys.argv[1:], env=env, timeout=500)
    except subprocess.TimeoutExpired:
        print("FAIL: the test did not finish within 500 s", file=sys.stderr)
        sys.exit(1)
    sys.exit(r.returncode)


def check(cond, what, detail=""):
    if cond:
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}\n{detail}")
        failures.append(what)


class Ctl:
    def __init__(self, pktctl, socket):
        self.pktctl = pktctl
        self.env = dict(os.environ, PKTD_SOCKET=socket, TZ="UTC")

    def run(self, *args, timeout=CMD_TIMEOUT, stdin=None):
        return subprocess.run([self.pktctl, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, stdin=stdin)

    def start(self, *args):
        return subprocess.Popen([self.pktctl, *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)


def wait_listening(p, timeout=10.0):
    """Reads p's stderr until watch's 'listening on' line (bounded). Returns the line or None."""
    deadline = time.monotonic() + timeout
    os.set_blocking(p.stderr.fileno(), False)
    buf = ""
    while time.monotonic() < deadline:
        try:
            chunk = p.stderr.read()
        except (BlockingIOError, TypeError):
            chunk = None
        if chunk:
            buf += chunk
            for line in buf.splitlines():
                if line.startswith("listening on"):
                    os.set_blocking(p.stderr.fileno(), True)
                    return buf
        if p.poll() is not None:
            break
        time.sleep(0.05)
    os.set_blocking(p.stderr.fileno(), True)
    return None


def finish(p, timeout=15):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate(timeout=5)
        return None, out, err
    return p.returncode, out, err


def without_n(obj):
    return {k: v for k, v in obj.items() if k != "n"}


# ---- watch -r: the daemon dissects a file the client passes ----

def test_watch_file_matches_read(ctl):
    for name in ("dpkt/http.pcap", "dpkt/dns_icmp.pcap", "dpkt/nb6-http.pcap", "tcpdump/OSPFv2_Capture_FINAL.pcapng"):
        path = os.path.join(CORPUS, name)
        if not os.path.exists(path):
            print(f"skip {name}: not in the corpus")
            continue
        read = ctl.run("read", path)
        n_read = len([l for l in read.stdout.splitlines() if l.startswith("#")])
        w = ctl.run("watch", "-r", path)
        lines = w.stdout.splitlines()
        check(w.returncode == 0 and len(lines) == n_read and n_read > 0,
              f"watch -r {name}: one line per packet, as many as read prints ({n_read})",
              f"exit {w.returncode}, {len(lines)} lines\n{w.stderr}")
        check(f"{n_read} packet{'s' if n_read != 1 else ''} captured" in w.stderr,
              f"watch -r {name}: totals on stderr", w.stderr)
        check(all(re.match(r"^\d\d:\d\d:\d\d\.\d{6} \S", l) for l in lines),
              f"watch -r {name}: lines start with a time of day", "\n".join(lines[:3]))

        rj = [json.loads(l) for l in ctl.run("read", "--json", path).stdout.splitlines()]
        wj_run = ctl.run("watch", "-r", path, "--json")
        try:
            wj = [json.loads(l) for l in wj_run.stdout.splitlines()]
        except ValueError as e:
            wj = []
            print(f"not JSON: {e}")
        check(wj_run.returncode == 0 and len(wj) == len(rj)
              and [without_n(o) for o in wj] == [without_n(o) for o in rj]
              and [o["n"] for o in wj] == list(range(1, len(wj) + 1)),
              f"watch -r {name} --json: the objects read --json prints",
              f"exit {wj_run.returncode}: {len(wj)} vs {len(rj)}\n{wj_run.stderr}\n"
              + (f"first watch: {wj[0]}\nfirst read:  {rj[0]}" if wj and rj else ""))


def test_watch_file_count_and_filter(ctl):
    path = os.path.join(CORPUS, "dpkt/http.pcap")
    w = ctl.run("watch", "-r", path, "-c", "5")
    check(w.returncode == 0 and len(w.stdout.splitlines()) == 5 and "5 packets captured" in w.stderr,
          "watch -r -c 5: five lines and '5 packets captured'", f"{w.returncode}\n{w.stdout}{w.stderr}")
    want = [without_n(json.loads(l)) for l in ctl.run("read", "--json", path, "udp").stdout.splitlines()]
    w = ctl.run("watch", "-r", path, "--json", "udp")
    got = [without_n(json.loads(l)) for l in w.stdout.splitlines()] if w.returncode == 0 else None
    check(got == want and len(want) == 2, "watch -r FILE udp: the packets read FILE udp prints",
          f"exit {w.returncode}\n{w.stderr}")
    w = ctl.run("watch", "-r", path, "tcp", "port")
    check(w.returncode == 1 and "BadFilter" in w.stderr and not w.stdout,
          "watch with a bad filter: exit 1 with BadFilter", f"{w.returncode}\n{w.stderr}")


def test_watch_write_pcap_equals_source(ctl, tmp):
    path = os.path.join(CORPUS, "dpkt/dns_icmp.pcap")
    out = os.path.join(tmp, "copy.pcap")
    w = ctl.run("watch", "-r", path, "-w", out)
    check(w.returncode == 0 and not w.stdout and os.path.exists(out),
          "watch -w: writes the file, prints no packets", f"{w.returncode}\n{w.stderr}")
    if os.path.exists(out):
        a = [without_n(json.loads(l)) for l in ctl.run("read", "--json", path).stdout.splitlines()]
        b = [without_n(json.loads(l)) for l in ctl.run("read", "--json", out).stdout.splitlines()]
        check(a == b and a, "watch -w: the pcap holds the source's packets, timestamps and lengths",
              f"{len(a)} vs {len(b)}")


def test_watch_usage_and_missing_file(ctl):
    r = ctl.run("watch")
    check(r.returncode == 2, "watch without -i or -r: exit 2", r.stderr)
    r = ctl.run("watch", "-r", "/nonexistent/x.pcap")
    check(r.returncode == 1 and "/nonexistent/x.pcap" in r.stderr,
          "watch -r of a missing file: exit 1 naming it", r.stderr)
    r = ctl.run("watch", "-r", "/tmp")
    check(r.returncode == 1 and "Is a directory" in r.stderr, "watch -r of a directory: exit 1, said so", r.stderr)
    r = ctl.run("watch", "-i", "lo", "--json", "-w", "/tmp/x.pcap")
    check(r.returncode == 2, "watch --json with -w: exit 2", r.stderr)


# ---- live on lo ----

def test_watch_sees_what_send_sends(ctl):
    flt = "icmp and icmp[icmptype] == icmp-echo and icmp[4:2] == 4660"
    p = ctl.start("watch", "-i", "lo", "-c", "3", "--duration", "20", flt)
    try:
        pre = wait_listening(p)
        check(pre is not None, "watch -i lo: says it is listening", "")
        s = ctl.run("send", "-i", "lo", "-c", "3", "--interval", "50",
                    "ip(dst=127.0.0.1)/icmp(type=8)/echo(id=4660,seq=9)")
        check(s.returncode == 0 and "sent 3 packets" in s.stdout
              and "127.0.0.1 > 127.0.0.1" in s.stdout,
              "send -c 3 on lo (layer 3 from the spec): prints the packet and 'sent 3 packets'",
              f"{s.returncode}\n{s.stdout}{s.stderr}")
        code, out, err = finish(p)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    lines = out.splitlines() if out else []
    check(code == 0 and len(lines) == 3 and all("echo-request id 4660 seq 9" in l for l in lines)
          and "3 packets captured" in (err or ""),
          "watch -i lo -c 3 FILTER: exactly the three echo requests sent, then the totals",
          f"exit {code}\n{out}{err}")


def test_watch_ctrl_c_prints_totals_and_exits_0(ctl):
    p = ctl.start("watch", "-i", "lo", "icmp")
    try:
        pre = wait_listening(p)
        check(pre is not None, "watch -i lo (no count): listening", "")
        ctl.run("send", "-i", "lo", "ip(dst=127.0.0.1)/icmp(type=8)/echo(id=4662,seq=1)")
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        code, out, err = finish(p, timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    n = len(out.splitlines()) if out else 0
    check(code == 0 and re.search(rf"\b{n} packets? captured, \d+ dropped by kernel", err or "")
          and n >= 1, "Ctrl-C on watch: exit 0, totals on stderr counting what was printed",
          f"exit {code}, {n} lines\n{err}")


def test_send_errors(ctl):
    r = ctl.run("send", "ip()")
    check(r.returncode == 2, "send without -i: exit 2", r.stderr)
    r = ctl.run("send", "-i", "nonexistent0", "ip(dst=127.0.0.1)/icmp(type=8)")
    check(r.returncode == 1 and "pktctl: " in r.stderr, "send on a missing interface: exit 1",
          f"{r.returncode} {r.stderr}")


def test_sr_answered_and_unanswered(ctl):
    r = ctl.run("sr", "-i", "lo", "--timeout", "2",
                "ip(dst=127.0.0.1)/icmp(type=8)/echo(id=4663,seq=1)")
    check(r.returncode == 0
          and re.search(r"^reply from 127\.0\.0\.1: .*echo-reply id 4663 seq 1 probe=0 rtt=\d+\.\d{3} ms$",
                        r.stdout, re.M)
          and "1 probe, 1 sent, 1 answer, 0 unanswered" in r.stdout,
          "sr ICMP echo on lo: a ping-like reply line with rtt, the summary, exit 0",
          f"exit {r.returncode}\n{r.stdout}{r.stderr}")
    # Nothing answers a TCP RST: reported unanswered after the timeout, exit 1.
    t0 = time.monotonic()
    r = ctl.run("sr", "-i", "lo", "--timeout", "0.3",
                "ip(dst=127.0.0.1)/tcp(sport=40001,dport=9,flags=RST)")
    check(r.returncode == 1 and "no answer to probe=0" in r.stdout
          and "0 answers, 1 unanswered" in r.stdout and time.monotonic() - t0 < 10,
          "sr of a probe nobody answers: unanswered, exit 1", f"exit {r.returncode}\n{r.stdout}{r.stderr}")
    r = ctl.run("sr", "-i", "lo", "--json", "--timeout", "2",
                "ip(dst=127.0.0.1)/icmp(type=8)/echo(id=4664,seq=1)")
    lines = [json.loads(l) for l in r.stdout.splitlines()] if r.returncode == 0 else []
    check(len(lines) == 2 and "answer" in lines[0] and lines[1].get("sent") == 1
          and len(lines[1].get("answered", [])) == 1,
          "sr --json: the streamed answer, then the final reply", f"exit {r.returncode}\n{r.stdout}{r.stderr}")


def test_sr_errors_are_exit_2(ctl, socket_path):
    r = ctl.run("sr", "ip()")
    check(r.returncode == 2, "sr without -i: exit 2", r.stderr)
    r = ctl.run("sr", "-i", "lo", "--timeout", "nope", "ip()")
    check(r.returncode == 2, "sr with a bad --timeout: exit 2", r.stderr)
    r = ctl.run("sr", "-i", "nonexistent0", "ip(dst=127.0.0.1)/icmp(type=8)")
    check(r.returncode == 2 and "pktctl: " in r.stderr, "sr on a missing interface (pktd's error): exit 2",
          f"{r.returncode} {r.stderr}")
    r = ctl.run("sr", "--socket", socket_path + ".nope", "-i", "lo", "ip(dst=127.0.0.1)/icmp(type=8)")
    check(r.returncode == 2 and "cannot connect" in r.stderr, "sr without a daemon: exit 2",
          f"{r.returncode} {r.stderr}")


def test_replay_sends_the_file(ctl, tmp):
    one = os.path.join(tmp, "one.pcap")
    b = ctl.run("build", "-w", one,
                "ethernet(dst=00:00:00:00:00:00,src=00:00:00:00:00:00)/ip(src=127.0.0.1,dst=127.0.0.1)"
                "/icmp(type=8)/echo(id=4665,seq=1)")
    check(b.returncode == 0, "build -w: a one-packet pcap to replay", b.stderr)
    p = ctl.start("watch", "-i", "lo", "-c", "1", "--duration", "20",
                  "icmp and icmp[icmptype] == icmp-echo and icmp[4:2] == 4665")
    try:
        check(wait_listening(p) is not None, "watch before replay: listening", "")
        r = ctl.run("replay", "-i", "lo", "--topspeed", one)
        check(r.returncode == 0 and "replayed 1 packet " in r.stdout,
              "replay -i lo --topspeed FILE: 'replayed 1 packet'", f"{r.returncode}\n{r.stdout}{r.stderr}")
        code, out, err = finish(p)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    check(code == 0 and out and "echo-request id 4665 seq 1" in out,
          "the replayed packet is seen on lo", f"exit {code}\n{out}{err}")


def test_sr_more_forms(ctl):
    # TCP: the source without its port; IPv6 too.
    r = ctl.run("sr", "-i", "lo", "--timeout", "2",
                "ip(dst=127.0.0.1)/tcp(sport=40002,dport=9,flags=SYN)",
                "ip(dst=127.0.0.1)/icmp(type=8)/echo(id=4666,seq=2)")
    lines = [l for l in r.stdout.splitlines() if l.startswith("reply from")]
    check(r.returncode == 0 and len(lines) == 2
          and any(re.match(r"reply from 127\.0\.0\.1: .*tcp 127\.0\.0\.1\.9 > 127\.0\.0\.1\.40002 \[R\.\].* probe=0 ", l)
                  for l in lines)
          and any("echo-reply id 4666 seq 2 probe=1 " in l for l in lines)
          and "2 probes, 2 sent, 2 answers, 0 unanswered" in r.stdout,
          "sr of two probes: a RST-ACK from the closed port (source without port) and an echo reply",
          f"exit {r.returncode}\n{r.stdout}{r.stderr}")
    if os.path.exists("/proc/net/if_inet6"):
        r = ctl.run("sr", "-i", "lo", "--timeout", "2", "ip6(dst=::1)/icmp6(type=128)/echo(id=4667,seq=1)")
        check(r.returncode == 0 and re.search(r"^reply from ::1: .*echo-reply id 4667 seq 1 probe=0 rtt=", r.stdout, re.M),
              "sr ICMPv6 echo to ::1: 'reply from ::1'", f"exit {r.returncode}\n{r.stdout}{r.stderr}")
    # Layer 2 is not tried on lo: the kernel does not answer frames injected there with AF_PACKET
    # (checked with a plain Python AF_PACKET socket too); the netns tests cover sr on layer 2.


def test_send_hex_is_build_hex(ctl):
    spec = ("ethernet(src=00:00:00:00:00:00,dst=00:00:00:00:00:00)/ip(src=127.0.0.1,dst=127.0.0.1)"
            "/icmp(type=8)/echo(id=4669,seq=1)")
    b = ctl.run("build", "--hex", spec)
    s = ctl.run("send", "-i", "lo", "--hex", spec)
    check(s.returncode == 0 and b.returncode == 0 and s.stdout.splitlines()[0] == b.stdout.strip()
          and s.stdout.splitlines()[1] == "sent 1 packet (42 bytes) on lo",
          "send --hex prints the bytes build --hex prints, then the count", f"{s.stdout}\n{b.stdout}{s.stderr}")
    j = ctl.run("send", "-i", "lo", "--json", "-c", "2", spec)
    try:
        o = json.loads(j.stdout)
    except ValueError:
        o = {}
    check(j.returncode == 0 and o.get("sent") == 2 and o.get("bytes") == 84 and len(o.get("packets", [])) == 1,
          "send --json -c 2: pktd's reply (sent 2, 84 bytes, one distinct packet)", j.stdout + j.stderr)


def test_watch_stdin_file(ctl):
    path = os.path.join(CORPUS, "dpkt/http.pcap")
    with open(path, "rb") as f:
        r = ctl.run("watch", "-r", "-", "-c", "3", "--epoch", stdin=f)
    want = ctl.run("watch", "-r", path, "-c", "3", "--epoch")
    check(r.returncode == 0 and r.stdout == want.stdout and len(r.stdout.splitlines()) == 3,
          "watch -r - (standard input passed as the descriptor): the lines of watch -r FILE",
          f"{r.returncode}\n{r.stdout}{r.stderr}")


# ---- against a scripted fake pktd: the exact calls pktctl makes, and replies pktd rarely sends ----

class FakePktd:
    """Accepts one connection on a Unix socket, records the first call (and any descriptors passed
    with it), answers with @replies (parameters, continues) and keeps the connection open until the
    client closes it (bounded)."""

    def __init__(self, path, replies):
        import socket as s_
        import threading
        self.path = path
        self.replies = replies
        self.call = None
        self.fds = []
        self.sock = s_.socket(s_.AF_UNIX, s_.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.sock.settimeout(15)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        import array
        import socket as s_
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        c.settimeout(15)
        buf = b""
        try:
            while b"\0" not in buf:
                data, anc, _, _ = c.recvmsg(65536, s_.CMSG_SPACE(4 * 8))
                if not data:
                    return
                for lvl, typ, d in anc:
                    if lvl == s_.SOL_SOCKET and typ == s_.SCM_RIGHTS:
                        a = array.array("i")
                        a.frombytes(d[:len(d) - len(d) % 4])
                        self.fds += list(a)
                buf += data
            self.call = json.loads(buf.split(b"\0")[0])
            for params, cont in self.replies:
                m = {"parameters": params}
                if cont:
                    m["continues"] = True
                c.sendall(json.dumps(m).encode() + b"\0")
            c.recv(1)  # until the client closes
        except OSError:
            pass
        finally:
            c.close()

    def close(self):
        self.thread.join(20)
        self.sock.close()
        for fd in self.fds:
            os.close(fd)
        os.unlink(self.path)


def test_fake_watch_params_drops_and_totals(ctl, tmp):
    path = os.path.join(tmp, "fake.sock")
    pkt = {"tsNs": 1000000001500000000, "caplen": 60, "len": 60, "summary": "ethernet/ip 192.0.2.1 > 192.0.2.2"}
    f = FakePktd(path, [
        ({"ack": {"linkType": "EN10MB", "linkTypeNumber": 1, "snaplen": 96, "filter": "ip", "source": "eth9"}}, True),
        ({"packet": pkt}, True),
        ({"drops": {"kernel": 3, "daemon": 1}}, True),
        ({"packet": pkt}, True),
        ({"totals": {"packets": 2, "bytes": 120, "kernelDrops": 5, "daemonDrops": 2, "reason": "duration"}}, False),
    ])
    try:
        r = ctl.run("watch", "--socket", path, "-i", "eth9", "-c", "5", "-G", "2", "-s", "96", "-p",
                    "-Q", "in", "--epoch", "ip")
    finally:
        f.close()
    check(f.call == {"method": "io.pktd.Capture.Subscribe", "more": True,
                     "parameters": {"interface": "eth9", "filter": "ip", "count": 5, "durationMs": 2000,
                                    "snaplen": 96, "promiscuous": False, "direction": "in",
                                    "output": "summary"}} and not f.fds,
          "watch -i -c -G -s -p -Q FILTER: the Subscribe call made, with more:true", json.dumps(f.call))
    check(r.returncode == 0 and r.stdout == "1000000001.500000000 ethernet/ip 192.0.2.1 > 192.0.2.2\n" * 2
          and "pktctl: dropped so far: 3 by kernel, 1 by pktd" in r.stderr
          and r.stderr.rstrip().endswith("2 packets captured, 5 dropped by kernel, 2 dropped by pktd"),
          "watch: packet lines, in-band drops on stderr as they come, the totals from pktd's last reply",
          f"{r.returncode}\n{r.stdout}{r.stderr}")


def test_fake_watch_file_passes_one_descriptor(ctl, tmp):
    path = os.path.join(tmp, "fake.sock")
    src = os.path.join(CORPUS, "dpkt/http.pcap")
    f = FakePktd(path, [({"totals": {"packets": 0, "bytes": 0, "kernelDrops": 0, "daemonDrops": 0,
                                      "reason": "end"}}, False)])
    try:
        r = ctl.run("watch", "--socket", path, "-r", src, "--json")
        st = [os.fstat(fd) for fd in f.fds]
    finally:
        f.close()
    s0 = os.stat(src)
    check(r.returncode == 0 and f.call and f.call["parameters"] == {"fileDescriptor": 0, "output": "layers"}
          and len(st) == 1 and (st[0].st_dev, st[0].st_ino) == (s0.st_dev, s0.st_ino),
          "watch -r FILE --json: one descriptor passed, the file itself; fileDescriptor 0, no path",
          f"{r.returncode} {json.dumps(f.call)} fds={len(st)}\n{r.stderr}")


def test_fake_sr_and_replay_params(ctl, tmp):
    path = os.path.join(tmp, "fake.sock")
    f = FakePktd(path, [({"answered": [], "unanswered": [{"probe": 0}], "sent": 2}, False)])
    try:
        r = ctl.run("sr", "--socket", path, "-i", "eth9", "--timeout", "0.25", "--retry", "1", "--multi",
                    "ethernet()/arp()")
    finally:
        f.close()
    check(f.call == {"method": "io.pktd.Inject.SendReceive", "more": True,
                     "parameters": {"interface": "eth9", "layer": "l2", "packets": [{"spec": "ethernet()/arp()"}],
                                    "timeoutMs": 250, "retry": 1, "multi": True, "output": "summary"}}
          and r.returncode == 1,
          "sr --timeout 0.25 --retry 1 --multi: the call made (layer 2 for an ethernet spec), exit 1 unanswered",
          f"{r.returncode} {json.dumps(f.call)}\n{r.stdout}{r.stderr}")
    f = FakePktd(path, [({"sent": 4, "bytes": 400}, False)])
    try:
        r = ctl.run("replay", "--socket", path, "-i", "eth9", "--pps", "50", os.path.join(CORPUS, "dpkt/http.pcap"))
    finally:
        f.close()
    check(f.call and f.call["parameters"] == {"interface": "eth9", "fileDescriptor": 0, "timing": "rate", "pps": 50}
          and len(f.fds) == 1 and r.returncode == 0 and "replayed 4 packets (400 bytes)" in r.stdout,
          "replay --pps 50: Send with the file's descriptor, timing rate", f"{r.returncode} {json.dumps(f.call)}\n{r.stdout}{r.stderr}")
    f = FakePktd(path, [({"sent": 2, "bytes": 56}, False)])
    try:
        r = ctl.run("send", "--socket", path, "-i", "eth9", "-c", "2", "--interval", "0", "--l2", "ip()")
    finally:
        f.close()
    check(f.call and f.call["parameters"] == {"interface": "eth9", "layer": "l2", "packets": [{"spec": "ip()"}],
                                              "count": 2, "intervalMs": 0} and r.returncode == 0,
          "send -c 2 --interval 0 --l2: the call made (--l2 overrides the spec's layer)", json.dumps(f.call))


def test_fake_sr_reply_lines(ctl, tmp):
    path = os.path.join(tmp, "fake.sock")
    summaries = [
        ("ethernet/ip/icmp/unreach/ip/udp 192.0.2.2 > 192.0.2.1 unreachable port", "192.0.2.2"),
        ("ethernet/ip6/tcp 2001:db8::2.80 > 2001:db8::1.40000 [S.] seq 1 ack 2 win 64240", "2001:db8::2"),
        ("ethernet/arp 192.0.2.2 is-at 02:00:00:00:00:02", "192.0.2.2"),
        ("ethernet/ip/udp/dns 192.0.2.2.53 > 192.0.2.1.4000 response A x 1 answer", "192.0.2.2"),
    ]
    answers = [{"probe": i, "rttNs": 1000 * (i + 1) + 234,
                "reply": {"tsNs": 1, "caplen": 60, "len": 60, "summary": sm}} for i, (sm, _) in enumerate(summaries)]
    f = FakePktd(path, [({"answer": a}, True) for a in answers]
                 + [({"answered": answers, "unanswered": [{"probe": 4}], "sent": 6}, False)])
    try:
        r = ctl.run("sr", "--socket", path, "-i", "eth9", "a()", "b()", "c()", "d()", "e()")
    finally:
        f.close()
    want = [f"reply from {frm}: {sm} probe={i} rtt={(1000 * (i + 1) + 234) / 1e6:.3f} ms"
            for i, (sm, frm) in enumerate(summaries)]
    want += ["no answer to probe=4: e()", "--- eth9 sr statistics ---",
             "5 probes, 6 sent, 4 answers, 1 unanswered", "rtt min/avg/max = 0.001/0.003/0.004 ms"]
    check(r.returncode == 0 and r.stdout.splitlines() == want,
          "sr: one ping-like line per streamed answer (source without port), unanswered, statistics",
          f"{r.returncode}\ngot:\n{r.stdout}want:\n" + "\n".join(want) + "\n" + r.stderr)


def test_watch_when_pktd_stops(pktd, pktctl):
    with Pktd(pktd) as d2:
        ctl2 = Ctl(pktctl, d2.socket)
        p = ctl2.start("watch", "-i", "lo", "icmp")
        try:
            check(wait_listening(p) is not None, "watch on a second pktd: listening", "")
            d2.stop()
            code, out, err = finish(p, timeout=10)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(5)
    check(code == 1 and "pktd ended the capture" in (err or "") and "packets captured" in (err or ""),
          "pktd stopping under a watch: exit 1, said as such, with the totals so far", f"exit {code}\n{err}")


def test_roles_and_file_rights(pktd, pktctl, tmp):
    """As nobody with the capture role only: watch -r works on a file nobody may read and fails on
    one it may not (pktctl opens files with the caller's rights, pktd never sees a path); send is
    PermissionDenied (exit 1), sr too (exit 2)."""
    conf = "[roles]\nadmin = user:root\ncapture = user:65534\n[daemon]\nallowRoot = yes\n"

    def as_nobody():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)

    src = os.path.join(CORPUS, "dpkt/dns_icmp.pcap")
    mine = os.path.join(tmp, "root-only.pcap")
    with open(src, "rb") as a, open(mine, "wb") as b:
        b.write(a.read())
    os.chmod(mine, 0o600)
    os.chmod(tmp, 0o755)
    public = os.path.join(tmp, "public.pcap")
    with open(src, "rb") as a, open(public, "wb") as b:
        b.write(a.read())
    os.chmod(public, 0o644)
    with Pktd(pktd, config=conf) as d2:
        env = dict(os.environ, PKTD_SOCKET=d2.socket)

        def run(*args):
            return subprocess.run([pktctl, *args], env=env, capture_output=True, text=True,
                                  timeout=CMD_TIMEOUT, preexec_fn=as_nobody)
        r = run("watch", "-r", public, "-c", "2")
        check(r.returncode == 0 and len(r.stdout.splitlines()) == 2,
              "capture role: watch -r on a file the user may read", f"{r.returncode}\n{r.stderr}")
        r = run("watch", "-r", mine)
        check(r.returncode == 1 and "Permission denied" in r.stderr and not r.stdout,
              "watch -r on a file only root may read, as nobody: refused by pktctl's own open (pktd, root, never opens it)",
              f"{r.returncode}\n{r.stderr}")
        r = run("send", "-i", "lo", "ip(dst=127.0.0.1)/icmp(type=8)/echo(id=4670)")
        check(r.returncode == 1 and "PermissionDenied" in r.stderr,
              "capture role only: send is PermissionDenied, exit 1", f"{r.returncode}\n{r.stderr}")
        r = run("sr", "-i", "lo", "--timeout", "0.3", "ip(dst=127.0.0.1)/icmp(type=8)/echo(id=4670)")
        check(r.returncode == 2 and "PermissionDenied" in r.stderr,
              "capture role only: sr is PermissionDenied, exit 2", f"{r.returncode}\n{r.stderr}")


def main():
    enter_private_netns()
    pktd = find_pktd()
    pktctl = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("PKTCTL_BIN", "")
    if not pktctl or not os.access(pktctl, os.X_OK):
        print(f"SKIP: no pktctl (argv[2] or $PKTCTL_BIN): {pktctl!r}", file=sys.stderr)
        sys.exit(SKIP)
    if not os.path.isdir(CORPUS):
        print(f"SKIP: no corpus at {CORPUS}", file=sys.stderr)
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory(prefix="pktctl-capture-") as tmp, Pktd(pktd) as d:
        ctl = Ctl(pktctl, d.socket)
        tests = [
            lambda: test_watch_file_matches_read(ctl),
            lambda: test_watch_file_count_and_filter(ctl),
            lambda: test_watch_write_pcap_equals_source(ctl, tmp),
            lambda: test_watch_usage_and_missing_file(ctl),
            lambda: test_watch_sees_what_send_sends(ctl),
            lambda: test_watch_ctrl_c_prints_totals_and_exits_0(ctl),
            lambda: test_send_errors(ctl),
            lambda: test_sr_answered_and_unanswered(ctl),
            lambda: test_sr_errors_are_exit_2(ctl, d.socket),
            lambda: test_replay_sends_the_file(ctl, tmp),
            lambda: test_sr_more_forms(ctl),
            lambda: test_send_hex_is_build_hex(ctl),
            lambda: test_watch_stdin_file(ctl),
            lambda: test_fake_watch_params_drops_and_totals(ctl, tmp),
            lambda: test_fake_watch_file_passes_one_descriptor(ctl, tmp),
            lambda: test_fake_sr_and_replay_params(ctl, tmp),
            lambda: test_fake_sr_reply_lines(ctl, tmp),
            lambda: test_watch_when_pktd_stops(pktd, pktctl),
            lambda: test_roles_and_file_rights(pktd, pktctl, tmp),
        ]
        for t in tests:
            try:
                t()
            except Exception as e:  # a crash in one test is its failure, the rest still run
                import traceback
                traceback.print_exc()
                failures.append(repr(e))
        if failures:
            with open(os.path.join(d.dir, "stderr.log"), errors="replace") as f:
                print("pktd's log (end):\n" + f.read()[-3000:])
    if failures:
        print(f"{len(failures)} failed: {failures}")
        sys.exit(1)
    print("all passed")


if __name__ == "__main__":
    main()
