#!/usr/bin/env python3
"""Measure this machine's CPython costs for simulate's `cpython` cost profile.

Standard library only. Every measurement runs in a fresh interpreter process (`python -I` on this
script in child mode), so no import, `lru_cache` or page of one measurement helps the next:

- `entry_points()` and `entry_points(group=...)` against the distribution count N, over the
  synthetic environments the simulator scans (`--env DIR`, several N), warm and cold page cache,
  fitted to a + b*N (least squares, R^2); and once over this interpreter's own site-packages;
- the catalog write as a real run pays it: a catalog of N lines arriving on a pipe, copied line by
  line by Meltano's own `_stream_redirect` when the interpreter has Meltano (else a copy of 3.7.9's)
  into a plain file (`sync`) or an `anyio.open_file` one (`hop`: one worker-thread hop per line;
  `asyncio.to_thread` where anyio is missing), CPU per line;
- the SQLite statements Meltano's systemdb state backend runs (sqlite3 module, WAL);
- JSON decode + encode of a STATE payload.

Writes a cost-profile JSON (units in microseconds, each with its source) that `simulate` reads.
Without `--env`, it asks the `simulate` binary to prepare the environments (`simulate calibrate`),
which then runs this script with `--env`.
"""
import argparse, asyncio, datetime, json, os, platform, resource, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
GROUP = "meltano.state_backends"


def metadata_module():
    """importlib_metadata (the backport) when installed, else the standard library's."""
    try:
        import importlib_metadata as md
        return md, "importlib_metadata %s" % getattr(md, "version", lambda n: "?")("importlib_metadata")
    except ImportError:
        import importlib.metadata as md
        return md, "importlib.metadata (standard library)"


# ---------------------------------------------------------------- child side: one measurement

def child_entry_points(args):
    md, library = metadata_module()
    sys.path[:] = args["paths"]  # after every import: the scan sees the environment only
    start = time.perf_counter_ns()
    found = md.entry_points(group=args["group"]) if args["group"] else md.entry_points()
    elapsed = time.perf_counter_ns() - start
    # 3.10/3.11 return a dict of groups (SelectableGroups) for no group; 3.12+ a flat EntryPoints.
    count = sum(len(v) for v in found.values()) if isinstance(found, dict) else len(list(found))
    return {"us": elapsed / 1e3, "entry_points": count, "library": library}


def stream_redirect():
    """Meltano's own `_stream_redirect` (tap --discover's stdout into the catalog file) when this
    interpreter has Meltano, else a copy of 3.7.9's, which awaits an async write and calls a plain one."""
    try:
        from meltano.core.plugin.singer.tap import _stream_redirect
        from importlib.metadata import version
        return _stream_redirect, "meltano %s's _stream_redirect" % version("meltano")
    except Exception:
        pass

    async def _stream_redirect(stream, *file_like_objs, write_str=False):
        encoding = sys.getdefaultencoding()
        while stream and not stream.at_eof():
            data = await stream.readline()
            for file_like_obj in file_like_objs:
                if asyncio.iscoroutinefunction(file_like_obj.write):
                    await file_like_obj.write(data.decode(encoding) if write_str else data)
                else:
                    file_like_obj.write(data.decode(encoding) if write_str else data)
    return _stream_redirect, "a copy of meltano 3.7.9's _stream_redirect"


class ThreadHopFile:
    """`asyncio.to_thread` per write, where anyio is missing: the same one hop per line."""
    def __init__(self, f):
        self.f = f

    async def write(self, data):
        return await asyncio.to_thread(self.f.write, data)


