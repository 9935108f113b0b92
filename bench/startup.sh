#!/usr/bin/env bash
# A warm `pvm run true` of two builds side by side (issue 21 item 7: at most 1 ms over a bare
# `true`), made for the glibc and the musl static binary of scripts/dist, and their callgrind
# instruction totals (a count the machine's noise does not move). Needs hyperfine and valgrind.
#
#   bench/startup.sh PVM_A PVM_B [ROUNDS]     # e.g. target/release/pvm and the musl one
#
# Both run the same synced scratch project (no dependencies, `pvm sync` once first) in one store.
# The hyperfine run is repeated ROUNDS times (3 by default), the commands in turn within each,
# so the machine's drift hits all alike: read the ratios and the ms over `true`.
set -euo pipefail
A=$(realpath "$1")
B=$(realpath "$2")
ROUNDS="${3:-3}"
PYTHON="${PYTHON:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3 | tail -n 1)}"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export PVM_HOME="$SCRATCH/home" NO_COLOR=1
# The callgrind count below runs pvm into an error: a backtrace captured for it (when these are
# set) is not part of a run.
unset RUST_BACKTRACE RUST_LIB_BACKTRACE

mkdir "$SCRATCH/project"
cat >"$SCRATCH/project/pyproject.toml" <<TOML
[project]
name = "startup"
version = "0.1.0"
dependencies = []

[tool.pvm]
python = "$PYTHON"
TOML
"$A" --project "$SCRATCH/project" sync --quiet
for pvm in "$A" "$B"; do "$pvm" --project "$SCRATCH/project" run true; done

# Each round runs the three in turn; the rounds alternate which pvm goes first.
for round in $(seq "$ROUNDS"); do
    first=("$A" A) second=("$B" B)
    (( round % 2 )) || { first=("$B" B) second=("$A" A); }
    hyperfine -N --warmup 20 --runs 300 --export-json "$SCRATCH/round$round.json" \
        -n true true \
        -n "${first[1]}: pvm run true" "${first[0]} --project $SCRATCH/project run true" \
        -n "${second[1]}: pvm run true" "${second[0]} --project $SCRATCH/project run true"
done
python3 - "$SCRATCH" "$ROUNDS" <<'PY'
import json, statistics, sys
scratch, rounds = sys.argv[1], int(sys.argv[2])
for r in range(1, rounds + 1):
    res = {x["command"]: x for x in json.load(open(f"{scratch}/round{r}.json"))["results"]}
    t, a, b = (statistics.median(res[n]["times"]) * 1000 for n in ("true", "A: pvm run true", "B: pvm run true"))
    print(f"round {r} (medians): true {t:.3f} ms, A {a:.3f} ms (+{a - t:.3f}), "
          f"B {b:.3f} ms (+{b - t:.3f}), B/A {b / a:.3f}, (B-true)/(A-true) {(b - t) / (a - t):.3f}")
PY
# Callgrind loses what it counted when the process execs, so it counts `pvm run` of a file that
# is not executable: the same work up to the exec, then an error message (about 5% more).
printf '#!/bin/sh\n' >"$SCRATCH/project/not-executable"
for side in A B; do
    pvm=$A
    [[ $side == B ]] && pvm=$B
    valgrind --tool=callgrind --callgrind-out-file="$SCRATCH/callgrind.$side" \
        "$pvm" --project "$SCRATCH/project" run "$SCRATCH/project/not-executable" 2>"$SCRATCH/valgrind.$side" || true
    echo "$side: $(sed -n 's/.*Collected : //p' "$SCRATCH/valgrind.$side") instructions (callgrind)"
done
