#!/usr/bin/env bash
# Installs the build tools that do not come from PyPI into .tools/ (offline-friendly: registry packages only).
set -euo pipefail
cd "$(dirname "$0")/.."
want="${1:-all}"

install_buf() {
  local dir=.tools/buf
  if [ -x "$dir/node_modules/.bin/buf" ]; then return; fi
  mkdir -p "$dir"
  echo '{"name":"wastecoach-tools","private":true}' > "$dir/package.json"
  # No lock file: it would record download addresses.
  npm install --prefix "$dir" --no-package-lock --no-save --no-audit --no-fund @bufbuild/buf@1.75.0 >/dev/null
}

case "$want" in
  buf) install_buf ;;
  all) install_buf ;;
  *) echo "unknown tool: $want" >&2; exit 2 ;;
esac
