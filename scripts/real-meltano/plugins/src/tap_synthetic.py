"""tap-synthetic: a singer-sdk tap whose catalog size and sync volume are settings.

Discovery (`--discover`) prints a pretty-printed catalog of about `catalog_lines` lines:
one stream, `records`, padded with nullable string properties `p00001`, `p00002`, ...
Sync emits `records` RECORD messages for stream `records` (properties id, updated_at,
value; incremental on updated_at, resuming after the bookmark in the input state) and
`state_messages` STATE messages in all, spread evenly over the records.
`fail_after_records` >= 0 makes the tap raise (exit code 1) after that many records.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk import Stream, Tap
from singer_sdk import typing as th
from singer_sdk.helpers._util import dump_json
from plugin_facts import report_interpreter

BASE_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

# STATE messages the SDK writes by itself in a sync of one incremental stream, besides
# the ones this tap asks for: the one after the stream's last record, and, when the input
# state is not empty, one before the first. (Count: `tap-synthetic ... | grep -c STATE`.)
SDK_OWN_STATE_MESSAGES = 1

FIXED_PROPERTIES = {
    "id": {"type": ["integer"]},
    "updated_at": {"type": ["string"], "format": "date-time"},
    "value": {"type": ["string", "null"]},
}


def _schema(padding: int) -> dict:
    properties = dict(FIXED_PROPERTIES)
    for i in range(1, padding + 1):
        properties[f"p{i:05d}"] = {"type": ["string", "null"]}
    return {"type": "object", "properties": properties}


report_interpreter("tap-synthetic")


class RecordsStream(Stream):
    name = "records"
    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = "updated_at"
    is_sorted = True
    STATE_MSG_FREQUENCY = 10**12  # this stream writes its own STATE messages

    def get_records(self, context: dict | None) -> t.Iterable[dict]:
        cfg = self.config
        total = int(cfg.get("records", 100))
        start = self.get_starting_timestamp(context)
        own = SDK_OWN_STATE_MESSAGES + (1 if start is not None else 0)
        wanted = max(int(cfg.get("state_messages", 5)) - own, 0)
        fail_after = int(cfg.get("fail_after_records", -1))
        first_id = 1
        if start is not None:
            first_id = int((start - BASE_TIME).total_seconds()) + 1
        # Indices (1-based counts of records already processed) after which a STATE goes out.
        marks = {((k + 1) * total) // (wanted + 1) for k in range(wanted)} if total else set()
        for n in range(total):
            if n in marks:
                self._write_state_message()
            if n == fail_after:
                msg = f"tap-synthetic: failing on purpose after {n} records"
                raise RuntimeError(msg)
            rid = first_id + n
            yield {
                "id": rid,
                "updated_at": (BASE_TIME + dt.timedelta(seconds=rid)).isoformat(),
                "value": f"value-{rid}",
            }


class TapSynthetic(Tap):
    name = "tap-synthetic"
    package_name = "simulate-synthetic-plugins"
    config_jsonschema = th.PropertiesList(
        th.Property("catalog_lines", th.IntegerType, default=2000,
                    description="Approximate line count of the discovered catalog"),
        th.Property("padding_properties", th.IntegerType,
                    description="Exact number of padding properties (overrides catalog_lines)"),
        th.Property("records", th.IntegerType, default=100),
        th.Property("state_messages", th.IntegerType, default=5),
        th.Property("fail_after_records", th.IntegerType, default=-1),
        th.Property("fail_discovery", th.BooleanType, default=False),
    ).to_dict()

    def _catalog_lines(self, padding: int) -> int:
        """Lines of the pretty-printed catalog discovered with `padding` properties."""
        stream = RecordsStream(tap=self, schema=_schema(padding))
        return len(dump_json(stream._singer_catalog.to_dict(), indent=2).splitlines())

    def _padding(self) -> int:
        if self.config.get("padding_properties") is not None:
            return int(self.config["padding_properties"])
        target = int(self.config.get("catalog_lines", 2000))
        base = self._catalog_lines(0)
        per = self._catalog_lines(1) - base
        return max((target - base + per // 2) // per, 0)

    def discover_streams(self) -> list[Stream]:
        if self.config.get("fail_discovery"):
            msg = "tap-synthetic: discovery failing on purpose"
            raise RuntimeError(msg)
        return [RecordsStream(tap=self, schema=_schema(self._padding()))]


if __name__ == "__main__":
    TapSynthetic.cli()
