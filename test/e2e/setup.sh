#!/usr/bin/env bash
# Installs what the end-to-end tests need on a fresh Debian machine, once:
#  - Debian packages: chromium (driven by playwright-core), ripgrep (VS Code's search binary, which
#    @vscode/ripgrep would otherwise download from the internet), libkrb5-dev (headers for the
#    kerberos native module);
#  - code-server 4.100.3 (VS Code 1.100.3, the last release on Node 20) from npm, into a cache
#    folder outside the repository.
# Idempotent: each step is skipped when its result is present. Prints the code-server path last.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE_DIR=${MULTIVERSE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/multiverse-e2e}
INSTALL_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
BIN="$INSTALL_DIR/node_modules/code-server/out/node/entry.js"

log() { printf 'e2e-setup: %s\n' "$*" >&2; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages ${missing[*]}; run this script as root or install them with apt-get"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -e "$INSTALL_DIR/.ready" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $INSTALL_DIR"
  echo "$BIN"
  exit 0
fi

log "installing code-server $CODE_SERVER_VERSION into $INSTALL_DIR (about a minute)"
rm -rf "$INSTALL_DIR"
mkdir -p "$INSTALL_DIR"
cd "$INSTALL_DIR"
printf '{ "name": "multiverse-e2e-code-server", "private": true }\n' > package.json

# npm blocks dependency install scripts unless a project's allow-scripts lists them: install without
# scripts, then rebuild exactly the native modules code-server needs, each folder allowing its own.
export npm_config_yes=true npm_config_unsafe_perm=true npm_config_audit=false npm_config_fund=false
npm install --no-save --ignore-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
printf 'allow-scripts=argon2\n' > .npmrc
npm rebuild --loglevel=error argon2 >&2

vscode="$INSTALL_DIR/node_modules/code-server/lib/vscode"
cd "$vscode"
npm install --omit=dev --ignore-scripts --loglevel=error >&2
# @vscode/ripgrep's postinstall downloads rg from the internet; Debian's rg is the same 13.0.0.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
printf 'allow-scripts=kerberos,node-pty,@vscode/spdlog,native-watchdog,@vscode/deviceid,@parcel/watcher\n' > .npmrc
npm rebuild --loglevel=error >&2
for module in kerberos node-pty @vscode/spdlog native-watchdog @vscode/deviceid @parcel/watcher; do
  node -e "require('$module')" || { log "native module $module does not load after the rebuild"; exit 1; }
done
(cd extensions && npm install --omit=dev --ignore-scripts --loglevel=error >&2)
ln -sfn node_modules node_modules.asar

touch "$INSTALL_DIR/.ready"
log "code-server installed"
echo "$BIN"
