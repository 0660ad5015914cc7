"""The export formats: JSONL, CSV and Parquet writers, each streaming batches of rows into one file.

Encodings: JSONL is UTF-8 with raw Arabic (no \\u escapes). CSV is UTF-8 *with a BOM*
(`utf-8-sig`) because Excel decodes a BOM-less CSV as the local ANSI code page and shows
Arabic as mojibake; Python's csv/pandas read it with encoding="utf-8-sig". List columns
(authors, tags, images, captions, sources) are JSON strings in CSV.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from archive.export_columns import ARTICLE_COLUMNS, INTEGER_COLUMNS, LIST_COLUMNS

CSV_ENCODING = "utf-8-sig"
CardFor = Callable[[int], dict[str, Any]]  # builds the dataset card once the row count is known

# Characters str.splitlines() treats as line breaks that json.dumps leaves raw: escaped so
# every JSONL reader sees exactly one record per line.
JSONL_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def escape_line_breaks(line: str) -> str:
    return JSONL_LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def write_jsonl(path: Path, columns: list[str], batches: Iterator[list[dict]], card_for: CardFor) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for batch in batches:
            for row in batch:
                line = json.dumps({c: row[c] for c in columns}, ensure_ascii=False)
                f.write(escape_line_breaks(line) + "\n")
            rows += len(batch)
    return rows


def write_csv(path: Path, columns: list[str], batches: Iterator[list[dict]], card_for: CardFor) -> int:
    rows = 0
    nested = set(LIST_COLUMNS) | {"captions", "sources", "versions"}
    with path.open("w", encoding=CSV_ENCODING, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for batch in batches:
            for row in batch:
                writer.writerow(
                    json.dumps(row[c], ensure_ascii=False) if c in nested else row[c] for c in columns
                )
            rows += len(batch)
    return rows


def parquet_schema(include_versions: bool):
    import pyarrow as pa

    text, integer = pa.string(), pa.int64()
    types = {name: text for name in ARTICLE_COLUMNS}
    types.update({name: integer for name in INTEGER_COLUMNS})
    types.update({name: pa.list_(text) for name in LIST_COLUMNS})
    types["captions"] = pa.list_(pa.struct([(n, text) for n in ("text", "credit", "image_url", "alt")]))
    types["sources"] = pa.list_(pa.struct([("name", text), ("canonical", text)]))
    if include_versions:
        types["versions"] = pa.list_(pa.struct([
            ("version", integer), ("fetched_at", text), ("run_id", integer), ("title", text), ("lead", text),
            ("body", text), ("content_hash", text), ("extractor", text),
        ]))
    return pa.schema(list(types.items()))


def write_parquet(path: Path, columns: list[str], batches: Iterator[list[dict]], card_for: CardFor) -> int:
    """One row group per batch; the dataset card also goes into the file's footer metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema("versions" in columns)
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            rows += len(batch)
        writer.add_key_value_metadata({"dataset_card": json.dumps(card_for(rows), ensure_ascii=False)})
    return rows


Writer = Callable[[Path, list[str], Iterator[list[dict]], CardFor], int]
WRITERS: dict[str, Writer] = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}
