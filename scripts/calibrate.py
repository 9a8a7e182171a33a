#!/usr/bin/env python3
"""Measure this machine's CPython costs for simulate's `cpython` cost profile.

Standard library only. Every measurement runs in a fresh interpreter process (`python -I` on this
script in child mode), so no import, `lru_cache` or page of one measurement helps the next:

- `entry_points()` over the synthetic environments the simulator scans (`--env`, varied shape:
  distributions, path entries, absent ones, names listed), CPU time, fitted jointly to the scan's
  cost terms (least squares, R^2); `entry_points(group=...)` and a cold page cache over the
  single-folder ones, fitted to a + b*N; what only a process's first call pays apart
  (`--first-call-env`); and
  once over this interpreter's own sys.path, beside what the fit predicts;
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
import argparse, asyncio, contextlib, datetime, importlib, json, os, platform, resource, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
GROUP = "meltano.state_backends"


def metadata_module():
    """importlib_metadata (the backport) when installed, else the standard library's; and its name,
    a function: asking the backport its own version is a scan, so a measurement asks after timing."""
    try:
        import importlib_metadata as md
        return md, lambda: "importlib_metadata %s" % getattr(md, "version", lambda n: "?")("importlib_metadata")
    except ImportError:
        import importlib.metadata as md
        return md, lambda: "importlib.metadata (standard library)"


# ---------------------------------------------------------------- child side: one measurement

class OriginalPathFinder:
    """Finds modules on the interpreter's own sys.path after the scan has replaced it. No
    `find_distributions`: importlib.metadata passes it over, so the scan still sees only its paths."""

    def __init__(self, path):
        self.path = path

    def find_spec(self, name, path=None, target=None):
        import importlib.machinery
        return importlib.machinery.PathFinder.find_spec(name, path or self.path, target)


def child_entry_points(args):
    """One scan of `paths`, timed in CPU and wall time, after importing `preload` if given. With
    `settle`, the imports the metadata library defers to its first call are made first (recent
    importlib_metadata declares them in `__lazy_modules__`), so the time is the scan's own."""
    preloaded = None
    if args.get("preload"):  # what Meltano has imported before its first scan, when installed here
        with contextlib.suppress(Exception):  # first: importing the library first changes what this imports
            importlib.import_module(args["preload"])
            preloaded = args["preload"]
    md, library = metadata_module()
    if args.get("settle"):
        for name in getattr(md, "__lazy_modules__", ()):
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
    # The scan sees the environment only; modules the library imports during it (deferred ones)
    # are still found where this interpreter keeps them, after the usual finders.
    original = list(sys.path)
    sys.meta_path.append(OriginalPathFinder(original))
    sys.path[:] = args["paths"]
    before = set(sys.modules)
    wall, cpu = time.perf_counter_ns(), time.process_time_ns()
    found = md.entry_points(group=args["group"]) if args["group"] else md.entry_points()
    cpu, wall = time.process_time_ns() - cpu, time.perf_counter_ns() - wall
    # 3.10/3.11 return a dict of groups (SelectableGroups) for no group; 3.12+ a flat EntryPoints.
    count = sum(len(v) for v in found.values()) if isinstance(found, dict) else len(list(found))
    everything = md.entry_points()  # untimed: how many entry points the scan parsed, in every group
    parsed = sum(len(v) for v in everything.values()) if isinstance(everything, dict) else len(list(everything))
    second = None
    if args.get("twice"):  # again in this process: the listings are reused while the folders' mtimes hold
        second = time.process_time_ns()
        md.entry_points(group=args["group"]) if args["group"] else md.entry_points()
        second = (time.process_time_ns() - second) / 1e3
    imported = sorted(set(sys.modules) - before)
    sys.path[:] = original  # for the library's name and version
    return {"us": cpu / 1e3, "second_us": second, "parsed": parsed, "wall_us": wall / 1e3, "entry_points": count,
            "library": library(), "preloaded": preloaded, "imported": imported}


