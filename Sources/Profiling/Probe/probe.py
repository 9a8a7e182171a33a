"""Release probe: measure what one Meltano release does by running it.

Usage: PYTHON probe.py --workdir DIR [--catalog-lines-small 300] [--catalog-lines-large 3000] [--quiet]
                       [--install-check]

PYTHON is the interpreter of a virtual environment with some Meltano release installed. The
probe uses only the standard library (it never imports meltano). It makes a scratch project
in DIR/project (wiped first: SQLite system database, a synthetic tap and target that are plain
Python scripts in DIR run by PYTHON, referenced by absolute `executable:` paths), runs real
`meltano run` in four configurations (state backend systemdb with a small and a large catalog,
file://, an unknown scheme), each a fresh process instrumented by sitecustomize.py (put on
PYTHONPATH for the meltano process only), and prints one JSON document on stdout.

Nothing here depends on the release's version number: command-line flags come from
`meltano run --help`, everything else from what the runs did.

Exit status: 0 with the JSON on stdout; 2 when the interpreter has no meltano, the release lacks
something the probe needs, or a configuration that should succeed failed. Progress goes to
stderr (lines starting "[probe]"; none with --quiet); on exit status 2 the last stderr line,
starting "probe: ", says why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = 1
TAP = "tap-probe"
# Lines one padding property takes in the probe tap's catalog (`"pNNNNN": {"type": "string"}`, indented).
LINES_PER_PROPERTY = 3
TARGET = "target-probe"
UNKNOWN_SCHEME = "bogus"
RUN_TIMEOUT = 300
QUIET = False


class ProbeFailure(Exception):
    """Ends the probe with exit status 2 and this one-line message."""


def say(msg: str) -> None:
    if not QUIET:
        print(f"[probe] {msg}", file=sys.stderr, flush=True)


def one_line(text: str, limit: int = 600) -> str:
    text = " | ".join(line.strip() for line in text.splitlines() if line.strip())
    return text if len(text) <= limit else "..." + text[-limit:]


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# ---------------------------------------------------------------------------------------
# The synthetic plugins: stdlib only, run by this same interpreter (-S: no site-packages).

TAP_SOURCE = r'''#!{python} -S
"""Synthetic Singer tap for the release probe (standard library only)."""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
mode = "discover" if "--discover" in args else "sync"
env = {{k: v for k, v in os.environ.items() if k.startswith("PYTHON")}}
with open(os.path.join(here, "tap-env-" + mode + ".json"), "w") as fh:
    json.dump({{"argv": args, "env": env, "cwd": os.getcwd()}}, fh)

def arg(name):
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None

config = {{}}
if arg("--config"):
    with open(arg("--config")) as fh:
        config = json.load(fh)
lines = int(config.get("catalog_lines", 300))

def catalog(padding):
    props = {{"id": {{"type": ["integer"]}}, "updated_at": {{"type": ["string"], "format": "date-time"}}}}
    for i in range(padding):
        props["p%05d" % i] = {{"type": "string"}}
    return {{"streams": [{{
        "tap_stream_id": "records", "stream": "records",
        "key_properties": ["id"], "replication_key": "updated_at", "replication_method": "INCREMENTAL",
        "schema": {{"type": "object", "properties": props}},
        "metadata": [{{"breadcrumb": [], "metadata": {{"selected": True, "inclusion": "available",
                      "table-key-properties": ["id"], "valid-replication-keys": ["updated_at"]}}}}],
    }}]}}

if mode == "discover":
    base = len(json.dumps(catalog(0), indent=2).splitlines())
    text = json.dumps(catalog(max(0, (lines - base) // {lines_per_property})), indent=2)
    sys.stdout.write(text + "\n")
    sys.exit(0)

state = {{}}
if arg("--state"):
    try:
        with open(arg("--state")) as fh:
            state = json.load(fh)
    except (OSError, ValueError):
        state = {{}}
start = int(state.get("bookmarks", {{}}).get("records", {{}}).get("id", 0))
out = sys.stdout
out.write(json.dumps({{"type": "SCHEMA", "stream": "records", "key_properties": ["id"],
                       "bookmark_properties": ["updated_at"],
                       "schema": {{"type": "object", "properties": {{"id": {{"type": ["integer"]}},
                                  "updated_at": {{"type": ["string"]}}}}}}}}) + "\n")
for n in range(start + 1, start + 7):
    out.write(json.dumps({{"type": "RECORD", "stream": "records",
                           "record": {{"id": n, "updated_at": "2024-01-01T00:00:%02dZ" % (n % 60)}}}}) + "\n")
    if n % 2 == 0:
        out.write(json.dumps({{"type": "STATE", "value": {{"bookmarks": {{"records": {{"id": n}}}}}}}}) + "\n")
out.flush()
'''

TARGET_SOURCE = r'''#!{python} -S
"""Synthetic Singer target for the release probe: echoes STATE values to stdout."""
import json, sys

records = 0
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    msg = json.loads(line)
    if msg.get("type") == "STATE":
        sys.stdout.write(json.dumps(msg["value"]) + "\n")
        sys.stdout.flush()
    elif msg.get("type") == "RECORD":
        records += 1
'''

MELTANO_YML = """\
default_environment: dev
project_id: simulate-release-probe
send_anonymous_usage_stats: false
state_backend:
  uri: {uri}
