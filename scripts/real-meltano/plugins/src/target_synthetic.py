"""target-synthetic: a singer-sdk target whose one sink appends records as JSON lines."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

from singer_sdk import typing as th
from singer_sdk.sinks import BatchSink
from singer_sdk.target_base import Target
from plugin_facts import report_interpreter


report_interpreter("target-synthetic")


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
