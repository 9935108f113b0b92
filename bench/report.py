"""Prints the medians hyperfine exported, grouped, with ratios against uv (bench/compare.sh)."""
import json
import pathlib
import sys

medians = {}
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    for result in json.loads(path.read_text())["results"]:
        medians[result["command"]] = result["median"] * 1000

GROUPS = [
    ("warm run, `true`", "uv run true",
     ["true (bare)", "pvm run true", "uv run true", "poetry run true", "pipenv run true"]),
    ("warm run, `python -c pass`", "uv run python -c pass",
     ["python -c pass (bare env python)", "pvm run python -c pass", "uv run python -c pass",
      "poetry run python -c pass", "pipenv run python -c pass"]),
    ("warm run, a script (PEP 723)", "uv run report.py",
     ["pvm run report.py", "uv run report.py"]),
    ("create an empty env", "uv venv",
     ["pvm: create empty env", "uv venv", "python -m venv --without-pip", "virtualenv --no-seed"]),
    ("create an env with pip", "uv venv --seed",
     ["pvm: create env with pip", "uv venv --seed", "python -m venv", "virtualenv"]),
    ("sync 20 local wheels", "uv pip install: 20 wheels",
     ["pvm sync --no-lock, uv: fresh env + 20 wheels", "uv pip install: 20 wheels",
      "pvm sync --no-lock, pip: fresh env + 20 wheels", "pip install: 20 wheels"]),
    ("no-op sync", "uv sync (no-op)", ["pvm sync (no-op)", "uv sync (no-op)"]),
    ("fresh env for a real package, tests group", "uv sync --group tests: fresh env, real package",
     ["pvm sync --group tests: fresh env, real package",
      "uv sync --group tests: fresh env, real package",
      "pvm sync --group tests, no lock: fresh env, real package"]),
    ("fresh env from the lock, dependencies only", "uv sync --frozen: fresh env, dependencies",
     ["pvm sync from pylock.toml: fresh env, dependencies",
      "uv sync --frozen: fresh env, dependencies",
      "pvm sync from pylock.toml, seed-pip = false: fresh env, dependencies"]),
    ("warm run in a package project", "uv run true",
     ["pvm run true (package project)", "uv run true"]),
    ("list 100 envs", None, ["pvm list (100 envs)", "pvm list --json (100 envs)"]),
]

print("| what | command | median | vs uv |")
print("|---|---|---:|---:|")
for title, base, commands in GROUPS:
    for command in commands:
        if command not in medians:
            continue
        ratio = f"{medians[command] / medians[base]:.2f}x" if base in medians else ""
        print(f"| {title} | `{command}` | {medians[command]:.1f} ms | {ratio} |")
