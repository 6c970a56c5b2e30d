#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
The tshark oracles on captures written by Wireshark's developers for their own tests (test/captures in
the source of the tshark installed here, fetched from Debian's archive): TLS, HTTP, HTTP/2, DNS, DHCP,
SIP, NTP, IPX, IPv6, SCTP, WireGuard, QUIC, 802.11 with WPA/WPA3 and more, none of them in the shared
corpus. They are indexed as the corpus is and compared with tshark_compare.py and stack_compare.py
--all (generated_compare.py). Decryption secrets embedded in pcapng files are dropped first
(editcap --discard-all-secrets): with them tshark shows what encrypted records hold, which no
dissector without the keys can.

The source tarball (about 45 MB) is downloaded once into --cache and checked against the SHA-256 the
Debian source description (.dsc) gives. Exits 77 (skipped) without tshark, editcap or the network.

usage: wireshark_captures.py --pktctl PATH --cache DIR
"""
import argparse
import glob
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request

import generated_compare

POOLS = ["http://deb.debian.org/debian/pool/main/w/wireshark/",
         "http://deb.debian.org/debian-security/pool/updates/main/w/wireshark/"]
SKIP = 77


def fetch(url, timeout=120):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def source_tarball(cache):
    """Downloads the orig tarball of the installed tshark's source package into @cache (once) and
    returns its path, or None when it cannot be had."""
    version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "tshark"], capture_output=True,
                             text=True).stdout.strip()
    if not version:
        return None
    version = version.split(":", 1)[-1]  # no epoch in file names
    for pool in POOLS:
        try:
            dsc = fetch(f"{pool}wireshark_{version}.dsc").decode("utf-8", "replace")
        except OSError:
            continue
        m = re.search(r"^Checksums-Sha256:\n((?: .*\n)+)", dsc, re.M)
        if not m:
            continue
        for line in m.group(1).splitlines():
            sha, _size, name = line.split()
            if ".orig.tar." not in name:
                continue
            path = os.path.join(cache, name)
            if not os.path.exists(path):
                try:
                    data = fetch(pool + name, timeout=600)
                except OSError:
                    return None
                if hashlib.sha256(data).hexdigest() != sha:
                    print(f"wireshark_captures: {name}: SHA-256 differs from the .dsc's", file=sys.stderr)
                    return None
                with open(path + ".part", "wb") as f:
                    f.write(data)
                os.replace(path + ".part", path)
            return path
    return None


def unpack_captures(tarball, corpus):
    """Writes every capture of the tarball's test/captures into @corpus/gen, uncompressed, without
    embedded secrets, keeping only those tshark reads."""
    gen = os.path.join(corpus, "gen")
    shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(gen)
    with tarfile.open(tarball) as tar:
        for m in tar.getmembers():
            parts = m.name.split("/")
            if not m.isfile() or len(parts) != 4 or parts[1:3] != ["test", "captures"]:
                continue
            name = parts[3]
            if not re.search(r"\.(pcap|pcapng|cap)(\.gz)?$", name):
                continue
            data = tar.extractfile(m).read()
            if name.endswith(".gz"):
                data, name = gzip.decompress(data), name[:-3]
            with open(os.path.join(gen, name), "wb") as f:
                f.write(data)
    for path in sorted(glob.glob(os.path.join(gen, "*"))):
        if path.endswith(".pcapng"):
            subprocess.run(["editcap", "--discard-all-secrets", path, path + ".tmp"], capture_output=True)
            if os.path.exists(path + ".tmp"):
                os.replace(path + ".tmp", path)
        probe = subprocess.run(["tshark", "-n", "-r", path, "-c", "1"], capture_output=True)
        if probe.returncode != 0 or not probe.stdout:
            os.remove(path)  # empty, or not a capture tshark reads
    return len(os.listdir(gen))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--cache", required=True, help="where the tarball is kept and the captures unpacked")
    args = ap.parse_args()
    if not shutil.which("tshark") or not shutil.which("editcap"):
        print("wireshark_captures: needs tshark and editcap", file=sys.stderr)
        return SKIP
    os.makedirs(args.cache, exist_ok=True)
    tarball = source_tarball(args.cache)
    if not tarball:
        print("wireshark_captures: cannot fetch the wireshark source from Debian's archive", file=sys.stderr)
        return SKIP
    corpus = os.path.join(args.cache, "wireshark-captures")
    n = unpack_captures(tarball, corpus)
    print(f"{n} captures from {os.path.basename(tarball)}", flush=True)
    generated_compare.index(corpus, made_by=os.path.basename(tarball) + " test/captures")
    return generated_compare.compare(args.pktctl, corpus)


if __name__ == "__main__":
    sys.exit(main())
