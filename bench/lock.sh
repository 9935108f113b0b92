#!/usr/bin/env bash
# `pvm lock` and `pvm add` side by side with uv's, on one manifest of 12 real dependencies
# (issue 19, item 4), warm caches, interleaved round by round (bench/interleave.py):
#
#   pvm lock        vs uv lock          (each from the manifest alone: no lock to start from)
#   pvm add attrs   vs uv add attrs     (each from the same manifest, lock and synced env)
#
#   bench/lock.sh             # needs PyPI access; ROUNDS=30 by default (15 move by several %)
#   PVM_BIN=/path/to/pvm bench/lock.sh   # another build of pvm
#
# uv is a pinned version from PyPI in a throwaway venv, and pvm resolves with that same uv
# (`PVM_UV`); every cache and data folder points into one scratch folder, removed at the end
# (bench/common.sh).
# Prints a Markdown table: medians and the ratio pvm / uv.
BENCH=bench-lock
ROUNDS="${ROUNDS:-30}"
source "$(dirname "$0")/common.sh"
export UV_PYTHON="$PYTHON"

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
    echo "| work | median | ratio to uv | paired |"
    echo "|---|---|---|---|"
    "$PYTHON" "$REPO/bench/interleave.py" "$ROUNDS" \
        "uv lock (12 dependencies, no lock yet)" "rm -f $SCRATCH/uv/uv.lock" "$UV --directory $SCRATCH/uv lock --quiet" \
        "pvm lock (12 dependencies, no lock yet)" "rm -f $SCRATCH/pvm/pylock.toml" "$PVM --project $SCRATCH/pvm lock --quiet"
    "$PYTHON" "$REPO/bench/interleave.py" "$ROUNDS" \
        "uv add attrs" "$reset_uv" "$UV --directory $SCRATCH/uv add --quiet attrs" \
        "pvm add attrs" "$reset_pvm" "$PVM --project $SCRATCH/pvm add --quiet attrs"
} | tee "$SCRATCH/lock.md"
