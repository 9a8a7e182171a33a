"""What the harness learns about the interpreter Meltano started a synthetic plugin with."""

from __future__ import annotations


def report_interpreter(plugin: str) -> None:
    """Append this plugin process's bytecode facts to $HARNESS_PLUGIN_FACTS (a JSON-lines file).

    For the harness: whether the interpreter Meltano started writes bytecode
    (`sys.flags.dont_write_bytecode`, set by `-B` or PYTHONDONTWRITEBYTECODE) and from which
    environment it runs. Nothing is written when the variable is unset.
    """
    import json
    import os
    import sys

    path = os.environ.get("HARNESS_PLUGIN_FACTS")
    if not path:
        return
    facts = {
        "plugin": plugin,
        "pid": os.getpid(),
        "dont_write_bytecode": bool(sys.flags.dont_write_bytecode),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
        "executable": sys.executable,
        "prefix": sys.prefix,
        "argv": sys.argv[1:],
    }
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(facts) + "\n")
    except OSError:
        pass
