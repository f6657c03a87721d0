"""Crash bench: SIGKILL a real waitress server mid-burst of saves, restart, verify, report.

    .venv/bin/python bench/crash_burst.py [--clients 8] [--seconds 5] [--rounds 3]

Prints, per round, how many saves were answered 201, how many attempts got no answer,
the restart time and how long the indexer took to catch up; asserts that every answered
save is in the database and the index and that `workspace check` passes.
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests"))
from crash_harness import cleanup, run_crash  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0, help="burst before the kill")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for n in range(args.rounds):
        folder = tempfile.mkdtemp(prefix="crash-burst-")
        try:
            seen = run_crash(folder, clients=args.clients, seconds_before_kill=args.seconds)
        finally:
            cleanup(folder)
        print(f"round {n + 1}: {seen['answered']} saves answered 201 in "
              f"{seen['burst_seconds']:.1f} s, {seen['unanswered_attempts']} attempts "
              f"unanswered; restart {seen['restart_seconds']:.1f} s; index caught up "
              f"{seen['catch_up_seconds']:.1f} s after restart; {seen['indexed_total']} "
              f"documents indexed; check: {seen['check']}")


if __name__ == "__main__":
    main()
