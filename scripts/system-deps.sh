#!/usr/bin/env bash
# Installs the system packages the test suite needs: Chromium (+ driver) for the browser
# tests, PostgreSQL 15 server binaries for the PostgreSQL parity tests and DejaVu Sans for the
# print PDF (Typst embeds it).
# Run as root (CI is); elsewhere it tells you what is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installerar systempaket: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Saknade systempaket: ${missing[*]} (installera med: sudo apt-get install ${missing[*]})" >&2
  [ "${CI:-}" = "true" ] && exit 1
fi
