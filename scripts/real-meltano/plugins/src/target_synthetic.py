"""target-synthetic: a singer-sdk target whose one sink appends records as JSON lines."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

from singer_sdk import typing as th
from singer_sdk.sinks import BatchSink
from singer_sdk.target_base import Target


def _report_interpreter(plugin: str) -> None:
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


_report_interpreter("target-synthetic")


class JSONLinesSink(BatchSink):
    def process_batch(self, context: dict) -> None:
        folder = Path(self.config.get("output_dir", "output"))
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{self.stream_name}.jsonl").open("a", encoding="utf-8") as out:
            for record in context.get("records", []):
                out.write(json.dumps(record, default=str) + "\n")


class TargetSynthetic(Target):
    name = "target-synthetic"
    package_name = "simulate-synthetic-plugins"
    default_sink_class = JSONLinesSink
    config_jsonschema = th.PropertiesList(
        th.Property("output_dir", th.StringType, default="output"),
    ).to_dict()


if __name__ == "__main__":
    TargetSynthetic.cli()
