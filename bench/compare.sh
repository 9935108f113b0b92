#!/usr/bin/env bash
# pvm side by side with uv, poetry, pipenv, virtualenv and python -m venv, measured with hyperfine:
# warm runs (a project, a PEP 723 script), env creation (empty and with pip), syncing 20 local
# wheels, a no-op sync, a fresh env for a real package with its tests group (the project
# installed editable) and from its lock (also interleaved round by round: bench/interleave.py),
# and `pvm list` with 100 envs in the store. Prints medians and ratios against uv.
#
#   bench/compare.sh              # needs hyperfine (apt-get install hyperfine) and PyPI access
#   RUNS=50 bench/compare.sh      # more runs per command (default 30)
#
# Every tool is a pinned version from PyPI in its own throwaway venv; every cache and data
# folder points into one scratch folder, removed at the end. The machine is shared and noisy:
# read the ratios, not the single times.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"

UV_VERSION="${UV_VERSION:-0.13.9}"
POETRY_VERSION="${POETRY_VERSION:-2.5.1}"
PIPENV_VERSION="${PIPENV_VERSION:-2026.10.3}"
VIRTUALENV_VERSION="${VIRTUALENV_VERSION:-21.15.8}"
PYTHON="${PYTHON:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3 2>/dev/null | tail -1)}"
PYTHON="${PYTHON:-/usr/bin/python3}"
RUNS="${RUNS:-30}"

command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet
PVM="$REPO/target/release/pvm"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/pvm-bench.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
export PVM_HOME="$SCRATCH/pvm-home" UV_CACHE_DIR="$SCRATCH/uv-cache" XDG_DATA_HOME="$SCRATCH/data"
export XDG_CACHE_HOME="$SCRATCH/cache" XDG_CONFIG_HOME="$SCRATCH/config" PIP_CACHE_DIR="$SCRATCH/pip-cache"
export POETRY_CACHE_DIR="$SCRATCH/poetry-cache" POETRY_VIRTUALENVS_PATH="$SCRATCH/poetry-envs"
export POETRY_CONFIG_DIR="$SCRATCH/poetry-config" WORKON_HOME="$SCRATCH/pipenv-envs"
export PIPENV_IGNORE_VIRTUALENVS=1 PIPENV_VERBOSITY=-1 PIPENV_YES=1 PIPENV_NOSPIN=1
export UV_PYTHON_DOWNLOADS=never NO_COLOR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

tool() { # name, pip requirement
    echo "installing $2 into $SCRATCH/tools/$1" >&2
    "$PYTHON" -m venv "$SCRATCH/tools/$1"
    "$SCRATCH/tools/$1/bin/pip" install --quiet "$2"
}
tool uv "uv==$UV_VERSION"
tool poetry "poetry==$POETRY_VERSION" || echo "poetry: install failed, skipped" >&2
tool pipenv "pipenv==$PIPENV_VERSION" || echo "pipenv: install failed, skipped" >&2
tool virtualenv "virtualenv==$VIRTUALENV_VERSION" || echo "virtualenv: install failed, skipped" >&2
UV="$SCRATCH/tools/uv/bin/uv"
POETRY="$SCRATCH/tools/poetry/bin/poetry"
PIPENV="$SCRATCH/tools/pipenv/bin/pipenv"
VIRTUALENV="$SCRATCH/tools/virtualenv/bin/virtualenv"

results="$SCRATCH/results"
mkdir -p "$results"
bench() { # file, hyperfine args...
    local name="$1"; shift
    hyperfine --style basic --warmup 3 --runs "$RUNS" -N --export-json "$results/$name.json" "$@" >&2 \
        || echo "benchmark $name failed, skipped" >&2
}

