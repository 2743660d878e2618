#!/usr/bin/env bash
# The Debian packages a make target needs, installed when missing (as root, non-interactive),
# or one clear command to run and a stop. Called by `make setup` (run) and `make test`.
#   run:  fonts-dejavu-core (the exercises' drawn screens use DejaVu Sans: Pillow's own font
#         has no "€")
#   test: the above, plus chromium (browser tests, driven by Playwright through its
#         executable path), postgresql (the privacy proofs again on PostgreSQL), redis-server
#         and nginx (the production and scale-out tiers)
set -euo pipefail
profile="${1:-run}"
need=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ "$profile" = test ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pg_ctlcluster >/dev/null || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  exit 0
fi
echo "Missing Debian packages. Install them once, then run make again:" >&2
echo "  sudo apt-get install -y ${need[*]}" >&2
exit 1
