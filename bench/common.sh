# shellcheck shell=bash
# What the benchmarks that set pvm against uv on real packages share (bench/cold.sh,
# bench/lock.sh), sourced by them with BENCH set to their name:
#
#   - REPO, the repository (and the current folder);
#   - PYTHON, the newest pyenv 3.12 (else Debian's python3), or as given;
#   - PVM, a release build of this tree, or PVM_BIN (another build, say main's before a change);
#   - SCRATCH, a new scratch folder removed at the end, into which every cache and data folder
#     of pvm, uv and pip points, so that runs compare and nothing leaks;
#   - UV, a pinned uv (UV_VERSION) from PyPI in a throwaway venv, which pvm resolves with too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$PWD"

UV_VERSION="${UV_VERSION:-0.13.9}"
PYTHON="${PYTHON:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3 2>/dev/null | tail -1)}"
PYTHON="${PYTHON:-/usr/bin/python3}"

if [[ -z "${PVM_BIN:-}" ]]; then cargo build --release --quiet; fi
PVM="${PVM_BIN:-$REPO/target/release/pvm}"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/pvm-$BENCH.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
export PVM_HOME="$SCRATCH/pvm-home" UV_CACHE_DIR="$SCRATCH/uv-cache" XDG_DATA_HOME="$SCRATCH/data"
export XDG_CACHE_HOME="$SCRATCH/cache" XDG_CONFIG_HOME="$SCRATCH/config" PIP_CACHE_DIR="$SCRATCH/pip-cache"
export UV_PYTHON_DOWNLOADS=never NO_COLOR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

echo "installing uv==$UV_VERSION into $SCRATCH/tools/uv" >&2
"$PYTHON" -m venv "$SCRATCH/tools/uv"
"$SCRATCH/tools/uv/bin/pip" install --quiet "uv==$UV_VERSION"
UV="$SCRATCH/tools/uv/bin/uv"
export PVM_UV="$UV"
