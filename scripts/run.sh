#!/bin/sh
# The main job on a built-in default: set up, build, and print the sample capture that ships with the
# repository, packet by packet. Any arguments go to "pktctl read" instead of the sample.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh build
if [ $# -eq 0 ]; then
        set -- tests/data/sample.pcap
fi
exec build/tools/pktctl read "$@"
