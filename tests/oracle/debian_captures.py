#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
The tshark oracles on captures other projects wrote for their own tests, taken from the source packages
in Debian's archive, none of them in the shared corpus:

  wireshark  test/captures of the installed tshark's source: TLS 1.2/1.3, HTTP, HTTP/2, DNS, DHCP, SIP,
             NTP, IPX, IPv6, SCTP, WireGuard, QUIC, 802.11 with WPA/WPA3 and more. Decryption secrets
             embedded in pcapng files are dropped first (editcap --discard-all-secrets): with them tshark
             shows what encrypted records hold, which no dissector without the keys can.
  ndpi       tests/pcap of nDPI (libndpi-dev's source): real application traffic (TLS, QUIC, HTTP, DNS on
             odd ports, DHCP, SIP, RTP, NTP, STUN, BitTorrent, VPNs, fuzzer finds). The shared corpus took
             a selection of a later nDPI; files whose SHA-1 it holds are left out here.

The captures are indexed as the corpus is and compared with tshark_compare.py and stack_compare.py
--all (generated_compare.py). The source tarball is downloaded once into --cache and checked against the
SHA-256 its Debian source description (.dsc) gives. Exits 77 (skipped) without tshark, editcap or the
network.

usage: debian_captures.py --source wireshark|ndpi --pktctl PATH --cache DIR [--corpus-index TSV]
"""
import argparse
import csv
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

SKIP = 77
ARCHIVES = ["http://deb.debian.org/debian/pool/main/", "http://deb.debian.org/debian-security/pool/updates/main/"]

# source package, the binary package whose version names the source to fetch, the directory of captures
# inside the tarball (after its top directory), whether to drop embedded secrets.
SOURCES = {
    "wireshark": dict(package="wireshark", binary="tshark", captures="test/captures", drop_secrets=True),
    "ndpi": dict(package="ndpi", binary="libndpi-dev", captures="tests/pcap", drop_secrets=False),
}
# Why 16 MiB: the largest captures (long TLS downloads) add minutes of tshark and little that smaller
# ones do not show.
MAX_CAPTURE_BYTES = 16 << 20


def fetch(url, timeout=120):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def package_version(binary):
    """The installed version of @binary, else the archive's candidate; without the epoch."""
    version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", binary], capture_output=True,
                             text=True).stdout.strip()
    if not version:
        out = subprocess.run(["apt-cache", "show", binary], capture_output=True, text=True).stdout
        m = re.search(r"^Version: (\S+)", out, re.M)
        version = m.group(1) if m else ""
    return version.split(":", 1)[-1]


def source_tarball(source, cache):
    """Downloads the orig tarball of @source's package into @cache (once) and returns its path, or None
    when it cannot be had."""
    package, version = source["package"], package_version(source["binary"])
    if not version:
        return None
    for archive in ARCHIVES:
        pool = f"{archive}{package[0]}/{package}/"
        try:
            dsc = fetch(f"{pool}{package}_{version}.dsc").decode("utf-8", "replace")
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
                    print(f"debian_captures: {name}: SHA-256 differs from the .dsc's", file=sys.stderr)
                    return None
                with open(path + ".part", "wb") as f:
                    f.write(data)
                os.replace(path + ".part", path)
            return path
    return None


def corpus_sha1s(index):
    if not index or not os.path.exists(index):
        return set()
    with open(index) as f:
        return {r["sha1"] for r in csv.DictReader(f, delimiter="\t")}


def unpack_captures(source, tarball, corpus, known):
    """Writes every capture of the tarball's capture directory into @corpus/gen, uncompressed, without
    embedded secrets when @source says so, keeping only those tshark reads to their end and whose
    SHA-1 is not in @known."""
    gen = os.path.join(corpus, "gen")
    shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(gen)
    want = source["captures"].split("/")
    with tarfile.open(tarball) as tar:
        for m in tar.getmembers():
            parts = m.name.split("/")
            if not m.isfile() or parts[1:-1] != want or m.size > MAX_CAPTURE_BYTES:
                continue
            name = parts[-1]
            if not re.search(r"\.(pcap|pcapng|cap)(\.gz)?$", name):
                continue
            data = tar.extractfile(m).read()
            if name.endswith(".gz"):
                data, name = gzip.decompress(data), name[:-3]
            if hashlib.sha1(data).hexdigest() in known:
                continue
            with open(os.path.join(gen, name), "wb") as f:
                f.write(data)
    for path in sorted(glob.glob(os.path.join(gen, "*"))):
        if source["drop_secrets"] and path.endswith(".pcapng"):
            subprocess.run(["editcap", "--discard-all-secrets", path, path + ".tmp"], capture_output=True)
            if os.path.exists(path + ".tmp"):
                os.replace(path + ".tmp", path)
        probe = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number"],
                               capture_output=True)
        if probe.returncode != 0 or not probe.stdout:
            os.remove(path)  # empty, cut short, or not a capture tshark reads
    return len(os.listdir(gen))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True, choices=sorted(SOURCES))
    ap.add_argument("--pktctl", required=True)
    ap.add_argument("--cache", required=True, help="where the tarball is kept and the captures unpacked")
    ap.add_argument("--corpus-index", help="the shared corpus's index.tsv: its files are left out")
    args = ap.parse_args()
    source = SOURCES[args.source]
    if not shutil.which("tshark") or not shutil.which("editcap"):
        print("debian_captures: needs tshark and editcap", file=sys.stderr)
        return SKIP
    os.makedirs(args.cache, exist_ok=True)
    tarball = source_tarball(source, args.cache)
    if not tarball:
        print(f"debian_captures: cannot fetch the {source['package']} source from Debian's archive",
              file=sys.stderr)
        return SKIP
    corpus = os.path.join(args.cache, f"{args.source}-captures")
    n = unpack_captures(source, tarball, corpus, corpus_sha1s(args.corpus_index))
    print(f"{n} captures from {os.path.basename(tarball)}", flush=True)
    generated_compare.index(corpus, made_by=f"{os.path.basename(tarball)} {source['captures']}")
    return generated_compare.compare(args.pktctl, corpus)


if __name__ == "__main__":
    sys.exit(main())
