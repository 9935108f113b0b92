#!/usr/bin/env bash
# Two pvm binaries side by side (say, main's before and after a change) on the rows a change to
# the installer or the store can move: a warm `pvm run true`, and a fresh env installed natively
# from a pylock.toml of 20 local wheels (pvm links them from its cache). Needs hyperfine.
#
#   bench/ab.sh OLD_PVM NEW_PVM [PYTHON]
#
# Each binary gets its own store and project; the runs alternate (hyperfine runs the commands in
# turn), so the machine's drift hits both alike. Read the ratio, not the times.
set -euo pipefail
OLD=$(realpath "$1")
NEW=$(realpath "$2")
PYTHON="${3:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3 | tail -n 1)}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

WHEELS="$SCRATCH/wheels"
mkdir -p "$WHEELS"
"$PYTHON" "$REPO/bench/make_wheels.py" "$WHEELS" 20 > "$SCRATCH/reqs.txt"
deps=$(sed 's/.*/"&"/' "$SCRATCH/reqs.txt" | paste -sd, -)
for side in old new; do
    mkdir -p "$SCRATCH/$side"
    cat > "$SCRATCH/$side/pyproject.toml" <<EOF
[project]
name = "ab"
version = "0.1.0"
dependencies = [$deps]

[tool.pvm]
python = "$PYTHON"
installer = "pip"
no-index = true
find-links = ["$WHEELS"]
EOF
done
# `env` execs the binary: no shell in the timed command.
cmd() { # side, pvm args…
    local side=$1 pvm=$OLD
    shift
    [[ $side == new ]] && pvm=$NEW
    echo "env PVM_HOME=$SCRATCH/$side-home $pvm --project $SCRATCH/$side $*"
}
for side in old new; do
    $(cmd "$side" lock --quiet)
    $(cmd "$side" sync --quiet)
done

hyperfine --warmup 5 --runs 40 -N \
    -n "old: pvm run true" "$(cmd old run true)" \
    -n "new: pvm run true" "$(cmd new run true)"
hyperfine --warmup 2 --runs 15 -N \
    --prepare "$(cmd old remove --yes --quiet)" -n "old: fresh env from pylock.toml, 20 wheels" "$(cmd old sync --quiet)" \
    --prepare "$(cmd new remove --yes --quiet)" -n "new: fresh env from pylock.toml, 20 wheels" "$(cmd new sync --quiet)"
