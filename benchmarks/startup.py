"""How long a ``cettar`` command takes to start and finish, against the bare interpreter measured in
the same run (the median of ``--runs`` runs each).

    .venv/bin/python benchmarks/startup.py [--runs 7]

``cettar staff create`` runs against a scratch SQLite database (migrated first, not timed) and
includes hashing the password with Argon2 (timed alone too: it is meant to be slow).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str], env: dict[str, str], stdin: str = "") -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, input=stdin.encode(), check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    folder = Path(tempfile.mkdtemp(prefix="cettar-bench-startup-"))
    env = {**os.environ, "CETTAR_DATA_DIR": str(folder), "CETTAR_DATABASE_URL": f"sqlite:///{folder / 'x.db'}",
           "CETTAR_ENVIRONMENT": "development", "PYTHONPATH": str(ROOT)}
    cettar = [sys.executable, "-m", "cettar"]
    subprocess.run([*cettar, "db", "upgrade"], env=env, check=True, capture_output=True)
    runs: dict[str, list[float]] = {name: [] for name in ("python -c pass", "cettar --help", "cettar staff create",
                                                          "Argon2 hash alone (in process)")}
    from argon2 import PasswordHasher

    hasher = PasswordHasher()
    for n in range(args.runs):
        runs["python -c pass"].append(timed([sys.executable, "-c", "pass"], env))
        runs["cettar --help"].append(timed([*cettar, "--help"], env))
        runs["cettar staff create"].append(timed([*cettar, "staff", "create", "--email", f"bench{n}@example.org", "--role",
                                                  "admin", "--password-stdin"], env, stdin="correct horse battery staple\n"))
        started = time.perf_counter()
        hasher.hash("correct horse battery staple")
        runs["Argon2 hash alone (in process)"].append(time.perf_counter() - started)
    reference = statistics.median(runs["python -c pass"])
    print(f"{'command':34} {'median s':>9} {'x python':>9}")
    for name, seconds in runs.items():
        middle = statistics.median(seconds)
        print(f"{name:34} {middle:9.3f} {middle / reference:9.1f}")


if __name__ == "__main__":
    main()
