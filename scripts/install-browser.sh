#!/usr/bin/env bash
# Installs Debian's Chromium for the viewer's browser tests (tests/test_viz_browser.py), unless
# /usr/bin/chromium is already there. Playwright drives this browser; it never downloads its own.
# Non-interactive; needs root (or sudo) and Debian's package registry.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "install-browser: /usr/bin/chromium is already installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
