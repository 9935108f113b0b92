#!/bin/sh
# Moves a fresh-env row's old env out of the way before a timed round, for every tool alike:
#
#   bench/aside.sh ASIDE DIR               # a folder (uv's .venv)
#   bench/aside.sh ASIDE --pvm PVM ARGS…   # the env `PVM ARGS… info --path` names
#
# Moved, not deleted: an ext4 folder made right after thousands of inodes were freed costs
# several times as much (the allocator skips each just-deleted inode: `perf` shows 45-60% of a
# fresh sync in `__ext4_new_inode` after an `rm -rf`), which times the file system's state
# rather than the tool. The benchmark removes ASIDE once, outside the timed rounds.
set -e
aside="$1"; shift
if [ "$1" = "--pvm" ]; then
    shift
    dir="$("$@" info --path 2>/dev/null)" || exit 0
else
    dir="$1"
fi
[ -d "$dir" ] || exit 0
mkdir -p "$aside"
mv "$dir" "$(mktemp -d "$aside/XXXXXXXX")/"
