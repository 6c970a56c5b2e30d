# SPDX-License-Identifier: BSD-3-Clause
"""Back-pressure: a subscriber that reads nothing while 1,000,000 UDP datagrams flow from the peer
namespace (pktd_flood, sendmmsg) must not grow pktd: pktd stops reading that capture above
streamHighWater (4 MiB, the default) and the kernel drops and counts instead. Checked:

- pktd's VmRSS, sampled every 0.1 s during the flood, and its VmHWM (peak) afterwards stay under
  RSS_BOUND_MIB (64 MiB absolute; a sanitizer build: baseline + 160 MiB, ASan's shadow and
  quarantine being what they are);
- drops travel in-band ("drops" replies with kernel > 0) once the subscriber reads again;
- the stream continues: 1,000 marker datagrams (another size, sequence-numbered) sent after the
  backlog is drained all arrive, in order;
- the totals account for every datagram that reached the veth: packets + kernelDrops + daemonDrops
  equals the interface's rx_packets increase (less a few ARP/ND frames);
- a second subscriber that keeps reading meanwhile is not held up by the stalled one.

    python3 tests/integration/test_netns_backpressure.py build/daemon/pktd build/tests/integration/pktd_flood
"""

import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_client  # noqa: E402
import netns  # noqa: E402
from netns import A_IP4, Skip  # noqa: E402

FLOOD_N = 1000000
MARKERS = 1000
RSS_BOUND_MIB = 64
SAN_GROWTH_MIB = 160


def flood_binary():
    path = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("PKTD_FLOOD", "")
    if not path or not os.access(path, os.X_OK):
        raise Skip("no pktd_flood binary (argv[2] or $PKTD_FLOOD)")
    return path


