#!/usr/bin/env bash
# The OMEMO 2 test peer for Sotto's tests: python-omemo with its twomemo backend and slixmpp, from Debian
# (python3-omemo, python3-twomemo, python3-slixmpp; all MIT or MIT-style licensed), driven by Sotto's own small driver
# protocol/src/test/resources/omemo2/twomemo_peer.py (no Python OMEMO glue is packaged).
#
#   omemo2-peer.sh install      install the packages from Debian if /usr/bin/python3 cannot import them (needs root,
#                               as scripts/xmpp-servers.sh does for the servers); prints the interpreter's path.
set -euo pipefail

readonly PYTHON=/usr/bin/python3
readonly PACKAGES=(python3-omemo python3-twomemo python3-slixmpp)

die() { echo "omemo2-peer: $*" >&2; exit 1; }

have_modules() { [ -x "$PYTHON" ] && "$PYTHON" -c 'import omemo, twomemo, slixmpp, xeddsa' >/dev/null 2>&1; }

case "${1:-}" in
  install)
    if ! have_modules; then
      [ "$(id -u)" -eq 0 ] || die "missing ${PACKAGES[*]} and not root: install them with apt-get"
      echo "omemo2-peer: installing ${PACKAGES[*]} from Debian" >&2
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >&2
      have_modules || die "the packages are installed but $PYTHON cannot import them"
    fi
    echo "$PYTHON"
    ;;
  *) die "usage: omemo2-peer.sh install" ;;
esac