# One empty project per tool, same interpreter.
manifest='[project]\nname = "bench"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = []\n'
for dir in pvm uv poetry; do mkdir -p "$SCRATCH/$dir-proj"; printf "$manifest" > "$SCRATCH/$dir-proj/pyproject.toml"; done
printf '\n[tool.pvm]\npython = "%s"\n' "$PYTHON" >> "$SCRATCH/pvm-proj/pyproject.toml"
printf '\n[tool.poetry]\npackage-mode = false\n' >> "$SCRATCH/poetry-proj/pyproject.toml"
mkdir -p "$SCRATCH/pipenv-proj"
printf '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n[packages]\n\n[requires]\n' > "$SCRATCH/pipenv-proj/Pipfile"
(cd "$SCRATCH/pvm-proj" && "$PVM" run true)
(cd "$SCRATCH/uv-proj" && "$UV" run --quiet --python "$PYTHON" true)
have_poetry=0; have_pipenv=0
(cd "$SCRATCH/poetry-proj" && "$POETRY" env use --quiet "$PYTHON" && "$POETRY" install --quiet --no-root && "$POETRY" run true) && have_poetry=1 || echo "poetry setup failed, skipped" >&2
(cd "$SCRATCH/pipenv-proj" && "$PIPENV" --python "$PYTHON" install && "$PIPENV" run true) >/dev/null 2>&1 && have_pipenv=1 || echo "pipenv setup failed, skipped" >&2

# Warm runs.
ENV_PYTHON="$PVM_HOME/envs/$(ls "$PVM_HOME/envs")/bin/python"
cd "$SCRATCH/pvm-proj"
bench run-bare -n "true (bare)" "true" -n "python -c pass (bare env python)" "$ENV_PYTHON -c pass"
bench run-pvm -n "pvm run true" "$PVM run true" -n "pvm run python -c pass" "$PVM run python -c pass"
cd "$SCRATCH/uv-proj"
bench run-uv -n "uv run true" "$UV run --python $PYTHON true" -n "uv run python -c pass" "$UV run --python $PYTHON python -c pass"
if [[ $have_poetry == 1 ]]; then
    cd "$SCRATCH/poetry-proj"
    RUNS=10 bench run-poetry -n "poetry run true" "$POETRY run true" -n "poetry run python -c pass" "$POETRY run python -c pass"
fi
if [[ $have_pipenv == 1 ]]; then
    cd "$SCRATCH/pipenv-proj"
    RUNS=10 bench run-pipenv -n "pipenv run true" "$PIPENV run true" -n "pipenv run python -c pass" "$PIPENV run python -c pass"
fi

# A single-file script with a `# /// script` block (PEP 723), warm: its own env either way.
mkdir -p "$SCRATCH/script"
printf '# /// script\n# requires-python = ">=3.8"\n# dependencies = []\n# ///\nprint("hi")\n' > "$SCRATCH/script/report.py"
cd "$SCRATCH/script"
export PVM_PYTHON="$PYTHON"
"$PVM" run report.py >/dev/null
"$UV" run --quiet --python "$PYTHON" report.py >/dev/null
bench script-pvm -n "pvm run report.py" "$PVM run report.py"
unset PVM_PYTHON
bench script-uv -n "uv run report.py" "$UV run --python $PYTHON report.py"

# Creating an env: empty (pvm with seed-pip = false), and with pip.
mkdir -p "$SCRATCH/pvm-nopip"
sed 's/^\[tool.pvm\]$/[tool.pvm]\nseed-pip = false/' "$SCRATCH/pvm-proj/pyproject.toml" > "$SCRATCH/pvm-nopip/pyproject.toml"
cd "$SCRATCH/pvm-nopip"
bench create-pvm --prepare "sh -c '$PVM remove --yes --quiet || true'" -n "pvm: create empty env" "$PVM run true"
cd "$SCRATCH/pvm-proj"
bench create-pvm-pip --prepare "sh -c '$PVM remove --yes --quiet || true'" -n "pvm: create env with pip" "$PVM run true"
cd "$SCRATCH"
bench create-uv --prepare "rm -rf $SCRATCH/v" -n "uv venv" "$UV venv --quiet --python $PYTHON $SCRATCH/v" \
    -n "uv venv --seed" "$UV venv --quiet --seed --python $PYTHON $SCRATCH/v"
RUNS=10 bench create-venv --prepare "rm -rf $SCRATCH/v" -n "python -m venv --without-pip" "$PYTHON -m venv --without-pip $SCRATCH/v"
RUNS=3 bench create-venv-pip --prepare "rm -rf $SCRATCH/v" -n "python -m venv" "$PYTHON -m venv $SCRATCH/v"
if [[ -x "$VIRTUALENV" ]]; then
    RUNS=10 bench create-virtualenv --prepare "rm -rf $SCRATCH/v" \
        -n "virtualenv --no-seed" "$VIRTUALENV --quiet --no-seed --python $PYTHON $SCRATCH/v" \
        -n "virtualenv" "$VIRTUALENV --quiet --python $PYTHON $SCRATCH/v"
