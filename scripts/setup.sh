#!/usr/bin/env bash
# Installs what baomi needs on a fresh Debian machine with Python 3.11:
# the libmagic system library, a virtual environment in .venv, and baomi itself
# (with the given pip extras, e.g. "test"). Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

python=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    python="$candidate"; break
  fi
done
if [ -z "$python" ]; then
  apt_install python3 python3-venv
  python=python3
fi

# libmagic: python-magic loads it at import time to detect file types by content.
if ! ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1'; then
  apt_install libmagic1
fi
# libarchive: libarchive-c reads RAR archives through it.
if ! ldconfig -p 2>/dev/null | grep -q 'libarchive\.so\.13'; then
  apt_install libarchive13 || apt_install libarchive13t64  # Debian 12, then 13
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv
    "$python" -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[$extras]"
else
  .venv/bin/python -m pip install -q -e .
fi

# OpenCV (RapidOCR's image operations) loads libGL and GLib at import time; minimal
# Debian images lack them.
if ! .venv/bin/python -c 'import cv2' >/dev/null 2>&1; then
  apt_install libgl1 libglib2.0-0
fi

# A Chinese TrueType font: the PDF risk report embeds it (reports/fonts.py), and the tests
# draw Chinese text into images for OCR with it.
if [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  apt_install fonts-wqy-microhei
fi

case ",$extras," in
  *,test,*)
    # The web page's end-to-end test drives Debian's Chromium with Playwright (no browser
    # download: Playwright is pointed at /usr/bin/chromium).
    if ! command -v chromium >/dev/null 2>&1; then
      apt_install chromium
    fi
    ;;
esac
