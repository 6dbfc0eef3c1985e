#!/usr/bin/env bash
# Installs what the iai-callgrind benches need: valgrind, and iai-callgrind-runner at the
# version of the iai-callgrind dev-dependency in benches/Cargo.toml (only if that exact
# version is not installed already).
set -euo pipefail
cd "$(dirname "$0")"

version=$(sed -n 's/^iai-callgrind = "\(.*\)"/\1/p' Cargo.toml)
if [ -z "$version" ]; then
    echo "setup.sh: cannot find the iai-callgrind version in benches/Cargo.toml" >&2
    exit 1
fi

if ! command -v valgrind >/dev/null 2>&1; then
    echo "setup.sh: installing valgrind"
    apt-get update && apt-get install -y valgrind
fi

# The runner's own --version insists on being called by the harness, so ask cargo.
installed=$(cargo install --list | sed -n 's/^iai-callgrind-runner v\([^:]*\):$/\1/p')
if [ "$installed" = "$version" ]; then
    echo "setup.sh: iai-callgrind-runner $version already installed"
else
    echo "setup.sh: installing iai-callgrind-runner $version (found: ${installed:-none})"
    cargo install iai-callgrind-runner --version "$version" --locked
fi