def child_catalog(args):
    """The catalog write as a real run pays it: `cat` of a catalog of N lines on a pipe (as the tap's
    `--discover` output arrives), copied line by line into a file by Meltano's `_stream_redirect`, the
    file opened plainly (`sync`, 3.6 and 4.x) or with `anyio.open_file` (`hop`, 3.7.x). Wall and CPU
    time (all threads of this process; `cat` is not counted) per line."""
    line = b'        "field_3_17": {"type": ["null", "string"], "format": "date-time"},\n'
    source, path, lines = args["path"] + ".src", args["path"], args["lines"]
    with open(source, "wb") as f:
        f.write(line * lines)
    redirect, redirect_library = stream_redirect()
    try:
        import anyio
        hop_library = "anyio.open_file"
    except ImportError:
        anyio = None
        hop_library = "asyncio.to_thread"

    async def copy():
        proc = await asyncio.create_subprocess_exec("cat", source, stdout=asyncio.subprocess.PIPE)
        if args["mode"] == "sync":
            with open(path, "wb") as out:
                await asyncio.gather(redirect(proc.stdout, out), proc.wait())
        elif anyio is not None:
            async with await anyio.open_file(path, mode="wb") as out:
                await asyncio.gather(redirect(proc.stdout, out), proc.wait())
        else:
            with open(path, "wb") as f:
                await asyncio.gather(redirect(proc.stdout, ThreadHopFile(f)), proc.wait())

    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter_ns()
    asyncio.run(copy())
    elapsed = time.perf_counter_ns() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    written = os.path.getsize(path)
    os.unlink(path)
    os.unlink(source)
    if written != len(line) * lines:
        raise SystemExit("catalog copy wrote %d bytes, expected %d" % (written, len(line) * lines))
    library = redirect_library + (", plain file" if args["mode"] == "sync" else ", " + hop_library)
    return {"us_per_line": elapsed / 1e3 / lines, "cpu_us_per_line": cpu * 1e6 / lines, "library": library}


SCHEMA = """
CREATE TABLE IF NOT EXISTS state (state_id VARCHAR(900) PRIMARY KEY, partial_state TEXT, completed_state TEXT, updated_at DATETIME);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, job_name VARCHAR, run_id VARCHAR, state VARCHAR,
  started_at DATETIME, last_heartbeat_at DATETIME, ended_at DATETIME, payload TEXT, payload_flags INTEGER, "trigger" VARCHAR);
"""


