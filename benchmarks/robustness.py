"""The robustness campaign at full length: bad inputs and faults by class → tries → failures.

    python benchmarks/robustness.py                 # 500 tries a class (4,000 in all)
    python benchmarks/robustness.py --tries 2000 --seed 3

The test suite runs the same classes 200 tries each (tests/test_robustness.py), plus the faults
that need a real machine state: two processes on one session, a full disk (tmpfs), a read-only
study folder, no network. A failure prints what happened, so the next probe can compare.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.robustness_cases import CLASSES, run_class  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="robustness-"))
    total_tries = total_failures = 0
    print(f"{'class of fault or input':42} {'tries':>6} {'failures':>8} {'seconds':>8}")
    for name in CLASSES:
        started = time.perf_counter()
        tries, failures = run_class(name, args.tries, work, seed=args.seed)
        total_tries += tries
        total_failures += len(failures)
        print(f"{name:42} {tries:6d} {len(failures):8d} {time.perf_counter() - started:8.1f}")
        for detail in sorted(set(failures))[:5]:
            print(f"    {detail[:200]}")
    print(f"{'all':42} {total_tries:6d} {total_failures:8d}")
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main())
