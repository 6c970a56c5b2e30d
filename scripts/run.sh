#!/bin/sh
# The main job on a built-in default: set up, build, and print the sample capture that ships with the
# repository, packet by packet. Any arguments go to "pktctl read" instead of the sample.
#
# Then, as root, the live path on loopback: start pktd on a private socket, have it send an ICMP echo
# and match the answer ("pktctl sr"), and capture a few pings ("pktctl watch"); pktd is stopped on the
# way out whatever happens.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh build
if [ $# -gt 0 ]; then
        exec build/tools/pktctl read "$@"
fi
build/tools/pktctl read tests/data/sample.pcap

echo
echo "== live: pktd on loopback =="
if [ "$(id -u)" -ne 0 ]; then
        echo "The live part needs root (pktd opens raw sockets): run 'sudo sh scripts/run.sh' to see it."
        exit 0
fi

pktctl=build/tools/pktctl
tmp=$(mktemp -d /tmp/pktd-run.XXXXXX)
pktd_pid=""
watch_pid=""
stop_pktd() {
        [ -z "$watch_pid" ] || kill "$watch_pid" 2>/dev/null || true
        if [ -n "$pktd_pid" ]; then
                kill "$pktd_pid" 2>/dev/null || true
                wait "$pktd_pid" 2>/dev/null || true
        fi
        rm -rf "$tmp"
}
trap stop_pktd EXIT
trap 'exit 130' INT TERM

# A private pktd: its own socket and a config that makes the current user admin.
printf '[roles]\nadmin = user:%s\n' "$(id -u)" >"$tmp/pktd.conf"
build/daemon/pktd --listen "$tmp/api.sock" --config "$tmp/pktd.conf" --allow-root 2>"$tmp/pktd.log" &
pktd_pid=$!
export PKTD_SOCKET="$tmp/api.sock"
tries=0
until $pktctl status >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ $tries -ge 50 ] || ! kill -0 "$pktd_pid" 2>/dev/null; then
                echo "pktd did not start:"; cat "$tmp/pktd.log"; exit 1
        fi
        sleep 0.1
done

echo "\$ pktctl sr -i lo 'ip(dst=127.0.0.1)/icmp(type=8)/echo(id=7,seq=1)' --l3 --timeout 1"
$pktctl sr -i lo 'ip(dst=127.0.0.1)/icmp(type=8)/echo(id=7,seq=1)' --l3 --timeout 1 || true

echo
echo "\$ pktctl watch -i lo -c 6 --duration 5 icmp &"
$pktctl watch -i lo -c 6 --duration 5 icmp >"$tmp/watch.out" 2>"$tmp/watch.err" &
watch_pid=$!
# Send once the capture is armed (watch says so on stderr), at most 5 s later.
tries=0
until grep -q "^listening" "$tmp/watch.err" || [ $tries -ge 50 ]; do
        tries=$((tries + 1))
        sleep 0.1
done
probe() { echo "ip(dst=127.0.0.1)/icmp(type=8)/echo(id=8,seq=$1)"; }
echo "\$ pktctl send -i lo --interval 200 '$(probe 1)' '$(probe 2)' '$(probe 3)'"
$pktctl send -i lo --interval 200 "$(probe 1)" "$(probe 2)" "$(probe 3)"
wait "$watch_pid" || true
echo "(watch:)"
head -n 1 "$tmp/watch.err"
cat "$tmp/watch.out"
tail -n +2 "$tmp/watch.err"
