"""Markdown tables of the probe results: python3 summarize.py [results/meltano-*.raw.json ...]"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = ("systemdb", "systemdb_large", "file", "unknown_scheme")


def version_key(path: Path) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", path.name)[:3]]


def main() -> int:
    files = [Path(a) for a in sys.argv[1:]] or sorted((HERE / "results").glob("meltano-*.raw.json"), key=version_key)
    docs = [json.loads(f.read_text()) for f in files]

    print("Entry-point lookups per process (`meltano.settings` / `meltano.state_backends`), per configuration;")
    print("other groups looked up; listings of sys.path entries before the first lookup (all, and by the library")
    print("the first lookup used); the first lookup's group and library.\n")
    print("| release | systemdb | systemdb, large | file:// | unknown scheme | other groups (each run) "
          "| listings before 1st lookup: all / same library | first lookup |")
    print("|---|---|---|---|---|---|---|---|")
    for d in docs:
        r = d["runs"]
        cells = [f"{r[k]['entry_point_calls'].get('meltano.settings', 0)} / "
                 f"{r[k]['entry_point_calls'].get('meltano.state_backends', 0)}" for k in RUNS]
        others = sorted({f"{g} {n}" for k in RUNS for g, n in r[k]["entry_point_calls"].items()
                         if not g.startswith("meltano.")})
        first = r["systemdb"].get("first_scan") or {}
        by = r["systemdb"].get("path_listings_before_first_scan_by", {})
        same = by.get(first.get("via"), 0)
        print(f"| {d['meltano_version']} | {' | '.join(cells)} | {', '.join(others) or '-'} "
              f"| {r['systemdb']['path_listings_before_first_scan']} / {same} "
              f"| {first.get('group', '-')} ({first.get('via', '-')}) |")

    print("\nCatalog write, state backends, the unknown-scheme error.\n")
    print("| release | hand-offs small / large (lines) | per line | catalog writes on other threads (large) "
          "| state-backend inits (file://) | `backends` calls (file:// / unknown) | error raises | message |")
    print("|---|---|---|---|---|---|---|---|")
    for d in docs:
        r, c = d["runs"], d["catalog"]
        cf = d["extra"]["runs"]["systemdb_large"].get("catalog_file") or {}
        u = r["unknown_scheme"]
        print(f"| {d['meltano_version']} | {c['handoffs_small']} / {c['handoffs_large']} "
              f"({c['lines_small']} / {c['lines_large']}) | {c['handoffs_per_line']} "
              f"| {cf.get('writes_other_threads', '-')} of {cf.get('writes_main_thread', 0) + cf.get('writes_other_threads', 0)} "
              f"| {r['file'].get('state_backend_initializations', '-')} "
              f"| {r['file'].get('backends_calls', '-')} / {u.get('backends_calls', '-')} | {u.get('error_raises')} "
              f"| `{u.get('error_message')}` |")

    print("\nPlugin start-up, `meltano install`, time.\n")
    print("| release | CLI flags | PYTHON* set for plugins | install: venv by | install: .pyc plugin / site-packages "
          "| seconds: systemdb, large, file (traced), unknown (traced) | probe seconds |")
    print("|---|---|---|---|---|---|---|")
    for d in docs:
        r = d["runs"]
        ic = d["extra"].get("install_check")
        if ic and ic.get("exit_code") == 0:
            by = "uv" if ic["venv_made_by_uv"] else ("venv + pip" if ic["pip_in_venv"] else "venv")
            pyc = f"{ic['plugin_pyc_files']} of {ic['plugin_py_files']} / {ic['site_packages_pyc_files']} of {ic['site_packages_py_files']}"
        else:
            by, pyc = ("failed" if ic else "-"), "-"
        flags = f"{d['cli']['run_force_flag']}{', --refresh-catalog' if d['cli']['run_refresh_catalog_flag'] else ''}"
        env = ", ".join(f"{k}={v}" for k, v in d["plugin_env"]["python_vars_set_by_meltano"].items()) or "none"
        secs = ", ".join(f"{r[k]['seconds']:.1f}" for k in RUNS)
        print(f"| {d['meltano_version']} | {flags} | {env} | {by} | {pyc} | {secs} | {d['extra']['probe_seconds']} |")

    print("\nThe first entry-point lookup of each run (microseconds: wall, CPU of its thread, of which in garbage"
          " collection; modules it imported).\n")
    print("| release | " + " | ".join(RUNS) + " | modules imported |")
    print("|---|" + "---|" * (len(RUNS) + 1))
    for d in docs:
        cells, mods = [], set()
        for k in RUNS:
            f = d["runs"][k].get("first_scan") or {}
            cells.append(f"{f.get('wall_us', '-')} / {f.get('cpu_us', '-')} / gc {f.get('gc_us', '-')}")
            mods.update(f.get("modules_imported") or [])
        print(f"| {d['meltano_version']} | {' | '.join(cells)} | {', '.join(sorted(mods)) or 'none'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