environments:
- name: dev
plugins:
  extractors:
  - name: {tap}
    namespace: tap_probe
    executable: {tap_exe}
    capabilities: [catalog, discover, state]
    settings:
    - name: catalog_lines
      kind: integer
    config:
      catalog_lines: {lines}
    select:
    - records.*
  loaders:
  - name: {target}
    namespace: target_probe
    executable: {target_exe}
"""


# ---------------------------------------------------------------------------------------


class Probe:
    def __init__(self, workdir: Path, small: int, large: int) -> None:
        self.workdir = workdir
        self.project = workdir / "project"
        self.instr = workdir / "instrument"
        self.out_dir = workdir / "out"
        self.small = small
        self.large = large
        self.python = sys.executable
        exe = Path(sys.executable).parent / "meltano"
        self.meltano = [str(exe)] if exe.exists() else [sys.executable, "-m", "meltano"]
        self.base_env = self._base_env()
        self.catalog_lines: dict[int, int] = {}
        self.catalog_bytes: dict[int, int] = {}

    # -- set-up --------------------------------------------------------------------------
    @staticmethod
    def _base_env() -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and not k.startswith("MELTANO_")}
        env.update(MELTANO_SEND_ANONYMOUS_USAGE_STATS="false", MELTANO_DISABLE_TRACKING="true",
                   NO_COLOR="1", TERM="dumb", MELTANO_CLI_LOG_LEVEL="info")
        return env

    def prepare(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for p in (self.project, self.instr, self.out_dir, self.workdir / "state", self.workdir / "install-project"):
            if p.exists():
                shutil.rmtree(p)
        for p in self.workdir.glob("tap-env-*.json"):
            p.unlink()
        self.project.mkdir()
        self.instr.mkdir()
        self.out_dir.mkdir()
        shutil.copy(HERE / "sitecustomize.py", self.instr / "sitecustomize.py")
        for name, src in ((f"{TAP}.py", TAP_SOURCE), (f"{TARGET}.py", TARGET_SOURCE)):
            path = self.workdir / name
            path.write_text(src.format(python=self.python, lines_per_property=LINES_PER_PROPERTY))
            path.chmod(0o755)

    def write_yml(self, uri: str, lines: int) -> None:
        (self.project / "meltano.yml").write_text(MELTANO_YML.format(
            uri=uri, lines=lines, tap=TAP, target=TARGET,
            tap_exe=self.workdir / f"{TAP}.py", target_exe=self.workdir / f"{TARGET}.py"))

    def meltano_cmd(self, args: list[str], *, timeout: int = RUN_TIMEOUT, env: dict | None = None):
        return subprocess.run([*self.meltano, *args], cwd=self.project, env=env or self.base_env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    # -- capabilities --------------------------------------------------------------------
    def cli(self) -> dict:
        res = self.meltano_cmd(["run", "--help"], timeout=120)
        text = res.stdout + res.stderr
        if res.returncode != 0 or "Usage:" not in text:
            raise ProbeFailure(f"release too old for the probe: no `meltano run` command ({one_line(text, 200)})")
        force = None
        m = re.search(r"(?m)^\s*(-f,\s*)?--force\b", text)
        if m:
            force = "--force"
        elif re.search(r"(?m)^\s*-f\b", text):
            force = "-f"
        return {"run_force_flag": force, "run_refresh_catalog_flag": "--refresh-catalog" in text}

    @staticmethod
    def has_state_backend_setting() -> bool | None:
        """Whether the installed meltano declares a `state_backend.uri` setting (its settings files)."""
        import importlib.util
        spec = importlib.util.find_spec("meltano")
        if spec is None or not spec.submodule_search_locations:
            return None
        for root in spec.submodule_search_locations:
            for f in Path(root).rglob("settings.yml"):
                try:
                    if re.search(r"name:\s*state_backend\.uri\b", f.read_text(errors="replace")):
                        return True
                except OSError:
                    continue
        return False

    # -- one configuration -----------------------------------------------------------------
    def run(self, label: str, uri: str, lines: int, cli: dict, *, trace: bool = False) -> dict:
        self.write_yml(uri, lines)
        shutil.rmtree(self.project / ".meltano" / "run" / TAP, ignore_errors=True)
        for p in self.workdir.glob("tap-env-*.json"):
            p.unlink()
        out = self.out_dir / f"{label}.json"
        env = dict(self.base_env)
        env["PYTHONPATH"] = str(self.instr)
        env["SIMULATE_PROBE_OUT"] = str(out)
        env["SIMULATE_PROBE_TRACK_DIR"] = str(self.project / ".meltano")
        if trace:
            env["SIMULATE_PROBE_TRACE"] = "1"
            env["SIMULATE_PROBE_NEEDLE"] = UNKNOWN_SCHEME
        args = ["run"]
        if cli["run_force_flag"]:
            args.append(cli["run_force_flag"])
        if cli["run_refresh_catalog_flag"]:
            args.append("--refresh-catalog")
        args += [TAP, TARGET]
        say(f"{label}: meltano {' '.join(args)} (state backend {uri}, catalog {lines} lines{', traced' if trace else ''})")
        started = time.monotonic()
        try:
            res = self.meltano_cmd(args, env=env)
        except subprocess.TimeoutExpired as e:
            raise ProbeFailure(f"configuration {label} timed out after {RUN_TIMEOUT} s") from e
        seconds = time.monotonic() - started
        instr = json.loads(out.read_text()) if out.exists() else None
        envs = {}
        for mode in ("discover", "sync"):
            f = self.workdir / f"tap-env-{mode}.json"
            if f.exists():
                envs[mode] = json.loads(f.read_text())
        say(f"{label}: exit {res.returncode} in {seconds:.1f} s")
        return {"label": label, "uri": uri, "lines_asked": lines, "exit_code": res.returncode,
                "seconds": round(seconds, 3), "stdout": res.stdout, "stderr": res.stderr,
                "instr": instr, "tap_env": envs}

    def catalog_line_count(self, lines: int) -> int:
        """Lines the tap's --discover prints for this setting (run the tap itself)."""
        if lines not in self.catalog_lines:
            cfg = self.out_dir / f"tap-config-{lines}.json"
            cfg.write_text(json.dumps({"catalog_lines": lines}))
            res = subprocess.run([str(self.workdir / f"{TAP}.py"), "--config", str(cfg), "--discover"],
                                 capture_output=True, check=True, env=self.base_env)
            self.catalog_lines[lines] = len(res.stdout.splitlines())
            self.catalog_bytes[lines] = len(res.stdout)
        return self.catalog_lines[lines]