def stream_redirect(awaits_writes):
    """Meltano's own `_stream_redirect` (tap --discover's stdout into the catalog file) when this
    interpreter has Meltano and, for `awaits_writes`, that release awaits an async write (3.7.x; 3.6
    and 4.x write plainly); else a copy of 3.7.9's, which awaits an async write and calls a plain one."""
    try:
        import inspect
        from meltano.core.plugin.singer.tap import _stream_redirect
        from importlib.metadata import version
        if not awaits_writes or "iscoroutinefunction" in inspect.getsource(_stream_redirect):
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
    redirect, redirect_library = stream_redirect(awaits_writes=args["mode"] != "sync")
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


def parse_env(text):
    """`--env`: N:DIR or DIR (one path entry), or a JSON list of path entries in sys.path order."""
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [text.split(":", 1)[-1]]


def scan_counts(paths):
    """What a first scan of these path entries meets: the terms of the scan's cost (the entry points
    parsed are counted by the scan itself, measure_scans)."""
    counts = {"distributions": 0, "listed": 0, "listed_distributions": 0, "path_entries": len(paths), "missing": 0}
    for path in paths:
        try:
            names = os.listdir(path or ".")
        except OSError:
            counts["missing"] += 1  # absent, a file (tried as a zip archive) or unreadable
            continue
        counts["listed"] += len(names)
        counts["distributions"] += sum(1 for name in names if name.lower().endswith((".dist-info", ".egg-info")))
    counts["listed_distributions"] = counts["distributions"]
    return counts


def reused_listing(counts):
    """The counts of a second scan in the same process: nothing is listed again but the absent entries."""
    return dict(counts, listed=0, listed_distributions=0)


def environment_files(paths):
    files = []
    for path in paths:
        if not os.path.isdir(path):
            continue
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


# The scan's cost terms: unit, and the count (of scan_counts) it is paid per; None is the fixed part.
SCAN_TERMS = [("scan.fixed_us", None), ("scan.per_distribution_us", "distributions"),
              ("scan.per_path_entry_us", "path_entries"), ("scan.per_missing_path_entry_us", "missing"),
              ("scan.per_listed_entry_us", "listed"), ("scan.per_listed_distribution_us", "listed_distributions"),
              ("scan.per_entry_point_us", "entry_points")]


