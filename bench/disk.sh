#!/usr/bin/env bash
# Disk over time: 20 projects that share the same dependencies (about 30 packages from PyPI),
# each synced by pvm into the store and by uv into its own `.venv`. Reports `du` over pvm's
# store (envs and cache together: hard links counted once) against one env alone, and the same
# for uv (its cache and the 20 `.venv`s). Needs the package index.
#
#   bench/disk.sh                 # PROJECTS=20
#   PVM_BIN=/path/to/pvm bench/disk.sh
BENCH=disk
PROJECTS="${PROJECTS:-20}"
DEPENDENCIES='"requests", "rich", "httpx", "flask", "pydantic", "attrs", "pyyaml", "python-dateutil", "click", "jinja2", "tqdm", "packaging"'
source "$(dirname "$0")/common.sh"

manifest() { # name
    printf '[project]\nname = "%s"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [%s]\n' \
        "$1" "$DEPENDENCIES"
}
for i in $(seq 1 "$PROJECTS"); do
    mkdir -p "$SCRATCH/pvm/p$i" "$SCRATCH/uv/p$i"
    { manifest "p$i"; printf '\n[tool.pvm]\npython = "%s"\n' "$PYTHON"; } > "$SCRATCH/pvm/p$i/pyproject.toml"
    manifest "p$i" > "$SCRATCH/uv/p$i/pyproject.toml"
done
(cd "$SCRATCH/pvm/p1" && "$PVM" lock --quiet)
(cd "$SCRATCH/uv/p1" && "$UV" lock --quiet --python "$PYTHON")
for i in $(seq 2 "$PROJECTS"); do
    cp "$SCRATCH/pvm/p1/pylock.toml" "$SCRATCH/pvm/p$i/"
    sed "s/name = \"p1\"/name = \"p$i\"/" "$SCRATCH/uv/p1/uv.lock" > "$SCRATCH/uv/p$i/uv.lock"
done
echo "$(grep -c '^\[\[packages\]\]' "$SCRATCH/pvm/p1/pylock.toml") packages in the lock" >&2

kib() { du -sk "$@" | awk '{ total += $1 } END { print total }'; }
row() { # what, one env KiB, all KiB
    awk -v what="$1" -v one="$2" -v all="$3" -v n="$PROJECTS" \
        'BEGIN { printf "%-44s %8.1f MiB %8.1f MiB %6.2fx\n", what, one / 1024, all / 1024, all / one }'
}
printf '%-44s %12s %12s %7s\n' "" "one env" "$PROJECTS projects" "ratio"

# pvm: one project synced, its env alone; then all of them, the store with du (links once).
"$PVM" --project "$SCRATCH/pvm/p1" sync --quiet --frozen
ONE=$(kib "$PVM_HOME"/envs/*)
for i in $(seq 2 "$PROJECTS"); do "$PVM" --project "$SCRATCH/pvm/p$i" sync --quiet --frozen; done
row "pvm: store (envs + cache) vs one env" "$ONE" "$(kib "$PVM_HOME")"
row "pvm: envs only vs one env" "$ONE" "$(kib "$PVM_HOME/envs")"
"$PVM" list | tail -n 1 >&2
"$PVM" cache size >&2

# uv: the same with its cache and one .venv per project.
(cd "$SCRATCH/uv/p1" && "$UV" sync --quiet --frozen --python "$PYTHON")
ONE_UV=$(kib "$SCRATCH/uv/p1/.venv")
for i in $(seq 2 "$PROJECTS"); do
    (cd "$SCRATCH/uv/p$i" && "$UV" sync --quiet --frozen --python "$PYTHON")
done
row "uv: cache + .venvs vs one .venv" "$ONE_UV" "$(kib "$UV_CACHE_DIR" "$SCRATCH"/uv/p*/.venv)"
row "uv: .venvs only vs one .venv" "$ONE_UV" "$(kib "$SCRATCH"/uv/p*/.venv)"
