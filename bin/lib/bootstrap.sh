# Shared set-up for bin/run and bin/test: apt packages, the virtualenv and pinned requirements.
# Sourced, not executed. Every step is idempotent and skips quickly when already done.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"

log() { printf '\033[1;34m[tributary]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

# ensure_apt <command-or-path> <package>...: installs the packages when the command is missing.
ensure_apt() {
  local probe="$1"; shift
  if command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ]; then return 0; fi
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

python_bin() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
  done
  return 1
}

# ensure_venv <requirements file>: creates .venv and installs the pinned requirements when they changed.
ensure_venv() {
  local requirements="$1" py stamp wanted
  py="$(python_bin)" || { ensure_apt python3 python3 python3-venv; py="$(python_bin)"; }
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv in .venv"
    "$py" -m venv "$VENV" 2>/dev/null || { ensure_apt /usr/lib/python3/dist-packages/venv python3-venv; "$py" -m venv "$VENV"; }
  fi
  stamp="$VENV/.requirements-$(basename "$requirements").sha"
  wanted="$(cat "$ROOT"/requirements*.txt | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    log "installing pinned requirements ($requirements)"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/$requirements"
    echo "$wanted" > "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}