# ---------------------------------------------------------------------------------------
# Optional: what `meltano install` leaves in a plugin's virtual environment (bytecode files).

INSTALL_YML = """\
default_environment: dev
project_id: simulate-release-probe-install
send_anonymous_usage_stats: false
environments:
- name: dev
plugins:
  extractors:
  - name: tap-probe-installed
    namespace: tap_probe_installed
    pip_url: {wheel}
    executable: simulate-probe-plugin
    capabilities: [discover]
"""


def make_wheel(folder: Path) -> Path:
    """A tiny pure-Python wheel (no dependencies, nothing to build) with two modules and a console script."""
    import base64
    import hashlib
    import zipfile
    name, version = "simulate_probe_plugin", "0.1.0"
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "def main():\n    from . import work\n    work.run()\n",
        f"{name}/work.py": "import json, sys\n\ndef run():\n    sys.stdout.write(json.dumps({'streams': []}) + '\\n')\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: simulate-probe-plugin\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: simulate-probe\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist}/entry_points.txt": f"[console_scripts]\nsimulate-probe-plugin = {name}:main\n",
    }
    record = []
    for path, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = "\n".join(record) + "\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)
    return wheel


def install_check(probe: Probe) -> dict:
    """`meltano install` of a local wheel in a second scratch project; count .py/.pyc files in the plugin venv."""
    root = probe.workdir / "install-project"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    wheel = make_wheel(probe.workdir / "out")
    (root / "meltano.yml").write_text(INSTALL_YML.format(wheel=wheel))
    say("install check: meltano install (a local wheel)")
    started = time.monotonic()
    res = subprocess.run([*probe.meltano, "install"], cwd=root, env=probe.base_env, capture_output=True,
                         text=True, timeout=RUN_TIMEOUT, check=False)
    seconds = round(time.monotonic() - started, 3)
    out = {"exit_code": res.returncode, "seconds": seconds}
    venvs = [p for p in (root / ".meltano").rglob("pyvenv.cfg")] if (root / ".meltano").exists() else []
    if res.returncode != 0 or not venvs:
        out["output_tail"] = tail({"stderr": res.stderr, "stdout": res.stdout}, 8)
        return out
    venv = venvs[0].parent
    cfg = venvs[0].read_text(errors="replace")
    site = next(venv.glob("lib/python*/site-packages"), None)
    pkg = site / "simulate_probe_plugin" if site else None

    def count(folder: Path | None, pattern: str) -> int:
        return sum(1 for _ in folder.rglob(pattern)) if folder and folder.exists() else 0

    out.update({
        "venv": str(venv.relative_to(root)),
        "venv_made_by_uv": "uv" in {line.split("=")[0].strip() for line in cfg.splitlines()},
        "pip_in_venv": bool(site and any(site.glob("pip-*.dist-info"))),
        "plugin_py_files": count(pkg, "*.py"),
        "plugin_pyc_files": count(pkg, "*.pyc"),
        "site_packages_py_files": count(site, "*.py"),
        "site_packages_pyc_files": count(site, "*.pyc"),
    })
    return out


