"""Run every benchmark (or those named): `python -m bench [encoders search datalab ...]`.

Each benchmark runs in its own process so one's memory and threads don't colour another's figures.
"""

import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    available = {
        path.stem.removeprefix("bench_"): path for path in sorted(BENCH_DIR.glob("bench_*.py"))
    }
    chosen = argv or list(available)
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(available)}")
        return 2
    failures = 0
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        failures += (
            subprocess.call([sys.executable, str(available[name])], cwd=BENCH_DIR.parent) != 0
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
