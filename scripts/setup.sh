#!/bin/sh
# Installs what pktd needs to build and test on Debian 12, then configures and builds into $1
# (default: build/) with any further arguments passed to cmake. Idempotent: apt-get is skipped when
# every package is already there.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential cmake pkg-config clang libclang-rt-14-dev libpcap-dev libevent-dev
libjson-c-dev libsystemd-dev libcmocka-dev tshark tcpdump python3-scapy libtins-dev iproute2
systemd socat"
# strace: tests/integration/test_systemd_sandbox.py traces pktd against pktd.service's sandbox.
PACKAGES="$PACKAGES strace"
# Traffic sources for tests/oracle/live_traffic.py (real stacks talking between two namespaces).
# bird2 and keepalived: routing (BGP, OSPF, RIP) and VRRP there; the tests run their own instances.
PACKAGES="$PACKAGES iputils-ping curl openssl dnsutils dnsmasq-base isc-dhcp-client bird2 keepalived"

missing=""
for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
        echo "setup: installing$missing"
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        # tshark asks whether non-root users may capture; answer for it.
        echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
        # Installing bird2 starts the host's own routing daemon; the tests need only the program, so
        # the service we caused is stopped again (a bird already installed is left as it was).
        case " $missing " in
        *" bird2 "*) $SUDO systemctl disable --now bird >/dev/null 2>&1 || true ;;
        esac
fi

dir=${1:-build}
[ $# -gt 0 ] && shift
cmake -S . -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
