"""Release-probe instrumentation, loaded into Meltano's interpreter at start-up.

probe.py puts a copy of this file first on PYTHONPATH for one `meltano` process only, and
sets SIMULATE_PROBE_OUT. Nothing is installed into the virtual environment. At start-up it
takes its own variables (and its PYTHONPATH entry) back out of os.environ, so the plugin
processes Meltano starts are not instrumented and see the environment Meltano gives them.

What it records (all generic: no release names, no version checks), written as JSON to
$SIMULATE_PROBE_OUT at exit (atexit, and before os._exit):

- entry-point lookups: every call of importlib.metadata.entry_points and of the
  importlib_metadata backport's entry_points (group, or "*" for a call without one), and
  select(group=...) on an unfiltered result; per call: group, seconds since start-up, thread,
  the calling module and function;
- listings of sys.path entries (audit events os.listdir / os.scandir), by who made them
  (the import system or other code) and whether they came before the first entry-point lookup;
- thread hand-offs: ThreadPoolExecutor.submit, loop.run_in_executor (which asyncio.to_thread
  uses), anyio.to_thread.run_sync; and every file opened for writing under
  $SIMULATE_PROBE_TRACK_DIR with its write() calls by thread and the hand-offs made while it
  was open;
- with SIMULATE_PROBE_TRACE=1 only (tracing is slow): a sys.settrace/threading.settrace
  tracer counting distinct exception objects whose message contains $SIMULATE_PROBE_NEEDLE,
  calls of functions named `backends` defined in a `meltano` module, and initializations
  (`__init__` calls) of classes defined in `meltano` modules with a base class named
  StateStoreManager.
"""

from __future__ import annotations

import os
import sys

_OUT = os.environ.get("SIMULATE_PROBE_OUT")


