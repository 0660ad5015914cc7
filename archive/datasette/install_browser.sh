#!/usr/bin/env bash
# Headless Chromium and Arabic fonts for tests/reader/test_browse.py and for looking at the archive browser.
# Debian, as root. Does nothing when both are already installed.
#   chromium        -> /usr/bin/chromium (--headless --dump-dom / --screenshot)
#   fonts-noto-core -> Noto Naskh Arabic / Noto Sans Arabic, named first in static/arabic.css
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ]; then
    exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null
/usr/bin/chromium --version
