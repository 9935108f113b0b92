#!/usr/bin/env bash
# A store grown over a year: 2,000 envs and a 20 GB cache. Times `pvm list` (warm: the second
# and later runs), `pvm list --json`, `pvm remove --stale --dry-run`, `pvm cache size` and a
# Tab completion of env names. Needs hyperfine; no network.
#
#   bench/scale.sh [PVM_BINARY]      # default: target/release/pvm (built if missing)
#   ENVS=500 CACHE_GB=5 bench/scale.sh
#
# How the store is made (fast, and honest about what pvm reads):
#   - one real env, synced natively by pvm from 3 small local wheels (bench/make_wheels.py,
#     no pip seeded, installed with uv: ~100 files), then copied ENVS times with `cp -al` (hard links, as pvm's
#     own envs share the cache's files), each given its own project folder (a copy of the
#     manifest and lock) in its pvm-env.json; one in 20 projects is deleted, so those envs
#     are stale;
#   - the cache: ENVS downloaded wheels as sparse files (CACHE_GB in all, no disk used) in
#     cache/artifacts, and ENVS unpacked trees of 20 small files each in cache/wheels that no
#     env links.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
ENVS="${ENVS:-2000}"
CACHE_GB="${CACHE_GB:-20}"
PVM="${1:-$REPO/target/release/pvm}"
[[ -x "$PVM" ]] || (cd "$REPO" && cargo build --release --quiet)
PVM=$(realpath "$PVM")
PYTHON="${PYTHON:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3 | tail -n 1)}"
SCRATCH=$(mktemp -d)
# KEEP=1 keeps the store (its path is printed) for a closer look.
if [[ -z "${KEEP:-}" ]]; then trap 'rm -rf "$SCRATCH"' EXIT; else echo "store kept in $SCRATCH" >&2; fi
export PVM_HOME="$SCRATCH/home"
# uv installs into the env without pip (pvm fetches a pinned one when PVM_UV is not set).
export PVM_UV="${PVM_UV:-$(command -v uv || true)}"

WHEELS="$SCRATCH/wheels"
mkdir -p "$WHEELS" "$SCRATCH/projects/p0"
"$PYTHON" "$REPO/bench/make_wheels.py" "$WHEELS" 3 > "$SCRATCH/reqs.txt"
deps=$(sed 's/.*/"&"/' "$SCRATCH/reqs.txt" | paste -sd, -)
cat > "$SCRATCH/projects/p0/pyproject.toml" <<EOF
[project]
name = "scale"
version = "0.1.0"
dependencies = [$deps]

[tool.pvm]
python = "$PYTHON"
installer = "uv"
seed-pip = false
no-index = true
find-links = ["$WHEELS"]
EOF
"$PVM" --project "$SCRATCH/projects/p0" lock --quiet
"$PVM" --project "$SCRATCH/projects/p0" sync --quiet
ENV0=$(ls -d "$PVM_HOME"/envs/scale-*)
echo "one env: $(find "$ENV0" -type f | wc -l) files" >&2

echo "making $ENVS envs…" >&2
"$PYTHON" - "$SCRATCH" "$ENV0" "$ENVS" <<'EOF'
import hashlib, json, os, shutil, subprocess, sys
scratch, env0, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
envs = os.path.dirname(env0)
meta0 = json.load(open(os.path.join(env0, "pvm-env.json")))
for i in range(1, count):
    project = os.path.join(scratch, "projects", "p%d" % i)
    os.makedirs(project, exist_ok=True)
    for f in ("pyproject.toml", "pylock.toml"):
        shutil.copy(os.path.join(scratch, "projects", "p0", f), project)
    digest = hashlib.sha256(project.encode()).hexdigest()[:16]
    env = os.path.join(envs, "scale-%s" % digest)
    subprocess.run(["cp", "-al", env0, env], check=True)
    meta = dict(meta0, project=project)
    os.unlink(os.path.join(env, "pvm-env.json"))  # a link: written anew, not through
    with open(os.path.join(env, "pvm-env.json"), "w") as f:
        json.dump(meta, f, indent=2)
    if i % 20 == 0:
        shutil.rmtree(project)
EOF

echo "making a ${CACHE_GB} GB cache…" >&2
"$PYTHON" - "$PVM_HOME/cache" "$ENVS" "$CACHE_GB" <<'EOF'
import hashlib, os, sys
cache, count, gb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
each = gb * 1024**3 // count
os.makedirs(os.path.join(cache, "artifacts"), exist_ok=True)
for i in range(count):
    sha = hashlib.sha256(b"fake%d" % i).hexdigest()
    with open(os.path.join(cache, "artifacts", sha + ".whl"), "wb") as f:
        f.truncate(each)
    tree = os.path.join(cache, "wheels", sha)
    os.makedirs(os.path.join(tree, "fake%d-1.0.dist-info" % i))
    os.makedirs(os.path.join(tree, "fake%d" % i))
    for j in range(20):
        with open(os.path.join(tree, "fake%d" % i, "m%d.py" % j), "w") as f:
            f.write("X = %d\n" % j * 50)
EOF
echo "store: $(ls "$PVM_HOME/envs" | wc -l) envs, du -sh of the store: $(du -sh "$PVM_HOME" | cut -f1)" >&2

# The first list computes and keeps every env's size and status (the first completion, the
# store's index of env names); what follows is warm.
"$PVM" list > /dev/null
"$PVM" list | tail -n 1 >&2
"$PVM" remove --stale --dry-run | tail -n 1 >&2
complete_envs="env PVM_COMPLETE=bash _CLAP_COMPLETE_INDEX=2 _CLAP_COMPLETE_COMP_TYPE=9 _CLAP_COMPLETE_SPACE=true $PVM -- pvm remove ''"
[[ $(eval "$complete_envs" | wc -l) -ge "$ENVS" ]] || echo "completion lists fewer envs than there are" >&2
hyperfine -N --warmup 2 --runs "${RUNS:-10}" \
    -n "pvm list ($ENVS envs)" "$PVM list" \
    -n "pvm list --json" "$PVM list --json" \
    -n "pvm remove --stale --dry-run" "$PVM remove --stale --dry-run" \
    -n "pvm cache size (${CACHE_GB} GB)" "$PVM cache size" \
    -n "completion of env names" "$complete_envs"
