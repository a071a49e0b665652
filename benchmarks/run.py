"""`make bench`: run every benchmarks/bench_*.py in name order, each in its own process.

Arguments are passed on to each benchmark (e.g. `python benchmarks/run.py --files 2000`), so a
new benchmark only has to be a `bench_<name>.py` script that accepts `--files N`.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"=== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False).returncode:
            failed.append(script.name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