# ---------------------------------------------------------------------------------------
# Summaries of one run's instrumentation.

KEY_GROUPS = ("meltano.settings", "meltano.state_backends")


def entry_point_counts(instr: dict) -> dict[str, int]:
    counts = dict.fromkeys(KEY_GROUPS, 0)
    for c in instr["entry_point_calls"]:
        counts[c["group"]] = counts.get(c["group"], 0) + 1
    return counts


def path_listings_before_first_scan(instr: dict) -> int:
    return instr["path_listings"].get("other.before_first_scan", {}).get("count", 0)


def first_scan(instr: dict) -> dict | None:
    """The process's first entry-point lookup: group, library, seconds since process start, caller,
    its duration (wall and thread CPU, microseconds) and the modules it imported."""
    calls = instr["entry_point_calls"]
    if not calls:
        return None
    return {k: calls[0].get(k) for k in ("group", "via", "t", "caller", "wall_us", "cpu_us", "gc_us", "modules_imported")}


def catalog_file(instr: dict, catalog_bytes: int) -> dict | None:
    """The file opening the tap's discovery output was copied into: the first one written
    with exactly as many bytes as the tap prints for --discover."""
    for f in instr["files"]:
        if f["bytes"] == catalog_bytes:
            return f
    return None


def catalog_figures(run: dict, catalog_bytes: int) -> dict:
    f = catalog_file(run["instr"], catalog_bytes)
    if f is None:
        return {"catalog_file": None, "catalog_thread_handoffs": None}
    handoffs = (f["handoffs_at_close"] if f["handoffs_at_close"] is not None else run["instr"]["handoff_total"]) \
        - f["handoffs_at_open"]
    return {"catalog_thread_handoffs": handoffs,
            "catalog_file": {"path": f["path"], "bytes": f["bytes"],
                             "writes_main_thread": f["writes_main_thread"],
                             "writes_other_threads": f["writes_other_threads"],
                             "opened_on": f["thread"],
                             "seconds_open": None if f["closed_at"] is None else round(f["closed_at"] - f["opened_at"], 4)}}


def error_message(run: dict) -> tuple[str | None, bool]:
    """The unknown-scheme message as Meltano printed it, and whether it is an exception's text.

    The first exception raised (in time) whose text names the scheme, says more than the
    quoted scheme alone (a KeyError's "'bogus'"), and appears verbatim in Meltano's output;
    exceptions wrapping it come later. Without one, the first output line naming the scheme."""
    output = ANSI.sub("", run["stderr"] + "\n" + run["stdout"])
    lines = [ln for ln in output.splitlines() if UNKNOWN_SCHEME in ln]
    for e in (run["instr"] or {}).get("exceptions", []):
        text = e["message"]
        if text.strip().strip("'\"") == UNKNOWN_SCHEME:
            continue
        if any(text in ln for ln in lines):
            return text, True
    return (lines[0].strip() if lines else None), False


