#!/usr/bin/env bash
# Install what the browser tests (pytest -m browser) need: Debian's chromium and, in the active
# Python environment, playwright from PyPI to drive it. Idempotent: does nothing when both are there.
# Never runs `playwright install`: the tests use /usr/bin/chromium through executable_path.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

if ! python -c "import playwright.sync_api" >/dev/null 2>&1; then
    python -m pip install -q "playwright>=1.40,<2"
fi

chromium --version
python -c "import playwright; print('playwright', __import__('importlib.metadata').metadata.version('playwright'))"
