#!/usr/bin/env bash
# `pvm lock` and `pvm add` side by side with uv's, on one manifest of 12 real dependencies
# (issue 19, item 4), warm caches, interleaved round by round (bench/interleave.py):
#
#   pvm lock        vs uv lock          (each from the manifest alone: no lock to start from)
#   pvm add attrs   vs uv add attrs     (each from the same manifest, lock and synced env)
#
#   bench/lock.sh             # needs PyPI access; ROUNDS=15 by default
#
# uv is a pinned version from PyPI in a throwaway venv, and pvm resolves with that same uv
# (`PVM_UV`); every cache and data folder points into one scratch folder, removed at the end.
# Prints a Markdown table: medians and the ratio pvm / uv.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"

UV_VERSION="${UV_VERSION:-0.13.9}"
PYTHON="${PYTHON:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3 2>/dev/null | tail -1)}"
PYTHON="${PYTHON:-/usr/bin/python3}"
ROUNDS="${ROUNDS:-15}"

cargo build --release --quiet
PVM="$REPO/target/release/pvm"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/pvm-bench-lock.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
export PVM_HOME="$SCRATCH/pvm-home" UV_CACHE_DIR="$SCRATCH/uv-cache" XDG_DATA_HOME="$SCRATCH/data"
export XDG_CACHE_HOME="$SCRATCH/cache" XDG_CONFIG_HOME="$SCRATCH/config" PIP_CACHE_DIR="$SCRATCH/pip-cache"
export UV_PYTHON_DOWNLOADS=never NO_COLOR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

"$PYTHON" -m venv "$SCRATCH/tools/uv"
"$SCRATCH/tools/uv/bin/pip" install --quiet "uv==$UV_VERSION"
UV="$SCRATCH/tools/uv/bin/uv"
export PVM_UV="$UV" UV_PYTHON="$PYTHON"

DEPS='"requests", "httpx", "rich", "click", "pydantic", "flask", "sqlalchemy", "jinja2", "pyyaml", "python-dateutil", "typer", "packaging"'
manifest() { # dir, extra [tool.pvm] line
    mkdir -p "$1"
    printf '[project]\nname = "bench"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [%s]\n%s' \
        "$DEPS" "$2" > "$1/pyproject.toml"
}
PVM_TABLE="$(printf '\n[tool.pvm]\npython = "%s"\n' "$PYTHON")"
manifest "$SCRATCH/pvm" "$PVM_TABLE"
manifest "$SCRATCH/uv" ""

# Warm caches, a lock and a synced env for each; keep those files to start each round from.
(cd "$SCRATCH/pvm" && "$PVM" lock --quiet && "$PVM" sync --quiet && "$PVM" add --quiet attrs)
(cd "$SCRATCH/uv" && "$UV" lock --quiet && "$UV" sync --quiet && "$UV" add --quiet attrs)
# Back to the manifest without attrs, locked and synced: where every add round starts.
manifest "$SCRATCH/pvm" "$PVM_TABLE"
manifest "$SCRATCH/uv" ""
(cd "$SCRATCH/pvm" && "$PVM" lock --quiet && "$PVM" sync --quiet)
(cd "$SCRATCH/uv" && "$UV" lock --quiet && "$UV" sync --quiet)
mkdir -p "$SCRATCH/saved"
cp "$SCRATCH/pvm/pyproject.toml" "$SCRATCH/saved/pvm-pyproject.toml"
cp "$SCRATCH/pvm/pylock.toml" "$SCRATCH/saved/pylock.toml"
cp "$SCRATCH/uv/pyproject.toml" "$SCRATCH/saved/uv-pyproject.toml"
cp "$SCRATCH/uv/uv.lock" "$SCRATCH/saved/uv.lock"
echo "pvm locked $(grep -c '^\[\[packages\]\]' "$SCRATCH/pvm/pylock.toml") packages, uv $(grep -c '^\[\[package\]\]' "$SCRATCH/uv/uv.lock") (uv's count includes the project)" >&2

# The add rounds start from the saved files; the env then holds attrs, which the next
# round's add finds installed: `uv add` and `pvm add` alike remove it again first (exact sync).
reset_pvm="cp $SCRATCH/saved/pvm-pyproject.toml $SCRATCH/pvm/pyproject.toml && cp $SCRATCH/saved/pylock.toml $SCRATCH/pvm/pylock.toml && $PVM --project $SCRATCH/pvm sync --quiet"
reset_uv="cp $SCRATCH/saved/uv-pyproject.toml $SCRATCH/uv/pyproject.toml && cp $SCRATCH/saved/uv.lock $SCRATCH/uv/uv.lock && $UV --directory $SCRATCH/uv sync --quiet"
{
    echo "| work | median | ratio to uv |"
    echo "|---|---|---|"
    "$PYTHON" "$REPO/bench/interleave.py" "$ROUNDS" \
        "uv lock (12 dependencies, no lock yet)" "rm -f $SCRATCH/uv/uv.lock" "$UV --directory $SCRATCH/uv lock --quiet" \
        "pvm lock (12 dependencies, no lock yet)" "rm -f $SCRATCH/pvm/pylock.toml" "$PVM --project $SCRATCH/pvm lock --quiet"
    "$PYTHON" "$REPO/bench/interleave.py" "$ROUNDS" \
        "uv add attrs" "$reset_uv" "$UV --directory $SCRATCH/uv add --quiet attrs" \
        "pvm add attrs" "$reset_pvm" "$PVM --project $SCRATCH/pvm add --quiet attrs"
} | tee "$SCRATCH/lock.md"