def _install(out_path: str) -> None:  # noqa: C901, PLR0915
    import atexit
    import json
    import threading
    import time

    t0 = time.monotonic()
    # Seconds from the process's start to here (Linux: /proc start time, in clock ticks since boot).
    start_offset = 0.0
    clock = "seconds since the instrumentation loaded"
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        started_ticks = int(fields[19])  # field 22 of proc(5): starttime
        start_offset = max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started_ticks / os.sysconf("SC_CLK_TCK"))
        clock = "seconds since process start (/proc start time: clock-tick resolution)"
    except Exception:  # noqa: BLE001
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ

    # Take our variables back out, so that the processes Meltano starts do not inherit them.
    orig_pp = env.pop("SIMULATE_PROBE_ORIG_PYTHONPATH", None)
    if orig_pp:
        env["PYTHONPATH"] = orig_pp
    else:
        env.pop("PYTHONPATH", None)
    track_dir = env.pop("SIMULATE_PROBE_TRACK_DIR", "") or None
    if track_dir:
        track_dir = os.path.realpath(track_dir)
    trace = env.pop("SIMULATE_PROBE_TRACE", "") == "1"
    needle = env.pop("SIMULATE_PROBE_NEEDLE", "") or None
    env.pop("SIMULATE_PROBE_OUT", None)

    lock = threading.Lock()
    local = threading.local()
    main_ident = threading.get_ident()
    rec: dict = {
        "pid": os.getpid(),
        "clock": clock,
        "loaded_at": round(start_offset, 6),
        "argv": list(sys.argv),
        "sys_path": [p for p in sys.path if os.path.abspath(p or ".") != here],
        "entry_point_calls": [],
        "path_listings": {},
        "first_scan_at": None,
        "handoffs": {"executor_submit": 0, "run_in_executor": 0, "anyio_run_sync": 0},
        "handoff_total": 0,
        "catalog_debug_log_calls": 0,
        "files": [],
        "patched": [],
        "trace": trace,
        "errors": [],
        "calls": {"backends": [], "state_store_manager_init": []},
        "exit": None,
    }
    exc_seen: dict[int, BaseException] = {}  # keeps the objects alive, so ids stay unique

    def now() -> float:
        return round(time.monotonic() - t0 + start_offset, 6)

    def caller(f) -> str:
        """Module:function of the first frame from f up outside the metadata machinery."""
        while f is not None:
            mod = f.f_globals.get("__name__", "?")
            if not (mod.startswith(("importlib", "importlib_metadata", "zipp", "functools", "sitecustomize"))
                    or mod == __name__):
                return f"{mod}:{f.f_code.co_name}"
            f = f.f_back
        return "?"

    # Garbage collections, so that a lookup's duration can be told apart from a collection inside it.
    import gc
    gc_state = {"seconds": 0.0, "started": None, "collections": [0, 0, 0]}

    def on_gc(phase, info):
        if phase == "start":
            gc_state["started"] = time.perf_counter()
        elif gc_state["started"] is not None:
            gc_state["seconds"] += time.perf_counter() - gc_state["started"]
            gc_state["started"] = None
            gc_state["collections"][info.get("generation", 0)] += 1

    gc.callbacks.append(on_gc)

    # ---- entry-point lookups -------------------------------------------------------------
    def note_scan(group: str, source: str, depth: int) -> None:
        with lock:
            if rec["first_scan_at"] is None:
                rec["first_scan_at"] = now()
                rec["sys_path_at_first_scan"] = [p for p in sys.path if os.path.abspath(p or ".") != here]
            rec["entry_point_calls"].append({
                "group": group, "t": now(), "via": source,
                "thread": "main" if threading.get_ident() == main_ident else threading.current_thread().name,
                "caller": caller(sys._getframe(depth)),
            })

    def wrap_entry_points(mod, source: str) -> None:
        orig = getattr(mod, "entry_points", None)
        if orig is None or getattr(orig, "_probe_wrapped", False):
            return

        def entry_points(*args, **params):
            group = params.get("group")
            note_scan(group if group is not None else "*", source, 1)
            call = rec["entry_point_calls"][-1]
            before = set(sys.modules) if len(rec["entry_point_calls"]) == 1 else None
            local.in_ep = getattr(local, "in_ep", 0) + 1
            w0, c0, g0 = time.perf_counter(), time.thread_time(), gc_state["seconds"]
            try:
                return orig(*args, **params)
            finally:
                call["gc_us"] = round((gc_state["seconds"] - g0) * 1e6)
                # Duration of the call (wall, and CPU of this thread), and for the process's first
                # lookup the modules it imported.
                call["wall_us"] = round((time.perf_counter() - w0) * 1e6)
                call["cpu_us"] = round((time.thread_time() - c0) * 1e6)
                if before is not None:
                    call["modules_imported"] = sorted(set(sys.modules) - before)
                local.in_ep -= 1

        entry_points._probe_wrapped = True
        entry_points.__wrapped__ = orig
        entry_points.__doc__ = orig.__doc__
        mod.entry_points = entry_points
        # select(group=...) on an unfiltered result: count it as a lookup of that group.
        for cls_name in ("EntryPoints", "SelectableGroups"):
            cls = getattr(mod, cls_name, None)
            sel = getattr(cls, "select", None) if cls is not None else None
            if sel is None or getattr(sel, "_probe_wrapped", False):
                continue

            def make(sel=sel, cls_name=cls_name):
                def select(self, **params):
                    if getattr(local, "in_ep", 0) == 0 and "group" in params:
                        note_scan(params["group"], f"{source}.{cls_name}.select", 1)
                    local.in_ep = getattr(local, "in_ep", 0) + 1
                    try:
                        return sel(self, **params)
                    finally:
                        local.in_ep -= 1
                select._probe_wrapped = True
                return select

            try:
                cls.select = make()
            except (TypeError, AttributeError):
                pass
        rec["patched"].append(f"{source}.entry_points")

    # ---- thread hand-offs ----------------------------------------------------------------
    def note_handoff(kind: str) -> None:
        with lock:
            rec["handoffs"][kind] += 1
            rec["handoff_total"] += 1

    def patch_executor(mod) -> None:
        cls = mod.ThreadPoolExecutor
        orig = cls.submit
        if getattr(orig, "_probe_wrapped", False):
            return

        def submit(self, fn, /, *args, **kwargs):
            if not getattr(local, "in_rie", False):
                note_handoff("executor_submit")
            return orig(self, fn, *args, **kwargs)

        submit._probe_wrapped = True
        cls.submit = submit
        rec["patched"].append("ThreadPoolExecutor.submit")

    def patch_loop(mod) -> None:
        cls = mod.BaseEventLoop
        orig = cls.run_in_executor
        if getattr(orig, "_probe_wrapped", False):
            return

        def run_in_executor(self, executor, func, *args):
            note_handoff("run_in_executor")
            local.in_rie = True
            try:
                return orig(self, executor, func, *args)
            finally:
                local.in_rie = False

        run_in_executor._probe_wrapped = True
        cls.run_in_executor = run_in_executor
        rec["patched"].append("BaseEventLoop.run_in_executor")

    def patch_anyio(mod) -> None:
        orig = getattr(mod, "run_sync", None)
        if orig is None or getattr(orig, "_probe_wrapped", False):
            return

        async def run_sync(*args, **kwargs):
            note_handoff("anyio_run_sync")
            return await orig(*args, **kwargs)

        run_sync._probe_wrapped = True
        run_sync.__wrapped__ = orig
        mod.run_sync = run_sync
        rec["patched"].append("anyio.to_thread.run_sync")

    # ---- files written under the tracked directory ---------------------------------------
    import builtins
    import io

    real_open = io.open

    class TrackedFile:
        """Delegates to the real file object; counts write() calls by thread."""

        def __init__(self, fp, info):
            object.__setattr__(self, "_fp", fp)
            object.__setattr__(self, "_info", info)

        def write(self, data):
            info = self._info
            if threading.get_ident() == main_ident:
                info["writes_main_thread"] += 1
            else:
                info["writes_other_threads"] += 1
            n = self._fp.write(data)
            info["bytes"] += len(data)
            return n

        def writelines(self, lines):
            for line in lines:
                self.write(line)

        def close(self):
            info = self._info
            if info["handoffs_at_close"] is None:
                info["handoffs_at_close"] = rec["handoff_total"]
                info["closed_at"] = now()
            return self._fp.close()

        def __enter__(self):
            self._fp.__enter__()
            return self

        def __exit__(self, *exc):
            self.close()
            return False

        def __iter__(self):
            return iter(self._fp)

        def __next__(self):
            return next(self._fp)

        def __getattr__(self, name):
            return getattr(self._fp, name)

        def __setattr__(self, name, value):
            setattr(self._fp, name, value)

    def tracked_path(file, mode) -> str | None:
        if not track_dir or not isinstance(mode, str) or not any(c in mode for c in "wax+"):
            return None
        if isinstance(file, int):
            return None
        try:
            p = os.path.realpath(os.fsdecode(file))
        except Exception:  # noqa: BLE001
            return None
        if p == track_dir or p.startswith(track_dir + os.sep):
            return p
        return None

    def probe_open(file, mode="r", *args, **kwargs):
        fp = real_open(file, mode, *args, **kwargs)
        p = tracked_path(file, mode)
        if p is None:
            return fp
        info = {
            "path": os.path.relpath(p, track_dir), "mode": mode, "opened_at": now(), "closed_at": None,
            "thread": "main" if threading.get_ident() == main_ident else "other",
            "writes_main_thread": 0, "writes_other_threads": 0, "bytes": 0,
            "handoffs_at_open": rec["handoff_total"], "handoffs_at_close": None,
        }
        with lock:
            rec["files"].append(info)
        return TrackedFile(fp, info)

    if track_dir:
        probe_open.__wrapped__ = real_open
        builtins.open = probe_open
        io.open = probe_open
        rec["patched"].append("open")

    def patch_catalog(mod) -> None:
        # The catalog visitor's `logger.debug` calls (per node visited): paid even when the
        # log level filters them out, and releases differ in how many they make.
        inner = getattr(mod, "logger", None)
        if inner is None:
            return

        class CountingLogger:
            def __getattr__(self, attr):
                target = getattr(inner, attr)
                if attr != "debug":
                    return target

                def debug(*args, **kwargs):
                    rec["catalog_debug_log_calls"] += 1
                    return target(*args, **kwargs)
                return debug

        mod.logger = CountingLogger()
        rec["patched"].append("meltano.core.plugin.singer.catalog.logger")

    # ---- patch modules as they are imported ----------------------------------------------
    patches = {
        "importlib.metadata": lambda m: wrap_entry_points(m, "importlib.metadata"),
        "importlib_metadata": lambda m: wrap_entry_points(m, "importlib_metadata"),
        "concurrent.futures.thread": patch_executor,
        "asyncio.base_events": patch_loop,
        "anyio.to_thread": patch_anyio,
        "meltano.core.plugin.singer.catalog": patch_catalog,
    }

    class PatchingFinder:
        """Finds nothing itself; wraps the loader of the modules to patch."""

        @staticmethod
        def find_spec(name, path=None, target=None):
            if name not in patches or getattr(local, "finding", False):
                return None
            local.finding = True
            try:
                import importlib.util
                spec = importlib.util.find_spec(name)
            finally:
                local.finding = False
            if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                return spec
            loader = spec.loader
            orig_exec = loader.exec_module

            class Loader:
                def __getattr__(self, attr):
                    return getattr(loader, attr)

                def create_module(self, spec):
                    return loader.create_module(spec)

                def exec_module(self, module):
                    orig_exec(module)
                    try:
                        patches[name](module)
                    except Exception as e:  # noqa: BLE001
                        rec["errors"].append(f"patch {name}: {e!r}")

            spec.loader = Loader()
            return spec

    for name, fn in patches.items():
        if name in sys.modules:
            fn(sys.modules[name])
    sys.meta_path.insert(0, PatchingFinder)

    # ---- listings of sys.path entries ----------------------------------------------------
    def path_entries() -> set[str]:
        out = set()
        for p in sys.path:
            if isinstance(p, str):
                out.add(os.path.abspath(p or "."))
        return out

    listings = rec["path_listings"]

    def audit(event, args):
        if event != "os.listdir" and event != "os.scandir":
            return
        p = args[0] if args else None
        if isinstance(p, int):
            return
        try:
            p = os.path.abspath(os.fsdecode(p)) if p is not None else os.path.abspath(".")
        except Exception:  # noqa: BLE001
            return
        if p == here or p not in path_entries():
            return
        f = sys._getframe(1)
        fn = f.f_code.co_filename
        by = "import_system" if fn.startswith("<frozen importlib") else "other"
        when = "before_first_scan" if rec["first_scan_at"] is None else "after_first_scan"
        key = f"{by}.{when}"
        with lock:
            entry = listings.setdefault(key, {"count": 0, "entries": {}, "listers": {}, "callers": {}})
            entry["count"] += 1
            entry["entries"][p] = entry["entries"].get(p, 0) + 1
            if by == "other":
                lister = f.f_globals.get("__name__", "?")  # the module calling os.listdir/os.scandir
                entry["listers"][lister] = entry["listers"].get(lister, 0) + 1
                c = f"{caller(f)} via {lister}"
                entry["callers"][c] = entry["callers"].get(c, 0) + 1

    sys.addaudithook(audit)

    # ---- tracing (exceptions, calls) -----------------------------------------------------
    if trace:
        def ltrace(frame, event, arg):
            if event == "exception" and needle is not None:
                exc = arg[1]
                if id(exc) not in exc_seen:
                    try:
                        text = str(exc)
                    except Exception:  # noqa: BLE001
                        text = ""
                    if needle in text:
                        exc_seen[id(exc)] = exc
                        rec.setdefault("exceptions", []).append({
                            "type": f"{type(exc).__module__}.{type(exc).__qualname__}",
                            "message": text, "t": now(),
                            "raised_in": f"{frame.f_globals.get('__name__', '?')}:{frame.f_code.co_name}",
                            "cause_matches": exc.__cause__ is not None and id(exc.__cause__) in exc_seen,
                            "context_matches": exc.__context__ is not None and id(exc.__context__) in exc_seen,
                        })
            return ltrace

        def gtrace(frame, event, arg):
            if event == "call":
                co = frame.f_code
                name = co.co_name
                if name == "backends" or name == "__init__":
                    mod = frame.f_globals.get("__name__", "")
                    if mod == "meltano" or mod.startswith("meltano."):
                        if name == "backends":
                            rec["calls"]["backends"].append({"t": now(), "module": mod, "caller": caller(frame.f_back)})
                        else:
                            self = frame.f_locals.get("self")
                            mro = type(self).__mro__ if self is not None else ()
                            if any(c.__name__ == "StateStoreManager" for c in mro[1:]):
                                cls = type(self)
                                if co is getattr(getattr(cls, "__init__", None), "__code__", None):
                                    rec["calls"]["state_store_manager_init"].append(
                                        {"t": now(), "class": f"{cls.__module__}.{cls.__qualname__}"})
            frame.f_trace_lines = False
            return ltrace

        sys.settrace(gtrace)
        threading.settrace(gtrace)

    # ---- output --------------------------------------------------------------------------
    def dump(how: str) -> None:
        rec["exit"] = how
        rec["sys_path_at_exit"] = [p for p in sys.path if isinstance(p, str) and os.path.abspath(p or ".") != here]
        rec["seconds_since_startup"] = now()
        rec["gc"] = {"seconds": round(gc_state["seconds"], 6), "collections_by_generation": gc_state["collections"]}
        try:
            text = json.dumps(rec, default=repr)
            with real_open(out_path + ".tmp", "w") as fh:
                fh.write(text)
            os.replace(out_path + ".tmp", out_path)
        except Exception:  # noqa: BLE001
            pass

    atexit.register(lambda: dump("atexit"))
    real_exit = os._exit

    def _exit(code):
        dump(f"os._exit({code})")
        real_exit(code)

    os._exit = _exit


if _OUT:
    try:
        _install(_OUT)
    except Exception as _e:  # noqa: BLE001
        sys.stderr.write(f"sitecustomize (probe): instrumentation failed: {_e!r}\n")

# Run a sitecustomize this one shadows, if the interpreter has one.
try:
    import importlib.machinery as _m
    _here = os.path.dirname(os.path.abspath(__file__))
    _spec = _m.PathFinder.find_spec("sitecustomize", [p for p in sys.path if os.path.abspath(p or ".") != _here])
    if _spec is not None and _spec.loader is not None:
        import importlib.util as _u
        _mod = _u.module_from_spec(_spec)
        _spec.loader.exec_module(_mod)
except Exception:  # noqa: BLE001
    pass