def tail(run: dict, n: int = 6) -> str:
    text = ANSI.sub("", run["stderr"] + run["stdout"])
    return one_line("\n".join(text.splitlines()[-n:]))


def main() -> int:  # noqa: C901, PLR0915
    global QUIET
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", required=True, type=Path)
    ap.add_argument("--catalog-lines-small", type=int, default=300)
    ap.add_argument("--catalog-lines-large", type=int, default=3000)
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    ap.add_argument("--install-check", action="store_true",
                    help="also `meltano install` a local wheel and count bytecode files in the plugin venv")
    args = ap.parse_args()
    QUIET = args.quiet
    started = time.monotonic()

    import importlib.metadata as md
    try:
        version = md.version("meltano")
    except md.PackageNotFoundError:
        raise ProbeFailure(f"{sys.prefix} has no meltano distribution") from None
    if args.catalog_lines_large <= args.catalog_lines_small:
        raise ProbeFailure("--catalog-lines-large must be larger than --catalog-lines-small")

    probe = Probe(args.workdir.resolve(), args.catalog_lines_small, args.catalog_lines_large)
    say(f"meltano {version} in {sys.prefix}; project {probe.project}")
    if probe.has_state_backend_setting() is False:
        raise ProbeFailure("release too old for the probe: meltano declares no `state_backend.uri` setting")
    probe.prepare()
    cli = probe.cli()
    say(f"cli: {cli}")

    # Create and migrate the SQLite system database (as `meltano state list` does for the harness).
    probe.write_yml("systemdb", probe.small)
    res = probe.meltano_cmd(["state", "list"])
    if res.returncode != 0:
        raise ProbeFailure(f"configuration setup (meltano state list) failed (exit {res.returncode}): {tail({'stderr': res.stderr, 'stdout': res.stdout})}")

    state_dir = probe.workdir / "state"
    state_dir.mkdir()
    small_lines = probe.catalog_line_count(probe.small)
    large_lines = probe.catalog_line_count(probe.large)
    runs = {
        "systemdb": probe.run("systemdb", "systemdb", probe.small, cli),
        "systemdb_large": probe.run("systemdb_large", "systemdb", probe.large, cli),
        "file": probe.run("file", state_dir.as_uri(), probe.small, cli, trace=True),
        "unknown_scheme": probe.run("unknown_scheme", f"{UNKNOWN_SCHEME}://x", probe.small, cli, trace=True),
    }
    for label in ("systemdb", "systemdb_large", "file"):
        r = runs[label]
        if r["exit_code"] != 0:
            raise ProbeFailure(f"configuration {label} failed (exit {r['exit_code']}): {tail(r)}")
        if r["instr"] is None:
            raise ProbeFailure(f"configuration {label}: the instrumentation wrote nothing (was sitecustomize loaded?)")
    u = runs["unknown_scheme"]
    if u["exit_code"] == 0:
        raise ProbeFailure(f"release too old for the probe: an unknown state backend scheme ({UNKNOWN_SCHEME}://) did not fail the run")
    if u["instr"] is None:
        raise ProbeFailure("configuration unknown_scheme: the instrumentation wrote nothing")

    out_runs: dict = {}
    extra_runs: dict = {}
    for label, r in runs.items():
        instr = r["instr"]
        o = {"exit_code": r["exit_code"], "entry_point_calls": entry_point_counts(instr),
             "path_listings_before_first_scan": path_listings_before_first_scan(instr),
             "path_listings_before_first_scan_by": dict(sorted(
                 instr["path_listings"].get("other.before_first_scan", {}).get("listers", {}).items())),
             "first_scan": first_scan(instr)}
        cat = catalog_figures(r, probe.catalog_bytes[r["lines_asked"]])
        o["catalog_lines"] = small_lines if r["lines_asked"] == probe.small else large_lines
        o["catalog_thread_handoffs"] = cat["catalog_thread_handoffs"]
        o["catalog_debug_log_calls"] = instr.get("catalog_debug_log_calls")
        if instr["trace"]:
            o["state_backend_initializations"] = len(instr["calls"]["state_store_manager_init"])
            o["backends_calls"] = len(instr["calls"]["backends"])
        if label == "unknown_scheme":
            msg, matched = error_message(r)
            o["error_message"] = msg
            # Distinct exception objects raised with exactly this text (wrappers say more).
            o["error_raises"] = sum(1 for e in instr.get("exceptions", []) if e["message"] == msg) if matched else None
        o["seconds"] = r["seconds"]
        out_runs[label] = o
        x = {
            "uri": r["uri"],
            "entry_point_call_log": instr["entry_point_calls"],
            "path_listings": instr["path_listings"],
            "handoffs": instr["handoffs"], "handoff_total": instr["handoff_total"],
            "catalog_file": cat["catalog_file"],
            "files_written": [{k: f[k] for k in ("path", "bytes", "writes_main_thread", "writes_other_threads")}
                              for f in instr["files"]],
            "patched": instr["patched"], "instrumentation_errors": instr["errors"],
            "process_exit": instr["exit"], "clock": instr.get("clock"), "gc": instr.get("gc"),
            "instrumentation_loaded_at": instr.get("loaded_at"), "instrumented_until": instr.get("seconds_since_startup"),
        }
        if instr["trace"]:
            x["state_backend_initialization_log"] = instr["calls"]["state_store_manager_init"]
            x["backends_call_log"] = instr["calls"]["backends"]
        if label == "unknown_scheme":
            x["exceptions"] = instr.get("exceptions", [])
            x["error_message_matches_exception_text"] = matched
            x["output_tail"] = tail(r, 12)
        extra_runs[label] = x

    h_small = out_runs["systemdb"]["catalog_thread_handoffs"]
    h_large = out_runs["systemdb_large"]["catalog_thread_handoffs"]
    for label, h in (("systemdb", h_small), ("systemdb_large", h_large)):
        if h is None:
            raise ProbeFailure(f"configuration {label}: no file under .meltano was written with the tap's "
                               f"catalog ({probe.catalog_bytes[runs[label]['lines_asked']]} bytes)")
    per_line = round((h_large - h_small) / (large_lines - small_lines), 4)
    d_small = out_runs["systemdb"]["catalog_debug_log_calls"]
    d_large = out_runs["systemdb_large"]["catalog_debug_log_calls"]
    # Per property of the probe's catalog: how many debug calls a release's catalog visitor
    # makes depends on the catalog's shape (lines per property), so per line would not carry over.
    properties = (large_lines - small_lines) / LINES_PER_PROPERTY
    debug_per_property = round((d_large - d_small) / properties, 4) \
        if d_small is not None and d_large is not None else None

    # PYTHON* variables the tap saw that the probe did not give Meltano (it gives none).
    python_vars: dict[str, str] = {}
    tap_envs: dict = {}
    for label in ("systemdb", "file"):
        for mode, e in runs[label]["tap_env"].items():
            tap_envs[f"{label}.{mode}"] = e["env"]
            for k, v in e["env"].items():
                if probe.base_env.get(k) != v:
                    python_vars[k] = v
    first = runs["systemdb"]["instr"]
    sys_path = first.get("sys_path_at_first_scan") or first.get("sys_path_at_exit") or first["sys_path"]

    doc = {
        "probe_schema": SCHEMA,
        "meltano_version": version,
        "python_version": platform.python_version(),
        "probed_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cli": cli,
        "runs": out_runs,
        "catalog": {"lines_small": small_lines, "lines_large": large_lines,
                    "handoffs_small": h_small, "handoffs_large": h_large, "handoffs_per_line": per_line,
                    "debug_log_calls_small": d_small, "debug_log_calls_large": d_large,
                    "debug_log_calls_per_property": debug_per_property},
        "plugin_env": {"python_vars_set_by_meltano": python_vars},
        "path_entries": len(sys_path),
        "extra": {
            "python": sys.executable,
            "workdir": str(probe.workdir),
            "meltano_command": probe.meltano,
            "sys_path": sys_path,
            "tap_python_env": tap_envs,
            "runs": extra_runs,
            "probe_seconds": round(time.monotonic() - started, 1),
        },
    }
    if args.install_check:
        doc["extra"]["install_check"] = install_check(probe)
        doc["extra"]["probe_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ProbeFailure as e:
        print(f"probe: {e}", file=sys.stderr, flush=True)
        sys.exit(2)
