"""Times commands round by round, each after its own preparation, in a rotating order, and
prints each median, its ratio to the first's, and the median of its per-round ratios to the
first (paired: each round's runs are back to back, so a slow minute of the index or the
machine slows both sides of that ratio): on a noisy shared machine, a drift hits every
command alike instead of whichever hyperfine happened to run then (bench/compare.sh).

    python3 bench/interleave.py ROUNDS NAME PREPARE COMMAND [NAME PREPARE COMMAND]...

PREPARE and COMMAND are shell command lines; the first three rounds are warm-up.
"""
import statistics
import subprocess
import sys
import time

rounds = int(sys.argv[1])
args = sys.argv[2:]
cases = [(args[i], args[i + 1], args[i + 2]) for i in range(0, len(args), 3)]
times = {name: [] for name, _, _ in cases}
for done in range(rounds + 3):
    shift = done % len(cases)
    for name, prepare, command in cases[shift:] + cases[:shift]:
        subprocess.run(prepare, shell=True, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        subprocess.run(command, shell=True, check=True)
        if done >= 3:
            times[name].append((time.perf_counter() - started) * 1000)
first = times[cases[0][0]]
base = statistics.median(first)
for name, _, _ in cases:
    median = statistics.median(times[name])
    paired = statistics.median(t / f for t, f in zip(times[name], first))
    print(f"| {name} | {median:.1f} ms | {median / base:.2f}x | {paired:.2f}x |")
