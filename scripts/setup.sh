#!/bin/sh
# Install the Debian packages the rig, the firmware and the tests need.
# As root: apt-get update + install --no-install-recommends what is missing.
# Otherwise: print the exact command and stop, so nothing half-installs.
set -eu

# python3-serial-asyncio is only a Recommends of python3-pymodbus, but its
# serial client imports it; clang + libclang-rt-dev (libFuzzer) build the
# fuzz target of `make test` and `make fuzz`; valgrind (callgrind) counts
# the metrology's instructions per sample for `make bench`; libmicrohttpd
# serves `rig serve`'s operator page, which its test loads in headless
# chromium to check what an operator sees. libcairo2-dev draws the simulated
# meter's LCD (benchd), ssocr reads seven-segment digits from an image.
PACKAGES="make gcc pkg-config libc6-dev
libmodbus-dev libcriterion-dev libinih-dev libsqlite3-dev libjansson-dev
libpq-dev postgresql postgresql-common
libgpiod-dev libserialport-dev
gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
mbpoll python3 python3-pymodbus python3-serial-asyncio
clang libclang-rt-dev
valgrind
libmicrohttpd-dev chromium
libcairo2-dev ssocr
qemu-system-arm gdb-multiarch openocd"

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages:$missing" >&2
    echo "setup: run as root:  apt-get update && $cmd" >&2
    exit 1
fi

echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
