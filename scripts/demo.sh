#!/usr/bin/env bash
# Sets up (liblmdb-dev when missing), builds, and runs the end-to-end demo.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pkg-config --exists lmdb 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update
  $SUDO apt-get install -y liblmdb-dev pkg-config
fi
swift run -c release tidemark demo "$@"
