#!/usr/bin/env bash
# A fresh env from the lock with EMPTY caches (everything downloaded), pvm against
# `uv sync --frozen`, interleaved round by round (bench/interleave.py); then the same with warm
# caches. The manifest is 12 real dependencies (about 35 packages), each tool with its own lock
# (pvm's pylock.toml, uv's uv.lock), the same interpreter. Needs PyPI access.
#
#   bench/cold.sh            # ROUNDS=10 by default (each cold round downloads every wheel)
#   ROUNDS=20 bench/cold.sh
#   PVM_BIN=/path/to/pvm bench/cold.sh   # another build of pvm (say, main's before a change)
#   PVM_BASE=/path/to/pvm bench/cold.sh  # and another build in the same empty-cache rounds
#
# uv is a pinned version from PyPI in a throwaway venv; every cache and data folder points
# into one scratch folder, removed at the end (bench/common.sh). Read the ratios, not the
# single times.
BENCH=cold
ROUNDS="${ROUNDS:-10}"
DEPENDENCIES='"requests", "rich", "httpx", "flask", "pydantic", "attrs", "pyyaml", "python-dateutil", "click", "jinja2", "tqdm", "packaging"'
source "$(dirname "$0")/common.sh"

manifest() { # name
    printf '[project]\nname = "%s"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [%s]\n' \
        "$1" "$DEPENDENCIES"
}
mkdir -p "$SCRATCH/pvm" "$SCRATCH/pvm-nopip" "$SCRATCH/uv-proj"
manifest cold > "$SCRATCH/uv-proj/pyproject.toml"
{ manifest cold; printf '\n[tool.pvm]\npython = "%s"\n' "$PYTHON"; } > "$SCRATCH/pvm/pyproject.toml"
# uv's envs hold no pip: the same env without it.
{ manifest cold; printf '\n[tool.pvm]\npython = "%s"\nseed-pip = false\n' "$PYTHON"; } > "$SCRATCH/pvm-nopip/pyproject.toml"
(cd "$SCRATCH/uv-proj" && "$UV" lock --quiet --python "$PYTHON")
(cd "$SCRATCH/pvm" && "$PVM" lock --quiet)
cp "$SCRATCH/pvm/pylock.toml" "$SCRATCH/pvm-nopip/"
echo "$(grep -c '^\[\[packages\]\]' "$SCRATCH/pvm/pylock.toml") packages in the lock" >&2

PVM_A="$PVM --project $SCRATCH/pvm"
PVM_B="$PVM --project $SCRATCH/pvm-nopip"
UV_P="$UV --directory $SCRATCH/uv-proj"
UV_SYNC="$UV_P sync --quiet --frozen --python $PYTHON"
# Empty caches: the store's whole cache (interpreter facts too) and uv's whole cache.
COLD_PVM="rm -rf $PVM_HOME/envs $PVM_HOME/cache"
COLD_UV="rm -rf $SCRATCH/uv-proj/.venv $UV_CACHE_DIR"
# A base build (before a change) takes its turns in the same rounds: a ratio of two builds
# that ran minutes apart on a shared machine says little.
BASE=()
if [[ -n "${PVM_BASE:-}" ]]; then
    BASE=("pvm sync --frozen, empty cache (base build)" "$COLD_PVM" "$PVM_BASE --project $SCRATCH/pvm sync --quiet --frozen"
        "pvm sync --frozen, empty cache, seed-pip = false (base build)" "$COLD_PVM" "$PVM_BASE --project $SCRATCH/pvm-nopip sync --quiet --frozen")
fi
"$PYTHON" "$REPO/bench/interleave.py" "$ROUNDS" \
    "uv sync --frozen, empty cache" "$COLD_UV" "$UV_SYNC" \
    "pvm sync --frozen, empty cache" "$COLD_PVM" "$PVM_A sync --quiet --frozen" \
    "pvm sync --frozen, empty cache, seed-pip = false" "$COLD_PVM" "$PVM_B sync --quiet --frozen" \
    "${BASE[@]}" > "$SCRATCH/cold.md"
# Warm caches: only the envs go.
$UV_SYNC && $PVM_A sync --quiet --frozen && $PVM_B sync --quiet --frozen
"$PYTHON" "$REPO/bench/interleave.py" "$((ROUNDS * 2))" \
    "uv sync --frozen, warm cache" "rm -rf $SCRATCH/uv-proj/.venv" "$UV_SYNC" \
    "pvm sync --frozen, warm cache" "$PVM_A remove --yes --quiet" "$PVM_A sync --quiet --frozen" \
    "pvm sync --frozen, warm cache, seed-pip = false" "$PVM_B remove --yes --quiet" "$PVM_B sync --quiet --frozen" \
    > "$SCRATCH/warm.md"

printf '\nA fresh env from the lock, %s rounds interleaved (%s):\n\n| command | median | vs uv | paired |\n|---|---:|---:|---:|\n' \
    "$ROUNDS" "$(basename "$(dirname "$(dirname "$PYTHON")")")"
cat "$SCRATCH/cold.md"
printf '| | | | |\n'
cat "$SCRATCH/warm.md"
