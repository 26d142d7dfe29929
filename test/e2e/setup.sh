#!/usr/bin/env bash
# Installs what the end-to-end tests need on a fresh Debian machine, once:
#  - Debian packages: chromium (driven by playwright-core), ripgrep (VS Code's search binary, which
#    @vscode/ripgrep would otherwise download from the internet), libkrb5-dev (headers for the
#    kerberos native module);
#  - two code-servers from npm, each into its own folder of a cache outside the repository:
#    4.100.3 (VS Code 1.100.3, the last release on Node 20, the oldest VS Code the extension
#    supports) on this machine's Node, and the newest one the registry serves on the Node line it
#    declares (Node 24 today), installed from the npm registry by scripts/node-lines.mjs.
# Idempotent: each step is skipped when its result is present. Prints one line per code-server:
# "<version> <node binary> <entry script>", oldest first.
set -euo pipefail

OLDEST=4.100.3
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE_DIR=${MULTIVERSE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/multiverse-e2e}

log() { printf 'e2e-setup: %s\n' "$*" >&2; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
command -v flock >/dev/null || missing+=(util-linux)
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
mkdir -p "$CACHE_DIR"

export npm_config_yes=true npm_config_unsafe_perm=true npm_config_audit=false npm_config_fund=false

# Native modules that must load before a code-server counts as installed.
check_natives() {
  local module
  for module in "$@"; do
    node -e "require('$module')" || { log "native module $module does not load after the rebuild"; return 1; }
  done
}

# code-server 4.100.3 on Node 20. npm blocks dependency install scripts unless a project's
# allow-scripts lists them: install without scripts, then rebuild exactly the native modules
# code-server needs, each folder allowing its own.
install_oldest() {
  npm install --no-save --ignore-scripts --loglevel=error "code-server@$OLDEST" >&2
  printf 'allow-scripts=argon2\n' > .npmrc
  npm rebuild --loglevel=error argon2 >&2
  cd node_modules/code-server/lib/vscode
  npm install --omit=dev --ignore-scripts --loglevel=error >&2
  # @vscode/ripgrep's postinstall downloads rg from the internet; Debian's rg is the same 13.0.0.
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  printf 'allow-scripts=kerberos,node-pty,@vscode/spdlog,native-watchdog,@vscode/deviceid,@parcel/watcher\n' > .npmrc
  npm rebuild --loglevel=error >&2
  check_natives kerberos node-pty @vscode/spdlog native-watchdog @vscode/deviceid @parcel/watcher
  (cd extensions && npm install --omit=dev --ignore-scripts --loglevel=error >&2)
  ln -sfn node_modules node_modules.asar
}

# The newest code-server, on its Node line (PATH and node-gyp's headers come from that line's
# npm package, so native modules build for it). What changed since 4.100.3: ripgrep now comes as
# @vscode/ripgrep-universal with binaries for every platform in the package (no download, no
# Debian rg); lib/vscode's package.json carries its own allowScripts list, which npm's rebuild
# follows; argon2 ships a prebuilt N-API binary; more native modules (@vscode/sqlite3,
# @vscode/fs-copyfile) build from source.
install_newest() {
  local version=$1
  npm install --no-save --ignore-scripts --loglevel=error "code-server@$version" >&2
  node -e "require('./node_modules/code-server/node_modules/argon2')" 2>/dev/null || {
    printf 'allow-scripts=argon2\n' > .npmrc
    npm rebuild --loglevel=error argon2 >&2
  }
  cd node_modules/code-server/lib/vscode
  npm install --omit=dev --ignore-scripts --loglevel=error >&2
  npm rebuild --loglevel=error >&2
  check_natives kerberos node-pty @vscode/spdlog @vscode/native-watchdog @vscode/deviceid @parcel/watcher @vscode/sqlite3
  (cd extensions && npm install --omit=dev --ignore-scripts --loglevel=error >&2)
  ln -sfn node_modules node_modules.asar
}

# Installs code-server $1 with function $2 on the node binary $3 into its own folder, once. The
# folder is built under a temporary name and renamed when complete, under a lock, so parallel
# runs and interrupted installs never leave a half-installed code-server in place.
ensure() {
  local version=$1 how=$2 node=$3
  local dir="$CACHE_DIR/code-server-$version"
  exec 9>"$CACHE_DIR/.code-server-$version.lock"
  flock 9
  if [ ! -e "$dir/.ready" ]; then
    log "installing code-server $version on Node $("$node" --version) into $dir (minutes: native modules build)"
    local staging="$dir.partial"
    rm -rf "$staging"
    mkdir -p "$staging"
    printf '{ "name": "multiverse-e2e-code-server", "private": true }\n' > "$staging/package.json"
    (
      cd "$staging"
      export PATH="$(dirname "$node"):$PATH"
      if [ "$node" != "$(command -v node)" ]; then export npm_config_nodedir="$(dirname "$(dirname "$node")")"; fi
      "$how" "$version"
    )
    touch "$staging/.ready"
    rm -rf "$dir"
    mv "$staging" "$dir"
    log "code-server $version installed"
  fi
  flock -u 9
  printf '%s\t%s\t%s\n' "$version" "$node" "$dir/node_modules/code-server/out/node/entry.js"
}

ensure "$OLDEST" install_oldest "$(command -v node)"

# The newest release the registry serves, and the Node line it declares; without the registry
# (offline), the newest one installed before.
newest=$(npm view code-server version 2>/dev/null || true)
if [ -z "$newest" ]; then
  newest=$(find "$CACHE_DIR" -maxdepth 2 -name .ready -path '*/code-server-*' | sed 's|.*/code-server-\([^/]*\)/.ready|\1|' | sort -V | tail -1)
  log "the registry did not answer; using the newest code-server installed: ${newest:-none}"
fi
if [ -n "$newest" ] && [ "$newest" != "$OLDEST" ]; then
  engines=$(npm view "code-server@$newest" engines.node 2>/dev/null || true)
  major=$(printf '%s' "${engines:-24}" | grep -o '[0-9]\+' | head -1)
  ensure "$newest" install_newest "$(node "$REPO/scripts/node-lines.mjs" "$major")"
fi