def test_stalled_subscriber_keeps_pktd_bounded_gets_drops_in_band_and_resumes(ns, d):
    flood = flood_binary()
    ns.run_b(["ping", "-c", "1", "-W", "2", A_IP4], timeout=10)   # ARP resolved before the flood
    base_rss = d.rss_kib()
    base_fds = d.fds()
    with d.connect(timeout=60) as c, d.connect(timeout=60) as w:
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        st = netns.Stream(c, {"interface": ns.veth_a, "filter": "udp and dst port 9",
                              "output": "layers", "durationMs": 50000})
        if st.start() is None:
            raise AssertionError("Subscribe failed: %r" % st.first)
        # A second subscriber that keeps reading (summary form, counting frames only).
        wst = netns.Stream(w, {"interface": ns.veth_a, "filter": "udp and dst port 9",
                               "output": "summary", "durationMs": 50000})
        if wst.start() is None:
            raise AssertionError("Subscribe failed: %r" % wst.first)
        wcol = netns.Collector(wst, timeout=100)
        rx0 = ns.stat(ns.a, ns.veth_a, "rx_packets")

        # 1,000,000 datagrams, as fast as B's side can (bounded: 30 s).
        t0 = time.monotonic()
        p = ns.popen_b([flood, "-c", str(FLOOD_N), "-t", "30", "-p", "9", A_IP4])
        samples = []
        while p.poll() is None and time.monotonic() - t0 < 60:
            samples.append(d.rss_kib())
            time.sleep(0.1)
        rc, out, err = ns.stop(p, timeout=10)
        assert rc == 0, (rc, out, err)
        fl = json.loads(out)
        assert fl["sent"] == FLOOD_N, "flood sent %r" % fl
        time.sleep(0.5)
        samples.append(d.rss_kib())
        hwm = netns.proc_status(d.pid, "VmHWM")
        d.assert_alive()
        peak = max(samples)
        print("   flood %d datagrams in %.2f s (%.0f/s); pktd VmRSS %.1f MiB before, peak sampled "
              "%.1f MiB, VmHWM %.1f MiB" % (fl["sent"], fl["seconds"], fl["pps"], base_rss / 1024,
                                            peak / 1024, hwm / 1024))
        if daemon_client.sanitized():
            bound = base_rss + SAN_GROWTH_MIB * 1024
        else:
            bound = RSS_BOUND_MIB * 1024
        assert peak <= bound and hwm <= bound, "pktd grew to %d KiB (peak) / %d KiB (VmHWM), " \
            "bound %d KiB" % (peak, hwm, bound)

        # Resume reading: what was queued comes out, with the drops reported in-band.
        col = netns.Collector(st, timeout=95)
        last, n = time.monotonic(), 0
        while time.monotonic() - last < 1.5 and time.monotonic() - t0 < 70:
            time.sleep(0.2)
            if len(col.frames) != n:
                n, last = len(col.frames), time.monotonic()
        drained = len(col.frames)
        assert not col.ended, "the stream ended before the markers: %r" % col.frames[-1:]
        # Markers: 1,000 datagrams of 100 bytes, paced at 10,000/s, must all arrive in order.
        rc, out, err = ns.stop(ns.popen_b([flood, "-c", str(MARKERS), "-r", "10000", "-s", "100",
                                           "-t", "20", "-p", "9", A_IP4]), timeout=30)
        assert rc == 0, (rc, out, err)
        rx1 = ns.stat(ns.a, ns.veth_a, "rx_packets")
        # The stream ends by its duration (50 s) with the totals.
        assert col.join(100), "no totals within the subscription's duration"
        assert col.error is None, col.error
        assert wcol.join(30) and wcol.error is None, wcol.error

    got = col.parsed()
    assert got[-1][0] == "totals", got[-1]
    totals = got[-1][1]
    pkts = [v for k, v in got if k == "packet"]
    drops = [v for k, v in got if k == "drops"]
    print("   %d frames queued for the stalled subscriber were drained; then %d packets, %d drop "
          "reports (last %r); totals %r" % (drained, len(pkts), len(drops), drops[-1:], totals))
    assert totals["reason"] == "duration", totals
    assert drops and max(x["kernel"] + x["daemon"] for x in drops) > 0, \
        "no drops reported in-band: %r" % drops
    assert totals["kernelDrops"] + totals["daemonDrops"] > 0, totals
    assert totals["packets"] == len(pkts), (totals, len(pkts))
    # Every datagram that reached A's veth was either delivered or counted as dropped.
    arrived = rx1 - rx0
    accounted = totals["packets"] + totals["kernelDrops"] + totals["daemonDrops"]
    print("   rx_packets +%d on A's veth; delivered %d + kernel drops %d + daemon drops %d = %d"
          % (arrived, totals["packets"], totals["kernelDrops"], totals["daemonDrops"], accounted))
    assert arrived - 20 <= accounted <= arrived, (arrived, accounted)

    markers = []
    for p in pkts:
        udp = netns.layer(p["layers"], "udp")
        if udp is not None and udp["ulen"] == 8 + 100:
            raw = netns.layer(p["layers"], "raw")
            markers.append(struct.unpack("<Q", bytes.fromhex(raw["data"])[:8])[0])
    assert markers == list(range(MARKERS)), "markers: %d of %d, first %r" % (
        len(markers), MARKERS, markers[:10])

    wgot = wcol.parsed()
    wpk = sum(1 for k, _ in wgot if k == "packet")
    wtot = wgot[-1][1]
    print("   the reading subscriber: %d packets, totals %r" % (wpk, wtot))
    # It was never stalled: it got far more than the stalled one while the flood ran.
    assert wtot["packets"] == wpk and wpk > totals["packets"], (wpk, totals["packets"])
    # Everything the two subscriptions held is gone again.
    n = d.wait_fds(base_fds, 10)
    assert n == base_fds, "pktd has %d fds, %d before" % (n, base_fds)


def _bind(ns, d):
    pass


if __name__ == "__main__":
    netns.main(netns.tests_of(sys.modules[__name__]), netns.config(), _bind)
