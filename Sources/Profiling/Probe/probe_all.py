"""Run probe.py in one virtual environment per Meltano release and save redacted results.

Usage: python3 probe_all.py --venvs DIR --releases 3.6.0,3.7.9 [--workdir-root DIR] [--results DIR] [--install-check]

DIR/meltano-X.Y.Z is a virtual environment with meltano==X.Y.Z (made beforehand, e.g.
`python3.11 -m venv DIR/meltano-X.Y.Z && DIR/meltano-X.Y.Z/bin/pip install meltano==X.Y.Z`).
Each probe's JSON is written to RESULTS/meltano-X.Y.Z.raw.json with this machine's paths
replaced: the venv by <venv>, the probe's work folder by <workdir>, the base interpreter's
prefix by <python>, the home folder by <home>.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def redact(obj, replacements: list[tuple[str, str]]):
    if isinstance(obj, str):
        for old, new in replacements:
            obj = obj.replace(old, new)
        return obj
    if isinstance(obj, list):
        return [redact(x, replacements) for x in obj]
    if isinstance(obj, dict):
        return {redact(k, replacements): redact(v, replacements) for k, v in obj.items()}
    return obj


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--venvs", type=Path, required=True)
    ap.add_argument("--releases", required=True)
    ap.add_argument("--workdir-root", type=Path, default=Path(tempfile.gettempdir()) / "simulate-probe")
    ap.add_argument("--results", type=Path, default=HERE / "results")
    ap.add_argument("--install-check", action="store_true", help="passed on to probe.py")
    args = ap.parse_args()
    args.results.mkdir(parents=True, exist_ok=True)
    status = 0
    for release in [r for r in args.releases.split(",") if r]:
        venv = (args.venvs / f"meltano-{release}").resolve()
        python = venv / "bin" / "python"
        workdir = (args.workdir_root / f"meltano-{release}").resolve()
        started = time.monotonic()
        res = subprocess.run([str(python), str(HERE / "probe.py"), "--workdir", str(workdir), "--quiet",
                              *(["--install-check"] if args.install_check else [])],
                             capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        if res.returncode != 0:
            print(f"{release}: exit {res.returncode} after {seconds:.0f} s: {res.stderr.strip()}", file=sys.stderr)
            status = 1
            continue
        doc = json.loads(res.stdout)
        base = subprocess.run([str(python), "-c", "import sys; print(sys.base_prefix)"],
                              capture_output=True, text=True, check=True).stdout.strip()
        reps = [(str(workdir), "<workdir>"), (str(venv), "<venv>"), (os.path.realpath(venv), "<venv>"),
                (base, "<python>"), (os.path.expanduser("~"), "<home>")]
        doc = redact(doc, reps)
        out = args.results / f"meltano-{release}.raw.json"
        out.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"{release}: {seconds:.0f} s -> {out.name}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
