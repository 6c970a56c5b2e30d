#!/bin/sh
# The whole test suite: set up, then build and run every test twice, once in a normal build and once
# under AddressSanitizer + UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

sh scripts/setup.sh build -DPKTD_WERROR=ON
(cd build && ctest --output-on-failure -j"$jobs" --timeout 600)

sh scripts/setup.sh build-asan -DPKTD_WERROR=ON -DPKTD_BUILD_BENCH=OFF \
        -DPKTD_SANITIZE="address;undefined" -DCMAKE_BUILD_TYPE=Debug
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure -j"$jobs" --timeout 900)