def state_payload(message):
    return ('{"bookmarks":{"tap-x":{"replication_key":"updated_at","replication_key_value":"2026-01-08T00:%02d:%02dZ",'
            '"message":%d}}}' % (message // 60 % 60, message % 60, message))


def child_sqlite(args):
    """Each statement kind the systemdb backend runs, timed over `iterations`, in microseconds."""
    db = sqlite3.connect(args["path"], isolation_level=None)  # explicit transactions, as the simulator's
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    now = "2026-01-08 00:00:00.000000"
    run_id = db.execute("INSERT INTO runs (job_name, run_id, state, started_at, last_heartbeat_at, payload, payload_flags, \"trigger\") "
                        "VALUES ('job', 'r', 'RUNNING', ?, ?, '{}', 0, 'calibrate')", (now, now)).lastrowid
    n = args["iterations"]
    times = {}

    def timed(name, body):
        start = time.perf_counter_ns()
        for i in range(n):
            body(i)
        times[name] = (time.perf_counter_ns() - start) / 1e3 / n

    timed("UPDATE runs (mark stale)", lambda i: db.execute(
        "UPDATE runs SET state = 'FAIL', ended_at = ? WHERE state = 'RUNNING' AND last_heartbeat_at < ?", (now, "2000-01-01")))
    timed("SELECT COUNT(*) runs", lambda i: db.execute(
        "SELECT COUNT(*) FROM runs WHERE job_name = ? AND state = 'RUNNING'", ("job",)).fetchone())
    timed("INSERT runs", lambda i: db.execute(
        "INSERT INTO runs (job_name, run_id, state, started_at, last_heartbeat_at, payload, payload_flags, \"trigger\") "
        "VALUES (?, ?, 'RUNNING', ?, ?, '{}', 0, 'calibrate')", ("job%d" % i, str(i), now, now)))
    timed("UPDATE runs (heartbeat)", lambda i: db.execute("UPDATE runs SET last_heartbeat_at = ? WHERE id = ?", (now, run_id)))

    def state_write(i):
        payload = state_payload(i)
        db.execute("UPDATE runs SET payload = ?, payload_flags = ? WHERE id = ?", ('{"singer_state":%s}' % payload, 1, run_id))
        db.execute("BEGIN IMMEDIATE")
        db.execute("SELECT partial_state, completed_state FROM state WHERE state_id = ?", ("dev:job",)).fetchone()
        db.execute("DELETE FROM state WHERE state_id = ?", ("dev:job",))
        db.execute("INSERT INTO state (state_id, partial_state, completed_state, updated_at) VALUES (?, ?, ?, ?)",
                   ("dev:job", "{}", payload, now))
        db.execute("COMMIT")
    timed("STATE message (UPDATE payload; BEGIN, SELECT, DELETE, INSERT, COMMIT)", state_write)
    timed("UPDATE runs (end)", lambda i: db.execute("UPDATE runs SET state = ?, ended_at = ? WHERE id = ?", ("SUCCESS", now, run_id)))
    db.close()
    return {"statements": times}


def child_json(args):
    n = args["iterations"]
    lines = ['{"type": "STATE", "value": %s}' % state_payload(i) for i in range(n)]
    start = time.perf_counter_ns()
    for line in lines:
        message = json.loads(line)
        json.dumps({"singer_state": message["value"]})
    return {"us": (time.perf_counter_ns() - start) / 1e3 / n}


CHILDREN = {"entry_points": child_entry_points, "catalog": child_catalog, "sqlite": child_sqlite, "json": child_json}


# ---------------------------------------------------------------- parent side

def run_child(kind, args):
    out = subprocess.run([sys.executable, "-I", os.path.abspath(__file__), "--child", kind, json.dumps(args)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def distribution_count(path):
    return sum(1 for name in os.listdir(path) if name.lower().endswith((".dist-info", ".egg-info")))


def environment_files(path):
    files = []
    for name in os.listdir(path):
        folder = os.path.join(path, name)
        if name.lower().endswith((".dist-info", ".egg-info")) and os.path.isdir(folder):
            files += [os.path.join(folder, f) for f in os.listdir(folder) if os.path.isfile(os.path.join(folder, f))]
    return files


def evict(files):
    """Drops the files' cached pages (flushing first: dirty pages cannot be dropped). No root needed."""
    failed = 0
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fdatasync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
        except (OSError, AttributeError):
            failed += 1
    return failed


def resident_fraction(files, sample=64):
    """Share of the sampled files' pages in the page cache (mincore through ctypes), or None."""
    try:
        import ctypes, mmap
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
        resident = total = 0
        for path in files[:: max(1, len(files) // sample)]:
            size = os.path.getsize(path)
            if size == 0:
                continue
            fd = os.open(path, os.O_RDONLY)
            try:
                address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
                pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
                vector = (ctypes.c_ubyte * pages)()
                if libc.mincore(address, size, vector) == 0:
                    resident += sum(v & 1 for v in vector)
                    total += pages
                libc.munmap(address, size)
            finally:
                os.close(fd)
        return resident / total if total else None
    except Exception:
        return None


def fit(points):
    """Least squares a + b*N over (N, us) points; returns a, b, R^2."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    a = my - b * mx
    total = sum((y - my) ** 2 for y in ys)
    residual = sum((y - a - b * x) ** 2 for x, y in points)
    return a, b, (1 - residual / total) if total else 1.0


def measure_scans(envs, repeats, group, cold, log):
    """(N, least us) per environment, (N, median us) too, and what each cold drop did.

    Sizes are visited round-robin, one run of each per round, so a burst of other work on a shared
    machine spreads over every N instead of bending the line at one of them."""
    counts = [distribution_count(path) for path in envs]
    files = [environment_files(path) if cold else [] for path in envs]
    samples = [[] for _ in envs]
    cold_effect = []
    for _ in range(repeats):
        for i, path in enumerate(envs):
            if cold:
                failed = evict(files[i])
                cold_effect.append((failed, resident_fraction(files[i])))
            samples[i].append(run_child("entry_points", {"paths": [path], "group": group})["us"])
    for n, taken in zip(counts, samples):
        log("entry_points(%s) %s N=%d: %.0f us least, %.0f us median" % (
            "group=..." if group else "", "cold" if cold else "warm", n, min(taken), statistics.median(taken)))
    points = [(n, min(taken)) for n, taken in zip(counts, samples)]
    medians = [(n, statistics.median(taken)) for n, taken in zip(counts, samples)]
    return points, medians, cold_effect


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    except OSError:
        pass
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release()}


def load_average():
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def default_site_packages():
    import site
    paths = [p for p in site.getsitepackages() if os.path.isdir(p)]
    return paths[0] if paths else None


def calibrate(opts, log):
    envs = [e.split(":", 1)[-1] for e in opts.env]
    load_before = load_average()
    warm, warm_medians, _ = measure_scans(envs, opts.repeats, None, False, log)
    warm_group, _, _ = measure_scans(envs, opts.repeats, GROUP, False, log)
    cold, cold_medians, cold_effect = measure_scans(envs, opts.repeats, None, True, log)
    a, b, r2 = fit(warm)
    ag, bg, r2g = fit(warm_group)
    ac, bc, r2c = fit(cold)
    _, library = metadata_module()
    sizes = "N = %s" % ", ".join(str(n) for n, _ in warm)
    how = "in a fresh %s process (%s), %s; least squares a + b*N over %s (least of %d runs each)" % (
        platform.python_implementation(), library, "%s", sizes, opts.repeats)
    fractions = [f for _, f in cold_effect if f is not None]
    failed = sum(f for f, _ in cold_effect)
    took = bool(fractions) and failed == 0 and max(fractions) <= 0.05
    cold_note = "posix_fadvise(POSIX_FADV_DONTNEED) on every file of the environment before each run: %s" % (
        ("took effect (at most %.0f%% of sampled pages still resident)" % (100 * max(fractions))) if took
        else "did NOT verifiably take effect (%d files failed, resident share %s)" % (failed, fractions and "%.0f%%" % (100 * max(fractions))))

    log("catalog writes")
    # Interleaved, so drift on the machine spreads over both modes.
    syncs, hops = [], []
    for _ in range(opts.repeats):
        syncs.append(run_child("catalog", {"path": opts.scratch + "/catalog", "mode": "sync", "lines": opts.lines}))
        hops.append(run_child("catalog", {"path": opts.scratch + "/catalog", "mode": "hop", "lines": opts.lines}))
    # CPU per line, median over fresh processes: what the simulator pads with busy CPU, and what a
    # real run's catalog write adds end to end (docs/calibration.md, "The catalog write").
    sync = statistics.median(r["cpu_us_per_line"] for r in syncs)
    hop = statistics.median(r["cpu_us_per_line"] for r in hops)
    catalog_note = "%d lines from a pipe (`cat`), CPU time of all threads per line, median of %d fresh processes" % (
        opts.lines, opts.repeats)
    log("sqlite statements")
    runs = [run_child("sqlite", {"path": opts.scratch + "/systemdb-%d.db" % i, "iterations": opts.iterations})["statements"]
            for i in range(opts.repeats)]
    statements = {k: min(r[k] for r in runs) for k in runs[0]}
    message = statements["STATE message (UPDATE payload; BEGIN, SELECT, DELETE, INSERT, COMMIT)"]
    log("json")
    js = min(run_child("json", {"iterations": opts.iterations * 10})["us"] for _ in range(opts.repeats))

    site_check = None
    site_path = opts.site_packages or default_site_packages()
    if site_path and os.path.isdir(site_path):
        n = distribution_count(site_path)
        us = min(run_child("entry_points", {"paths": [site_path], "group": None})["us"] for _ in range(opts.repeats))
        site_check = {"path": site_path, "distributions": n, "measured_us": round(us, 1), "predicted_us": round(a + b * n, 1)}
        log("site-packages N=%d: %.0f us measured, %.0f us predicted by the fit" % (n, us, a + b * n))

    version = platform.python_version()

    def unit(value, source):
        if value < 0:  # a negative intercept: the line bends below the smallest N; a cost cannot be negative
            source += "; fitted value %.1f us clamped to 0" % value
        return {"value": round(max(0.0, value), 3), "source": source}
    return {
        "format": 1,
        "name": "cpython-calibrated",
        "description": "Per-unit costs measured on this machine by scripts/calibrate.py with %s %s." % (platform.python_implementation(), version),
        "runtime": "%s %s" % (platform.python_implementation(), version),
        "calibration": {
            "interpreter": sys.executable, "python_version": sys.version.replace("\n", " "), "metadata_library": library,
            "thread_hop_library": hops[0]["library"],
            "catalog_write_us_per_line": {
                "sync": {"cpu": [round(r["cpu_us_per_line"], 2) for r in syncs], "wall": [round(r["us_per_line"], 2) for r in syncs]},
                "hop": {"cpu": [round(r["cpu_us_per_line"], 2) for r in hops], "wall": [round(r["us_per_line"], 2) for r in hops]},
            }, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": dict(machine(), load_average_before=load_before, load_average_after=load_average()),
            "timing": "least of %d fresh-process runs per measurement: the least-disturbed run on a shared machine; "
                      "medians are kept beside the fits" % opts.repeats,
            "cold_cache": cold_note, "cold_cache_took_effect": took,
            "fits": {
                "entry_points() warm": {"a_us": round(a, 1), "b_us": round(b, 3), "r2": round(r2, 5), "points": warm,
                                        "median_points": warm_medians},
                "entry_points(group=...) warm": {"a_us": round(ag, 1), "b_us": round(bg, 3), "r2": round(r2g, 5), "points": warm_group},
                "entry_points() cold": {"a_us": round(ac, 1), "b_us": round(bc, 3), "r2": round(r2c, 5), "points": cold,
                                        "median_points": cold_medians},
            },
            "site_packages_check": site_check,
            "sqlite_statements_us": {k: round(v, 2) for k, v in statements.items()},
        },
        "units": {
            "scan.fixed_us": unit(a, "entry_points() intercept a " + how % "warm page cache" + ", R^2 = %.4f" % r2),
            "scan.per_distribution_us": unit(b, "entry_points() slope b " + how % "warm page cache" + ", R^2 = %.4f" % r2),
            "scan.cold_fixed_us": unit(ac, "entry_points() intercept a " + how % "cold page cache" + ", R^2 = %.4f; " % r2c + cold_note),
            "scan.cold_per_distribution_us": unit(bc, "entry_points() slope b " + how % "cold page cache" + ", R^2 = %.4f; " % r2c + cold_note),
            "catalog.line_sync_us": unit(sync, "catalog write through %s; %s" % (syncs[0]["library"], catalog_note)),
            "catalog.line_thread_hop_us": unit(hop, "catalog write through %s; %s" % (hops[0]["library"], catalog_note)),
            "sqlite.statement_us": unit(message / 4, "sqlite3 module, WAL, synchronous=NORMAL: one STATE message write (UPDATE runs.payload, then BEGIN IMMEDIATE, SELECT, DELETE, INSERT, COMMIT) / its 4 counted statements, %d iterations, least of the runs; raw sqlite3, without SQLAlchemy (a lower bound)" % opts.iterations),
            "json.state_us": unit(js, "json.loads of a STATE message + json.dumps of its state payload, %d iterations, least of the runs" % (opts.iterations * 10)),
        },
    }


def delegate_to_simulate(argv):
    """No --env: let the simulate binary prepare the same synthetic environments and call us back."""
    root = os.path.dirname(HERE)
    candidates = [os.environ.get("SIMULATE", ""), os.path.join(root, ".build/release/simulate"),
                  os.path.join(root, ".build/debug/simulate"), shutil.which("simulate") or ""]
    binary = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    if binary is None:
        sys.exit("calibrate.py: no --env given and no simulate binary found (build it: swift build -c release; or set SIMULATE)")
    os.execv(binary, [binary, "calibrate", "--python", sys.executable, "--script", os.path.abspath(__file__)] + argv)


def main():
    if sys.version_info < (3, 9):
        sys.exit("calibrate.py: needs Python 3.9 or later (importlib.metadata, asyncio.to_thread)")
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(CHILDREN[sys.argv[2]](json.loads(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env", action="append", default=[], help="a synthetic site-packages to measure (N:DIR or DIR); repeatable")
    parser.add_argument("--site-packages", help="also measure this real site-packages (default: this interpreter's)")
    parser.add_argument("--output", help="profile file to write (default: scenarios/costs/cpython-calibrated.json)")
    parser.add_argument("--repeats", type=int, default=5, help="fresh processes per measurement (the least is kept)")
    parser.add_argument("--lines", type=int, default=20000, help="catalog lines per write measurement")
    parser.add_argument("--iterations", type=int, default=300, help="SQLite statements per kind (JSON: 10x)")
    opts, rest = parser.parse_known_args()
    if not opts.env:
        delegate_to_simulate(sys.argv[1:])
    if rest:
        parser.error("unknown arguments: %s" % " ".join(rest))
    if len(opts.env) < 2:
        parser.error("need at least two --env sizes to fit a + b*N")
    if opts.repeats < 1 or opts.lines < 1 or opts.iterations < 1:
        parser.error("--repeats, --lines and --iterations must be at least 1")
    output = opts.output or os.path.join(os.path.dirname(HERE), "scenarios", "costs", "cpython-calibrated.json")
    log = lambda text: print("calibrate: " + text, file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="calibrate-") as scratch:
        opts.scratch = scratch
        profile = calibrate(opts, log)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    temporary = output + ".tmp-%d" % os.getpid()
    with open(temporary, "w") as f:
        json.dump(profile, f, indent=2)
        f.write("\n")
    os.replace(temporary, output)
    log("wrote %s (%s; %s)" % (output, profile["runtime"], profile["calibration"]["metadata_library"]))
    print(output)


if __name__ == "__main__":
    main()