def solve(matrix, vector):
    """Gaussian elimination with partial pivoting; None when singular."""
    n = len(vector)
    m = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                factor = m[r][col] / m[col][col]
                m[r] = [x - factor * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit_terms(rows):
    """Least squares of us = sum(unit * count) over (counts, us) rows. A term fitted below zero (a
    cost cannot be negative) is dropped and the rest refitted; so is a term no row varies, and the
    last of terms the rows cannot tell apart.
    Returns {unit: value}, R^2, and the units dropped."""
    active = [t for t in SCAN_TERMS if t[1] is None or len({c[t[1]] for c, _ in rows}) > 1]
    dropped = [t[0] for t in SCAN_TERMS if t not in active]
    while True:
        xs = [[1.0 if key is None else float(c[key]) for _, key in active] for c, _ in rows]
        ys = [us for _, us in rows]
        normal = [[sum(x[i] * x[j] for x in xs) for j in range(len(active))] for i in range(len(active))]
        rhs = [sum(x[i] * y for x, y in zip(xs, ys)) for i in range(len(active))]
        beta = solve(normal, rhs)
        if beta is None:  # terms the environments cannot tell apart: drop the last and refit
            dropped.append(active.pop()[0])
            continue
        negative = [i for i, b in enumerate(beta) if b < 0 and active[i][1] is not None]
        if not negative:
            break
        worst = min(negative, key=lambda i: beta[i])
        dropped.append(active[worst][0])
        del active[worst]
    values = {unit: 0.0 for unit, _ in SCAN_TERMS}
    values.update({unit: b for (unit, _), b in zip(active, beta)})
    my = statistics.fmean(y for _, y in rows)
    total = sum((y - my) ** 2 for _, y in rows)
    residual = sum((y - predict_scan(values, c)) ** 2 for c, y in rows)
    return values, (1 - residual / total) if total else 1.0, dropped


def predict_scan(values, counts):
    return sum(values[unit] * (1 if key is None else counts[key]) for unit, key in SCAN_TERMS)


def measure_scans(envs, repeats, group, cold, log, settle=True, twice=False):
    """Per environment: its counts and the median CPU microseconds of `repeats` fresh processes
    (least and wall medians kept beside), and what each cold drop did.

    Environments are visited round-robin, one run of each per round, so a burst of other work on a
    shared machine spreads over all of them instead of bending the fit at one."""
    counts = [scan_counts(paths) for paths in envs]
    files = [environment_files(paths) if cold else [] for paths in envs]
    samples = [[] for _ in envs]
    cold_effect = []
    for _ in range(repeats):
        for i, paths in enumerate(envs):
            if cold:
                failed = evict(files[i])
                cold_effect.append((failed, resident_fraction(files[i])))
            samples[i].append(run_child("entry_points", {"paths": paths, "group": group, "settle": settle, "twice": twice}))
    rows = []
    for c, taken in zip(counts, samples):
        c["entry_points"] = taken[0]["parsed"]
        cpu = [t["us"] for t in taken]
        row = {"counts": c, "cpu_median_us": round(statistics.median(cpu), 1), "cpu_least_us": round(min(cpu), 1),
               "wall_median_us": round(statistics.median(t["wall_us"] for t in taken), 1)}
        if twice:
            row["second_cpu_median_us"] = round(statistics.median(t["second_us"] for t in taken), 1)
        rows.append(row)
        log("entry_points(%s) %s %s: %.0f us CPU median, %.0f us least, %.0f us wall median" % (
            "group=..." if group else "", "cold" if cold else "warm",
            " ".join("%s=%d" % kv for kv in c.items()), row["cpu_median_us"], row["cpu_least_us"], row["wall_median_us"]))
    return rows, cold_effect


def measure_first_call(paths, repeats, log):
    """What only a process's first scan pays: the median first scan of fresh processes that have
    imported what Meltano imports before its first scan (when it is installed) less the median of
    the same with the library's deferred imports made first. Interleaved, as measure_scans."""
    preload = "meltano.core.state_store"
    runs = {False: [], True: []}
    for _ in range(2 * repeats):  # a difference of two medians: twice the processes
        for settle in (False, True):
            runs[settle].append(run_child("entry_points", {"paths": paths, "group": GROUP, "settle": settle,
                                                           "preload": preload}))
    first, settled = (statistics.median(r["us"] for r in runs[k]) for k in (False, True))
    imported = runs[False][0]["imported"]
    log("first call: %.0f us CPU median, %.0f us with the deferred imports made first; imported on the first call: %s; "
        "preloaded %s" % (first, settled, ", ".join(imported) or "nothing", runs[False][0]["preloaded"]))
    return {"us": round(first - settled, 1), "first_median_us": round(first, 1), "settled_median_us": round(settled, 1),
            "imported_on_first_call": imported, "preloaded": runs[False][0]["preloaded"]}


def calibrate_scans(opts, log):
    """The scan units and their record: warm terms fitted jointly over every environment (with the
    deferred imports settled), cold a + b*N over the single-folder ones, the first call apart, and
    the interpreter's own sys.path measured beside the fit's prediction."""
    envs = [parse_env(e) for e in opts.env]
    # entry_points(group=...): what Meltano calls (MeltanoAddon.installed).
    warm, _ = measure_scans(envs, opts.repeats, GROUP, False, log, twice=True)
    values, r2, dropped = fit_terms([(r["counts"], r["cpu_median_us"]) for r in warm]
                                    + [(reused_listing(r["counts"]), r["second_cpu_median_us"]) for r in warm])
    bare = [paths for paths, r in zip(envs, warm)
            if r["counts"]["path_entries"] == 1 and r["counts"]["listed"] == r["counts"]["distributions"]]
    if len({scan_counts(p)["distributions"] for p in bare}) < 2:
        bare = envs
    warm_group = [r for paths, r in zip(envs, warm) if paths in bare]
    warm_plain, _ = measure_scans(bare, opts.repeats, None, False, log)
    cold, cold_effect = measure_scans(bare, opts.repeats, None, True, log)
    ag, bg, r2g = fit([(r["counts"]["distributions"], r["cpu_median_us"]) for r in warm_group])
    a, b, r2_single = fit([(r["counts"]["distributions"], r["cpu_median_us"]) for r in warm_plain])
    ac, bc, r2c = fit([(r["counts"]["distributions"], r["cpu_median_us"]) for r in cold])
    first = measure_first_call(parse_env(opts.first_call_env), opts.repeats, log) if opts.first_call_env else None

    own = opts.site_packages and [opts.site_packages] or [os.path.dirname(sys.executable)] + sys.path[1:]
    rows, _ = measure_scans([own], opts.repeats, GROUP, False, log)
    predicted = predict_scan(values, rows[0]["counts"])
    check = dict(rows[0]["counts"], path=os.pathsep.join(own), measured_us=rows[0]["cpu_median_us"],
                 predicted_us=round(predicted, 1))
    log("this interpreter's sys.path (%s): %.0f us measured, %.0f us predicted by the fit" % (
        " ".join("%s=%d" % kv for kv in rows[0]["counts"].items()), rows[0]["cpu_median_us"], predicted))

    library = metadata_module()[1]()
    how = "CPU time of a fresh %s process (%s), median of %d runs per environment" % (
        platform.python_implementation(), library, opts.repeats)
    fractions = [f for _, f in cold_effect if f is not None]
    failed = sum(f for f, _ in cold_effect)
    took = bool(fractions) and failed == 0 and max(fractions) <= 0.05
    cold_note = "posix_fadvise(POSIX_FADV_DONTNEED) on every file of the environment before each run: %s" % (
        ("took effect (at most %.0f%% of sampled pages still resident)" % (100 * max(fractions))) if took
        else "did NOT verifiably take effect (%d files failed, resident share %s)" % (failed, fractions and "%.0f%%" % (100 * max(fractions))))
    joint = "entry_points(group=...) least squares over %d environments of varied shape (distributions, path entries, " \
            "absent ones, names and metadata folders listed, entry points parsed), each scanned twice per process (the second reuses the " \
            "listings), deferred imports settled first; R^2 = %.4f" % (len(envs), r2)
    units = {unit: (values[unit], "%s: %s%s" % (how, joint, "; not identifiable or below 0 here, so 0" if unit in dropped else ""))
             for unit, _ in SCAN_TERMS}
    units["scan.cold_fixed_us"] = (ac, "entry_points() intercept a, cold page cache, %s; a + b*N, R^2 = %.4f; %s" % (how, r2c, cold_note))
    units["scan.cold_per_distribution_us"] = (bc, "entry_points() slope b, cold page cache, %s; a + b*N, R^2 = %.4f; %s" % (how, r2c, cold_note))
    if first is not None:
        units["scan.first_call_us"] = (first["us"], "a process's first entry_points(group=...) less the same with the "
                                       "library's deferred imports made first (%s), %s; after importing %s" % (
                                           ", ".join(first["imported_on_first_call"]) or "none", how,
                                           first["preloaded"] or "the library alone"))
    record = {
        "timing": "CPU time (time.process_time) of one scan in each of %d fresh interpreter processes per environment, "
                  "median; least and wall-time medians kept beside" % opts.repeats,
        "cold_cache": cold_note, "cold_cache_took_effect": took,
        "fits": {
            "entry_points(group=...) warm, all terms": {"units": {u: round(v, 3) for u, v in values.items()}, "r2": round(r2, 5),
                                               "dropped": dropped, "environments": warm},
            "entry_points() warm": {"a_us": round(a, 1), "b_us": round(b, 3), "r2": round(r2_single, 5),
                                    "environments": warm_plain},
            "entry_points(group=...) warm": {"a_us": round(ag, 1), "b_us": round(bg, 3), "r2": round(r2g, 5),
                                             "note": "the single-folder environments of the joint fit, a + b*N alone"},
            "entry_points() cold": {"a_us": round(ac, 1), "b_us": round(bc, 3), "r2": round(r2c, 5), "environments": cold},
        },
        "first_call": first,
        "site_packages_check": check,
    }
    return units, record


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


STATE_MESSAGE = "STATE message (UPDATE payload; BEGIN, SELECT, DELETE, INSERT, COMMIT)"


def calibrate(opts, log):
    load_before = load_average()
    scan_units, scan_record = calibrate_scans(opts, log)

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
    # A hop's wall time beyond its CPU time: both threads off the CPU while one wakes the other.
    # The simulator waits it out rather than padding it busy (docs/calibration.md, "The catalog write").
    hop_waits = [r["us_per_line"] - r["cpu_us_per_line"] for r in hops]
    hop_wait = statistics.median(hop_waits)
    catalog_note = "%d lines from a pipe (`cat`), CPU time of all threads per line, median of %d fresh processes" % (
        opts.lines, opts.repeats)
    log("sqlite statements")
    runs = [run_child("sqlite", {"path": opts.scratch + "/systemdb-%d.db" % i, "iterations": opts.iterations})["statements"]
            for i in range(opts.repeats)]
    statements = {k: min(r[k] for r in runs) for k in runs[0]}
    message = statements[STATE_MESSAGE]
    log("json")
    json_runs = [run_child("json", {"iterations": opts.iterations * 10})["us"] for _ in range(opts.repeats)]
    js = min(json_runs)

    version = platform.python_version()

    def unit(value, source, spread=None):
        if value < 0:  # a negative intercept: the line bends below the smallest N; a cost cannot be negative
            source += "; fitted value %.1f us clamped to 0" % value
        entry = {"value": round(max(0.0, value), 3), "source": source}
        if spread is not None:
            entry["spread"] = round(spread, 4)
        return entry

    def spread(samples, centre):
        """Half the range of the repeats over their centre: how far the unit moved between fresh
        processes of this calibration (docs/calibration.md, "What the interval covers")."""
        return (max(samples) - min(samples)) / 2 / centre if centre > 0 and len(samples) > 1 else None
    library = metadata_module()[1]()
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
            **scan_record,
            "sqlite_statements_us": {k: round(v, 2) for k, v in statements.items()},
        },
        "units": dict({name: unit(value, source) for name, (value, source) in scan_units.items()}, **{
            "catalog.line_sync_us": unit(sync, "catalog write through %s; %s" % (syncs[0]["library"], catalog_note),
                                         spread([r["cpu_us_per_line"] for r in syncs], sync)),
            "catalog.line_thread_hop_us": unit(hop, "catalog write through %s; %s" % (hops[0]["library"], catalog_note),
                                               spread([r["cpu_us_per_line"] for r in hops], hop)),
            "catalog.line_thread_hop_wait_us": unit(
                hop_wait, "the same hopped catalog writes' wall time less their CPU time per line (neither thread on the "
                "CPU while one wakes the other), median of the %d processes" % opts.repeats, spread(hop_waits, hop_wait)),
            "sqlite.statement_us": unit(message / 4, "sqlite3 module, WAL, synchronous=NORMAL: one STATE message write (UPDATE runs.payload, then BEGIN IMMEDIATE, SELECT, DELETE, INSERT, COMMIT) / its 4 counted statements, %d iterations, least of the runs; raw sqlite3, without SQLAlchemy (a lower bound)" % opts.iterations,
                                        spread([r[STATE_MESSAGE] for r in runs], message)),
            "json.state_us": unit(js, "json.loads of a STATE message + json.dumps of its state payload, %d iterations, least of the runs" % (opts.iterations * 10),
                                  spread(json_runs, js)),
        }),
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
    parser.add_argument("--env", action="append", default=[],
                        help="a synthetic environment to measure: N:DIR or DIR (one path entry), or a JSON list of path entries; repeatable")
    parser.add_argument("--first-call-env",
                        help="an environment (as --env) in which to measure what only a process's first scan pays")
    parser.add_argument("--site-packages", help="also measure this real site-packages alone (default: this interpreter's sys.path)")
    parser.add_argument("--output", help="profile file to write (default: scenarios/costs/cpython-calibrated.json)")
    parser.add_argument("--repeats", type=int, default=5, help="fresh processes per measurement (the least is kept)")
    parser.add_argument("--lines", type=int, default=20000, help="catalog lines per write measurement")
    parser.add_argument("--iterations", type=int, default=300, help="SQLite statements per kind (JSON: 10x)")
    opts, rest = parser.parse_known_args()
    if not opts.env:
        delegate_to_simulate(sys.argv[1:])
    if rest:
        parser.error("unknown arguments: %s" % " ".join(rest))
    if len({tuple(parse_env(e)) for e in opts.env}) < 2:
        parser.error("need at least two different --env environments to fit the scan's terms")
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