fi

# Syncing 20 local wheels into a fresh env, and a no-op sync.
WHEELS="$SCRATCH/wheels"
"$PYTHON" "$REPO/bench/make_wheels.py" "$WHEELS" 20 > "$SCRATCH/reqs.txt"
deps=$(sed 's/.*/"&"/' "$SCRATCH/reqs.txt" | paste -sd, -)
for installer in pip uv; do
    mkdir -p "$SCRATCH/sync-$installer"
    printf '[project]\nname = "sync-%s"\nversion = "0.1.0"\ndependencies = [%s]\n\n[tool.pvm]\npython = "%s"\ninstaller = "%s"\nno-index = true\nfind-links = ["%s"]\n' \
        "$installer" "$deps" "$PYTHON" "$installer" "$WHEELS" > "$SCRATCH/sync-$installer/pyproject.toml"
done
export PVM_UV="$UV"
cd "$SCRATCH/sync-pip"
RUNS=10 bench sync-pvm-pip --prepare "sh -c '$PVM remove --yes --quiet || true'" -n "pvm sync --no-lock, pip: fresh env + 20 wheels" "$PVM sync --quiet --no-lock"
cd "$SCRATCH/sync-uv"
RUNS=10 bench sync-pvm-uv --prepare "sh -c '$PVM remove --yes --quiet || true'" -n "pvm sync --no-lock, uv: fresh env + 20 wheels" "$PVM sync --quiet --no-lock"
bench noop-pvm -n "pvm sync (no-op)" "$PVM sync --quiet --no-lock"
cd "$SCRATCH/uv-proj"
bench noop-uv -n "uv sync (no-op)" "$UV sync --quiet --python $PYTHON"
cd "$SCRATCH"
RUNS=10 bench sync-uv --prepare "sh -c 'rm -rf $SCRATCH/v && $UV venv --quiet --python $PYTHON $SCRATCH/v'" \
    -n "uv pip install: 20 wheels" "$UV pip install --quiet --python $SCRATCH/v/bin/python --no-index --find-links $WHEELS -r $SCRATCH/reqs.txt"
RUNS=10 bench sync-pip --prepare "sh -c 'rm -rf $SCRATCH/v && $UV venv --quiet --seed --python $PYTHON $SCRATCH/v'" \
    -n "pip install: 20 wheels" "$SCRATCH/v/bin/python -m pip install --quiet --no-index --find-links $WHEELS -r $SCRATCH/reqs.txt"

