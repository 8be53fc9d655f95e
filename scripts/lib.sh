# Shared by scripts/start and scripts/test: install what is missing, build, common paths.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LIAISON_CACHE=${LIAISON_CACHE:-$HOME/.cache/liaison}
export LIAISON_STATE=${LIAISON_STATE:-$HOME/.local/state/liaison}
export npm_config_cache="$LIAISON_CACHE/npm"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
cd "$ROOT"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

require_tools() {
  local missing=()
  for tool in node npm java go; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing tools: ${missing[*]} (this machine kind provides Node 20, Java 17+, Go)" >&2
    exit 1
  fi
}

# npm ci when node_modules is absent or older than the lockfile.
install_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "installing node modules (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build_all() {
  step "building (nx, cached)"
  npx nx run-many -t build --output-style=static
}
