#!/usr/bin/env bash
# Side-by-side timings of pvm and uv (and python -m venv, pip), with hyperfine: warm runs,
# env creation, syncing 20 local wheels, a no-op sync.
#
#   bench/compare.sh            # needs hyperfine (apt-get install hyperfine) and the network to PyPI
#
# Builds pvm in release mode, installs a pinned uv from PyPI into a throwaway venv, redirects
# every tool's caches into a scratch folder, and prints medians and ratios. Figures drift on a
# shared machine: read the ratios, not the single times.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"

UV_VERSION="${UV_VERSION:-0.13.9}"
PYTHON="${PYTHON:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3 2>/dev/null | tail -1)}"
PYTHON="${PYTHON:-/usr/bin/python3}"
RUNS="${RUNS:-30}"

command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet
PVM="$PWD/target/release/pvm"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/pvm-bench.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
export PVM_HOME="$SCRATCH/pvm-home" UV_CACHE_DIR="$SCRATCH/uv-cache" XDG_DATA_HOME="$SCRATCH/data"
export UV_PYTHON_DOWNLOADS=never NO_COLOR=1

echo "installing uv $UV_VERSION into $SCRATCH/tools" >&2
"$PYTHON" -m venv "$SCRATCH/tools"
"$SCRATCH/tools/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
UV="$SCRATCH/tools/bin/uv"

# One project each, same interpreter, no dependencies.
mkdir -p "$SCRATCH/pvm-proj" "$SCRATCH/uv-proj"
printf '[project]\nname = "bench"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = []\n' \
    | tee "$SCRATCH/pvm-proj/pyproject.toml" > "$SCRATCH/uv-proj/pyproject.toml"
printf '[tool.pvm]\npython = "%s"\n' "$PYTHON" >> "$SCRATCH/pvm-proj/pyproject.toml"
(cd "$SCRATCH/pvm-proj" && "$PVM" run true)
(cd "$SCRATCH/uv-proj" && "$UV" run --python "$PYTHON" true)

results="$SCRATCH/results"
mkdir -p "$results"
bench() { # name, hyperfine args...
    local name="$1"; shift
    hyperfine --style basic --warmup 3 --runs "$RUNS" -N --export-json "$results/$name.json" "$@" >&2 \
        || hyperfine --style basic --warmup 3 --runs "$RUNS" --export-json "$results/$name.json" "$@" >&2
}

cd "$SCRATCH/pvm-proj"
bench run -n "true" "true" -n "pvm run true" "$PVM run true"
cd "$SCRATCH/uv-proj"
bench run-uv -n "uv run true" "$UV run --python $PYTHON true"
cd "$SCRATCH/pvm-proj"
bench run-python -n "env python -c pass" "$PVM_HOME/envs/$(ls "$PVM_HOME/envs")/bin/python -c pass" \
    -n "pvm run python -c pass" "$PVM run python -c pass"
cd "$SCRATCH/uv-proj"
bench run-python-uv -n "uv run python -c pass" "$UV run --python $PYTHON python -c pass"

# Creating an env: without pip (seed-pip = false) against `uv venv`, with pip against
# `uv venv --seed` and `python -m venv`.
cd "$SCRATCH/pvm-proj"
bench create --prepare "sh -c '$PVM remove --yes --quiet || true'" -n "pvm: create env with pip" "$PVM run true"
mkdir -p "$SCRATCH/pvm-nopip"
sed 's/^\[tool.pvm\]$/[tool.pvm]\nseed-pip = false/' "$SCRATCH/pvm-proj/pyproject.toml" > "$SCRATCH/pvm-nopip/pyproject.toml"
cd "$SCRATCH/pvm-nopip"
bench create-nopip --prepare "sh -c '$PVM remove --yes --quiet || true'" -n "pvm: create env without pip" "$PVM run true"
cd "$SCRATCH"
bench create-uv --prepare "rm -rf $SCRATCH/uvenv" -n "uv venv" "$UV venv --quiet --python $PYTHON $SCRATCH/uvenv"
bench create-uv-seed --prepare "rm -rf $SCRATCH/uvenv" -n "uv venv --seed" "$UV venv --quiet --seed --python $PYTHON $SCRATCH/uvenv"
RUNS=10 bench create-venv --prepare "rm -rf $SCRATCH/pyvenv" -n "python -m venv --without-pip" \
    "$PYTHON -m venv --without-pip $SCRATCH/pyvenv"
