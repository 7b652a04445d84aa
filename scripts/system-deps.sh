#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, HarfBuzz subsetting for
# WeasyPrint, poppler for looking at PDFs. Installs only what is missing, only as root.
set -euo pipefail
wanted=(chromium libharfbuzz-subset0 poppler-utils)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  [ -n "${CI:-}" ] && exit 1
  exit 0
fi
echo "installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
