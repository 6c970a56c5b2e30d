#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Protocol stacks, frame by frame, against tshark's frame.protocols (ORACLE.md 3a), and `pktctl stats`
against both: for every frame, the protocols tshark finds are mapped to our layer names, pseudo-layers
dropped, and cut at the first protocol libpkt does not implement (beyond it we cannot be expected to
follow). That list must appear, in order, in our layer list. Then `pktctl stats --json` must name every
protocol our per-frame dissection found, with the same frame counts per protocol.

Per protocol it reports frames where tshark and we agree and where we miss it; it fails when a protocol's
agreement is below --threshold or stats disagrees with the per-frame dissection. A frame we leave raw where
tshark names a protocol that we find in another frame of the same conversation is counted apart ("by
conversation only"): tshark remembers what a conversation carries, we dissect each packet alone. So is a
frame where tshark reaches the protocol by a path ELSEWHERE names and we do not take.

usage: stack_compare.py --pktctl PATH --corpus DIR [--per-proto N | --all] [--threshold 0.97]
"""
import argparse
import collections
import json
import os
import subprocess
import sys

# tshark protocol -> our layer name. Only protocols libpkt registers are compared; the list grows as
# protocols land (a name whose layer pktctl never prints is simply never expected).
TSHARK_TO_OURS = {
    "eth": "ethernet", "vlan": "dot1q", "ieee8021ad": "dot1q", "llc": "llc", "sll": "linuxcc",
    "null": "loopback", "arp": "arp", "ip": "ip", "ipv6": "ip6", "ipv6.hopopts": "ip6hopoptsheader",
    "ipv6.routing": "ip6routingheader", "ipv6.fraghdr": "ip6fragmentheader", "ipv6.dstopts": "ip6dstoptsheader",
    "ah": "ah", "esp": "esp", "icmp": "icmp", "icmpv6": "icmp6", "tcp": "tcp", "udp": "udp", "dns": "dns",
    "radiotap": "radiotap", "wlan": "ieee80211", "ppp": "ppp", "pppoes": "pppoe", "pppoed": "pppoe",
    "stp": "stp", "dtp": "dtp", "hsrp": "hsrp", "vrrp": "vrrp", "igmp": "igmp", "pim": "pim", "ospf": "ospf",
    "ipx": "ipx", "sctp": "sctp", "http": "http", "sip": "sip", "ntp": "ntp", "rtp": "rtp", "dhcp": "dhcp",
    "rip": "rip", "telnet": "telnet", "diameter": "diameter", "tls": "ssl", "ssl": "ssl", "tpkt": "tpkt",
    "portmap": "portmap", "radius": "radius", "bgp": "bgp", "vxlan": "vxlan", "gre": "gre",
    "mpls": "mpls", "pwethcw": "eomcw", "lldp": "lldp", "cdp": "cdp", "dhcpv6": "dhcp6",
    "erspan": "erspan", "gtp": "gtp", "chdlc": "chdlc", "slarp": "slarp", "isis": "isis",
    "isis.hello": "isislanhello", "isis.lsp": "isislsp", "isis.csnp": "isiscsnp", "isis.psnp": "isispsnp",
    "lcp": "lcp", "ipcp": "ipcp", "ipv6cp": "ipv6cp", "ccp": "ccp", "pap": "pap", "chap": "chap",
    "rtcp": "rtcp", "stun": "stun", "eapol": "eapol", "slow": "slow", "lacp": "lacp", "marker": "marker",
    "nbns": "nbns", "nbdgm": "nbdgm", "nbss": "nbss", "smb": "smb", "smb2": "smb2", "isakmp": "isakmp",
    "udpencap": "udpencap",
}
# Our layers that tshark names as one protocol.
SAME_AS = {"linuxcc2": "linuxcc", "ntpctrl": "ntp", "ntppriv": "ntp", "loop": "loopback", "erspan3": "erspan", "isisp2phello": "isislanhello",
           "smb2async": "smb2", "hsrp2": "hsrp", "hsrpadv": "hsrp", "smb2transform": "smb2", "smb2compressed": "smb2"}
# tshark's pseudo-layers and items that are part of a layer we have, not a layer of their own.
PSEUDO = {"ethertype", "data", "data-text-lines", "media", "wlan_radio", "frame", "_ws.short", "_ws.malformed",
          "_ws.expert", "image-gif", "image-jfif", "png", "xml", "json", "mime_multipart", "urlencoded-form",
          "sll2", "pwethheuristic", "pwethnocw",
          "osi"}  # osi: the NLPID dispatch, the first byte of the OSI packet its carrier reads
TSHARK_OPTS = ["-n", "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "ip.defragment:FALSE",
               "-o", "ipv6.defragment:FALSE", "-o", "dns.desegment_dns_messages:FALSE",
               "-o", "http.desegment_headers:FALSE", "-o", "http.desegment_body:FALSE"]
# Files whose frames differ by design (a reason each).
KNOWN_FILES = {
    "tcpdump/LINKTYPE_IPV4_invalid.pcap": "IPv6 in a DLT_IPV4 file: tshark shows an ip item, then ipv6; we "
                                           "follow the version nibble straight to ip6",
    "pypacker/packets_dtp.cap": "Cisco ISL frames (out of scope): tshark decodes the frame inside",
    "tcpdump/DTP.pcap": "Cisco ISL frames (out of scope): tshark decodes the frame inside",
    "pypacker/packets_diameter.pcap": "Diameter in SCTP DATA chunks with PPID 0: tshark goes by SCTP port 3868, "
                                      "we by PPID (46, 47)",
    "suricata-verify/ipv6-evasion__ipv6-malformed-fragments-25__frag-25.pcap":
        "a fragment header ending the packet: tshark names an empty tcp layer after it; we record no layer "
        "without bytes",
}
# Protocols that reach one of ours through a path tshark takes and we do not (a reason each).
KNOWN_GAPS = {
    "stun": "ICE-TCP's framing (RFC 4571, 6544: a 16-bit length before each STUN or RTP packet on a TCP "
            "connection): tshark reads the length as part of STUN; libpkt has no such framing layer, so "
            "those segments stay raw",
    "rtp": "RTP has no port of its own: tshark follows the ports a SIP/SDP exchange set up (state across "
           "packets); libpkt dissects each packet alone and maps RTP to UDP 5004 only; a user registers "
           "more ports with pkt_key_register()",
}

# Frames where tshark names one of our protocols by a path we do not take, recognised by what our
# dissection shows (a reason and a test of our layers each): counted apart, not as misses.
ELSEWHERE = {
    "ieee80211": ("IEEE 802.11 frames in Ethernet (ethertype 0x890d, 802.11 data encapsulation: the TDLS set-up "
                  "frames stations send each other through their access point): tshark decodes the action body "
                  "as wlan; libpkt's ieee80211 starts at a frame control field these do not have, so the payload "
                  "stays raw",
                  lambda layers: any(l.get("layer") == "ethernet" and l.get("type") == 0x890d for l in layers)),
}


def _ppp_in_gtp_pco(layers):
    names = [l.get("layer") for l in layers]
    return "gtp" in names and "ppp" not in names


def _rtcp_claiming_more(layers):
    """A UDP payload left raw that starts like an RTCP packet longer than the payload."""
    if len(layers) < 2 or layers[-2].get("layer") != "udp" or layers[-1].get("layer") != "raw":
        return False
    b = bytes.fromhex(layers[-1].get("data", ""))
    return len(b) >= 4 and b[0] >> 6 == 2 and 192 <= b[1] <= 223 and (int.from_bytes(b[2:4], "big") + 1) * 4 > len(b)


ELSEWHERE["rtcp"] = ("tshark's RTCP heuristic takes a datagram whose first RTCP packet claims more bytes than the "
                     "datagram holds (gnutella's, a fuzzed file's); libpkt's asks that the first packet fit, and "
                     "leaves such a payload raw", _rtcp_claiming_more)


def _eap_tls_fragment(layers):
    """An EAP-TLS (TTLS, PEAP, ...) body whose data stays raw: a later fragment of a longer TLS message."""
    names = [l.get("layer") for l in layers]
    return "eaptls" in names and names[-1:] == ["raw"]


NWLINK_SOCKETS = (0x0455, 0x0553)  # NetBIOS (NBIPX), SMB mailslot datagrams


def _netbios_over_ipx(layers):
    """An IPX packet to or from NWLink's NetBIOS or SMB mailslot socket whose payload stays raw."""
    names = [l.get("layer") for l in layers]
    return "ipx" in names and names[-1:] == ["raw"] and any(
        l.get("layer") == "ipx" and (l.get("dst_socket") in NWLINK_SOCKETS or l.get("src_socket") in NWLINK_SOCKETS)
        for l in layers)


ELSEWHERE["smb"] = ("SMB over IPX (NWLink: NBIPX on socket 0x0455, a browser's mailslot message after NBIPX's "
                    "names, and the SMB mailslot socket 0x0553): libpkt's IPX has no next-layer registry, so the "
                    "IPX payload stays raw", _netbios_over_ipx)


ELSEWHERE["ssl"] = ("TLS messages that EAP-TLS, TTLS or PEAP split into fragments: tshark reassembles them and "
                    "dissects the TLS records in the last fragment; libpkt dissects each frame alone: the records "
                    "a first fragment starts, cut short, and a later fragment's data raw", _eap_tls_fragment)


# A GTP control message's Protocol Configuration Options (3GPP TS 24.008 10.5.6.3) quote PPP packets
# without a PPP header: tshark dissects them; libpkt's GTP keeps an information element's value as bytes.
for _p in ("lcp", "ipcp", "pap", "chap"):
    ELSEWHERE[_p] = ("PPP control packets inside a GTP message's Protocol Configuration Options: tshark "
                     "dissects them; libpkt keeps the GTP information element's value as bytes", _ppp_in_gtp_pco)

# What tshark names as a protocol item where the protocol has no header of its own (a reason and a test
# of our layers each): left out of tshark's stack for such frames, the layers around it still compared.
HEADERLESS = {
    "erspan": ("ERSPAN type I (GRE protocol 0x88be without a sequence number) has no header: tshark "
               "names an erspan item; libpkt goes from gre straight to the mirrored Ethernet frame",
               lambda layers: any(l.get("layer") == "gre" and l.get("p") == 0x88be and not l.get("s")
                                  for l in layers)),
    "ppp": ("A DLT_PPP frame in Cisco HDLC framing: tshark names the link type's ppp item, then chdlc; "
            "libpkt reads the frame as Cisco HDLC from its first byte",
            lambda layers: bool(layers) and layers[0].get("layer") == "chdlc"),
}


def flow_of(layers):
    """The conversation a frame belongs to, from our layers: the innermost transport's name, with the
    addresses and ports of both ends in either order; None without one."""
    addrs, flow = None, None
    for l in layers:
        if l["layer"] in ("ip", "ip6") and "src" in l and "dst" in l:
            addrs = (l["src"], l["dst"])
        elif l["layer"] in ("tcp", "udp", "sctp") and addrs and "sport" in l and "dport" in l:
            flow = (l["layer"], frozenset([(addrs[0], l["sport"]), (addrs[1], l["dport"])]))
    return flow


def ours_known(pktctl):
    """Layer names libpkt registers (from `pktctl build` of each name: unknown ones fail)."""
    known = set()
    for name in set(TSHARK_TO_OURS.values()):
        r = subprocess.run([pktctl, "build", "--hex", f"{name}()"], capture_output=True, text=True)
        if "unknown layer" not in r.stderr:
            known.add(name)
    return known


def tshark_stacks(path):
    out = subprocess.run(["tshark"] + TSHARK_OPTS + ["-r", path, "-T", "fields", "-e", "frame.number",
                                                      "-e", "frame.protocols"],
                         capture_output=True, text=True, errors="replace", timeout=300)
    stacks = {}
    for line in out.stdout.splitlines():
        n, _, protos = line.partition("\t")
        if n.isdigit():
            stacks[int(n)] = protos.split(":") if protos else []
    return stacks


def expected(stack, known):
    """tshark's stack in our names, up to the first protocol we do not implement."""
    out = []
    for p in stack:
        if p in PSEUDO:
            continue
        ours = TSHARK_TO_OURS.get(p)
        if ours is None or ours not in known:
            break
        out.append(ours)
    return out


def is_subsequence(want, have):
    it = iter(have)
    return all(any(h == w for h in it) for w in want)


def stats_counts(node, out):
    out[SAME_AS.get(node["layer"], node["layer"])] += node["frames"]
    for c in node.get("children", []):
        stats_counts(c, out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--per-proto", type=int, default=8)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--threshold", type=float, default=0.97)
    args = ap.parse_args()

    known = ours_known(args.pktctl)
    with open(os.path.join(args.corpus, "index.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]
    rows = [r for r in rows if r["tshark_status"] == "ok" and not r["format"].endswith(".gz")
            and r["format"] not in ("snoop", "netmon2")]
    rows.sort(key=lambda r: int(r["bytes"]))
    files = {}
    for tp, ours in TSHARK_TO_OURS.items():
        if ours not in known:
            continue
        picked = [r for r in rows if tp in r["protocols"].split(",")]
        for r in picked if args.all else picked[:args.per_proto]:
            if r["file"] not in KNOWN_FILES:
                files[r["file"]] = r

    agree = collections.Counter()
    missed = collections.Counter()
    by_conversation = collections.Counter()
    elsewhere = collections.Counter()
    first_miss = {}
    stats_bad = []
    for name in sorted(files):
        path = os.path.join(args.corpus, name)
        stacks = tshark_stacks(path)
        out = subprocess.run([args.pktctl, "read", "--json", path], capture_output=True, text=True,
                             errors="replace", timeout=300)
        ours = {}
        ours_layers = {}
        cut = {}
        flows = {}
        flow_layers = collections.defaultdict(set)
        per_layer = collections.Counter()
        for line in out.stdout.splitlines():
            p = json.loads(line)
            layers = [SAME_AS.get(l["layer"], l["layer"]) for l in p["layers"]]
            ours[p["n"]] = layers
            ours_layers[p["n"]] = p["layers"]
            flows[p["n"]] = flow_of(p["layers"])
            flow_layers[flows[p["n"]]].update(layers)
            # Beyond a layer we flag truncated or malformed, or a stack cut at the layer limit, tshark may
            # name headers with no bytes of their own: they are not expected of us.
            last = p["layers"][-1] if p["layers"] else {}
            cut[p["n"]] = bool(last.get("truncated") or last.get("malformed") or len(layers) >= 32)
            for layer in set(layers):
                per_layer[layer] += 1
        for n, stack in stacks.items():
            if n not in ours:
                continue
            stack = [p for p in stack if not (p in HEADERLESS and HEADERLESS[p][1](ours_layers[n]))]
            want = expected(stack, known)
            if not is_subsequence(want, ours[n]):
                # tshark repeats a protocol item for some sub-trees (igmp:igmp for IGMPv3 records); two
                # layers in a row of one protocol are compared as one when that is all that differs.
                want = [w for i, w in enumerate(want) if i == 0 or want[i - 1] != w]
            if cut[n]:
                while want and not is_subsequence(want, ours[n]):
                    want.pop()
            for i, proto in enumerate(want):
                if is_subsequence(want[:i + 1], ours[n]):
                    agree[proto] += 1
                elif ours[n][-1:] == ["raw"] and flows[n] and proto in flow_layers[flows[n]]:
                    # tshark keeps a conversation's protocol once a packet of it was recognised (a
                    # heuristic's find, on ports nobody registered): its segments in the middle of a
                    # message are that protocol too. Each packet alone, we found the protocol in the
                    # same conversation where a packet shows it, and leave the rest raw.
                    by_conversation[proto] += 1
                    break
                elif proto in ELSEWHERE and ELSEWHERE[proto][1](ours_layers[n]):
                    elsewhere[proto] += 1
                    break
                else:
                    missed[proto] += 1
                    first_miss.setdefault(proto, f"{name} frame {n}: tshark {':'.join(stack)} ours "
                                                 f"{':'.join(ours[n])}")
                    break
        st = subprocess.run([args.pktctl, "stats", "--json", path], capture_output=True, text=True,
                            errors="replace", timeout=300)
        if ours:
            counts = collections.Counter()
            for node in json.loads(st.stdout)["protocols"]:
                stats_counts(node, counts)
            # A layer seen twice in one frame (IP in IP) counts once per path in stats, so compare presence
            # and a lower bound.
            for layer, frames in per_layer.items():
                if counts[layer] < frames:
                    stats_bad.append(f"{name}: stats has {layer} in {counts[layer]} frames, dissection in {frames}")

    failed = []
    for proto in sorted(set(agree) | set(missed) | set(elsewhere)):
        total = agree[proto] + missed[proto]
        rate = agree[proto] / total if total else 1.0
        note = KNOWN_GAPS.get(proto, "")
        conv = f"  ({by_conversation[proto]} more by conversation only)" if by_conversation[proto] else ""
        print(f"{proto:22} {agree[proto]:7} of {total:7} frames  {rate:7.2%}" + (f"  [{note}]" if note else "") + conv)
        if missed[proto]:
            print(f"    first miss: {first_miss[proto]}")
        if elsewhere[proto]:
            print(f"    {elsewhere[proto]} frames reached by a path we do not take: {ELSEWHERE[proto][0]}")
        if rate < args.threshold and not note:
            failed.append(proto)
    for s in stats_bad[:20]:
        print("STATS " + s)
    print(f"files: {len(files)}")
    if failed or stats_bad:
        print("below threshold: " + ", ".join(failed) if failed else "stats disagree with dissection",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