RUNS=3 bench create-venv-pip --prepare "rm -rf $SCRATCH/pyvenv" -n "python -m venv" "$PYTHON -m venv $SCRATCH/pyvenv"

# Syncing ~20 local wheels into a fresh env, and a no-op sync.
WHEELS="$SCRATCH/wheels"
"$PYTHON" "$REPO/bench/make_wheels.py" "$WHEELS" 20 > "$SCRATCH/reqs.txt"
deps=$(sed 's/.*/"&"/' "$SCRATCH/reqs.txt" | paste -sd, -)
for installer in pip uv; do
    mkdir -p "$SCRATCH/sync-$installer"
    printf '[project]\nname = "sync-%s"\nversion = "0.1.0"\ndependencies = [%s]\n\n[tool.pvm]\npython = "%s"\ninstaller = "%s"\nno-index = true\nfind-links = ["%s"]\n' \
        "$installer" "$deps" "$PYTHON" "$installer" "$WHEELS" > "$SCRATCH/sync-$installer/pyproject.toml"
done
export PVM_UV="$UV" PIP_CACHE_DIR="$SCRATCH/pip-cache"
cd "$SCRATCH/sync-pip"
RUNS=10 bench sync-pvm-pip --prepare "sh -c '$PVM remove --yes --quiet || true'" -n "pvm sync (pip): fresh env + 20 wheels" "$PVM sync --quiet"
cd "$SCRATCH/sync-uv"
RUNS=10 bench sync-pvm-uv --prepare "sh -c '$PVM remove --yes --quiet || true'" -n "pvm sync (uv): fresh env + 20 wheels" "$PVM sync --quiet"
bench noop -n "pvm sync (no-op)" "$PVM sync --quiet"
cd "$SCRATCH"
RUNS=10 bench sync-uv --prepare "bash -c 'rm -rf $SCRATCH/v-uv && $UV venv --quiet --python $PYTHON $SCRATCH/v-uv'" \
    -n "uv venv + uv pip install (20 wheels)" "$UV pip install --quiet --python $SCRATCH/v-uv/bin/python --no-index --find-links $WHEELS -r $SCRATCH/reqs.txt"
RUNS=10 bench sync-pip --prepare "bash -c 'rm -rf $SCRATCH/v-pip && $UV venv --quiet --seed --python $PYTHON $SCRATCH/v-pip'" \
    -n "pip install (20 wheels)" "$SCRATCH/v-pip/bin/python -m pip install --quiet --disable-pip-version-check --no-index --find-links $WHEELS -r $SCRATCH/reqs.txt"

"$PYTHON" - "$results" <<'PY'
import json, pathlib, sys
rows = {}
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    for r in json.loads(f.read_text())["results"]:
        rows[r["command"]] = r["median"] * 1000
def ratio(a, b):
    return f"{rows[a] / rows[b]:.2f}x" if a in rows and b in rows else "-"
print(f"{'command':34} {'median':>10}")
for name, ms in rows.items():
    print(f"{name:34} {ms:8.1f} ms")
print()
print(f"warm `pvm run true` adds      {rows['pvm run true'] - rows['true']:.1f} ms to `true`")
print(f"`uv run true` / `pvm run true`  {ratio('uv run true', 'pvm run true')}")
print(f"`uv run python -c pass` / `pvm run python -c pass`  {ratio('uv run python -c pass', 'pvm run python -c pass')}")
print(f"pvm env without pip / `uv venv`            {ratio('pvm: create env without pip', 'uv venv')}")
print(f"pvm env with pip / `uv venv --seed`         {ratio('pvm: create env with pip', 'uv venv --seed')}")
print(f"`python -m venv` / pvm env with pip          {ratio('python -m venv', 'pvm: create env with pip')}")
print(f"pvm sync (uv) / uv pip install, 20 wheels   {ratio('pvm sync (uv): fresh env + 20 wheels', 'uv venv + uv pip install (20 wheels)')}")
print(f"pvm sync (pip) / pip install, 20 wheels     {ratio('pvm sync (pip): fresh env + 20 wheels', 'pip install (20 wheels)')}")
print(f"no-op pvm sync                               {rows.get('pvm sync (no-op)', float('nan')):.1f} ms")
PY