# A real package with its tests group (structlog: hatchling with hatch-vcs), a fresh env with
# warm caches: pvm installs its dependencies and the project itself, editable, as uv does.
REAL="${REAL:-structlog==26.1.0}"
REAL_GROUP="${REAL_GROUP:-tests}"
mkdir -p "$SCRATCH/real"
"$PYTHON" -m pip download --quiet --no-binary :all: --no-deps "$REAL" -d "$SCRATCH/real"
for tool in pvm uv; do
    mkdir -p "$SCRATCH/real-$tool"
    tar --no-same-owner -xzf "$SCRATCH"/real/*.tar.gz -C "$SCRATCH/real-$tool" --strip-components 1
done
# Each tool with its lock (uv sync writes uv.lock on its own; pvm lock writes pylock.toml),
# measured in one hyperfine run, pvm and uv back to back: the whole project (dependencies,
# tests group, the project itself) and the dependencies only. Then pvm without a lock, which
# resolves on every fresh env, for the record.
export PVM_PYTHON="$PYTHON"
mkdir -p "$SCRATCH/real-nolock" "$SCRATCH/real-nopip"
tar --no-same-owner -xzf "$SCRATCH"/real/*.tar.gz -C "$SCRATCH/real-nolock" --strip-components 1
tar --no-same-owner -xzf "$SCRATCH"/real/*.tar.gz -C "$SCRATCH/real-nopip" --strip-components 1
(cd "$SCRATCH/real-pvm" && "$PVM" lock --quiet && "$PVM" sync --quiet --group "$REAL_GROUP")
# The same env without pip (seed-pip = false), which is what uv's envs hold.
printf '\n[tool.pvm]\nseed-pip = false\n' >> "$SCRATCH/real-nopip/pyproject.toml"
(cd "$SCRATCH/real-nopip" && "$PVM" lock --quiet && "$PVM" sync --quiet --no-install-project)
(cd "$SCRATCH/real-nolock" && "$PVM" sync --quiet --no-lock --group "$REAL_GROUP")
(cd "$SCRATCH/real-uv" && "$UV" sync --quiet --python "$PYTHON" --group "$REAL_GROUP")
# The caches were just filled: let the kernel write them out first, or the first rounds time
# the file system's writeback (mkdir at ~0.8 ms each) rather than the tools.
sync
PVM_REAL="$PVM --project $SCRATCH/real-pvm"
UV_REAL="$UV --directory $SCRATCH/real-uv"
# Each round's old env is moved aside (bench/aside.sh says why), the same for both tools.
ASIDE="$SCRATCH/aside"
PVM_ASIDE="$REPO/bench/aside.sh $ASIDE --pvm $PVM_REAL"
NOPIP_ASIDE="$REPO/bench/aside.sh $ASIDE --pvm $PVM --project $SCRATCH/real-nopip"
UV_ASIDE="$REPO/bench/aside.sh $ASIDE $SCRATCH/real-uv/.venv"
RUNS=15 bench real \
    --prepare "$PVM_ASIDE" \
    -n "pvm sync --group $REAL_GROUP: fresh env, real package" "$PVM_REAL sync --quiet --group $REAL_GROUP" \
    --prepare "$UV_ASIDE" \
    -n "uv sync --group $REAL_GROUP: fresh env, real package" "$UV_REAL sync --quiet --python $PYTHON --group $REAL_GROUP"
RUNS=15 bench lock \
    --prepare "$PVM_ASIDE" \
    -n "pvm sync from pylock.toml: fresh env, dependencies" "$PVM_REAL sync --quiet --no-install-project" \
    --prepare "$UV_ASIDE" \
    -n "uv sync --frozen: fresh env, dependencies" "$UV_REAL sync --quiet --frozen --no-install-project --python $PYTHON" \
    --prepare "$NOPIP_ASIDE" \
    -n "pvm sync from pylock.toml, seed-pip = false: fresh env, dependencies" "$PVM --project $SCRATCH/real-nopip sync --quiet --no-install-project"
# The same three once more, interleaved round by round (bench/interleave.py): the ratios that
# survive a noisy machine.
"$PYTHON" "$REPO/bench/interleave.py" "$RUNS" \
    "uv sync --frozen" "$UV_ASIDE" "$UV_REAL sync --quiet --frozen --no-install-project --python $PYTHON" \
    "pvm sync from pylock.toml" "$PVM_ASIDE" "$PVM_REAL sync --quiet --no-install-project" \
    "pvm, seed-pip = false" "$NOPIP_ASIDE" "$PVM --project $SCRATCH/real-nopip sync --quiet --no-install-project" \
    > "$SCRATCH/interleaved.md"
rm -rf "$ASIDE"
RUNS=10 bench real-nolock --prepare "sh -c '$PVM --project $SCRATCH/real-nolock remove --yes --quiet || true'" \
    -n "pvm sync --group $REAL_GROUP, no lock: fresh env, real package" "$PVM --project $SCRATCH/real-nolock sync --quiet --no-lock --group $REAL_GROUP"
cd "$SCRATCH/real-pvm"
"$PVM" sync --quiet --group "$REAL_GROUP"
bench real-pvm-run -n "pvm run true (package project)" "$PVM run true"
unset PVM_PYTHON

# `pvm list` with 100 envs (with pip) in a store of its own.
export PVM_HOME="$SCRATCH/list-home"
for i in $(seq 1 100); do
    mkdir -p "$SCRATCH/many/p$i"
    printf '[project]\nname = "p%s"\n[tool.pvm]\npython = "%s"\n' "$i" "$PYTHON" > "$SCRATCH/many/p$i/pyproject.toml"
    (cd "$SCRATCH/many/p$i" && "$PVM" run --quiet true)
done
bench list -n "pvm list (100 envs)" "$PVM list" -n "pvm list --json (100 envs)" "$PVM list --json"

"$PYTHON" "$REPO/bench/report.py" "$results"
printf '\nFresh env from the lock, interleaved (%s rounds):\n\n| command | median | vs uv | paired |\n|---|---:|---:|---:|\n' "$RUNS"
cat "$SCRATCH/interleaved.md"
