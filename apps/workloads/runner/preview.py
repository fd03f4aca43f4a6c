"""The last query's result on disk: Parquet streamed batch by batch, plus the first rows as JSON.

`preview.json` is `{columns: [{name, type}], rows: [[...]] (at most 100), rowCount, truncated}`: the types are
Arrow's names (`int64`, `string`, `timestamp[us, tz=UTC]`), the values JSON (bytes as base64, decimals and
non-finite floats as text).
"""

import base64
import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from apps.workloads.runner.paths import RunPaths

PREVIEW_ROWS = 100


def read_preview(paths: RunPaths) -> dict[str, Any] | None:
    """A run's preview as it was written, or None when the run wrote none (not SQL, not finished, failed first)."""
    try:
        return json.loads(paths.preview.read_text())
    except (FileNotFoundError, ValueError):
        return None


class ResultWriter:
    def __init__(self, *, result_path: Path, preview_path: Path) -> None:
        self.result_path = result_path
        self.preview_path = preview_path
        self.row_count = 0
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._preview: list[pa.Table] = []
        self._preview_rows = 0

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self._schema = table.schema
            self._writer = pq.ParquetWriter(self.result_path, table.schema)
        elif table.schema != self._schema:
            table = table.cast(self._schema)
        self._writer.write_table(table)
        self.row_count += table.num_rows
        if self._preview_rows < PREVIEW_ROWS:
            head = table.slice(0, PREVIEW_ROWS - self._preview_rows)
            self._preview.append(head)
            self._preview_rows += head.num_rows

    def close(self, *, schema: pa.Schema | None = None) -> None:
        """Finish the file; an empty result still gets one (with `schema`) so readers find what they expect."""
        if self._writer is None:
            self.write(pa.Table.from_batches([], schema=schema or pa.schema([])))
        assert self._writer is not None
        self._writer.close()
        first = self._preview[0].schema if self._preview else (schema or pa.schema([]))
        head = pa.concat_tables(self._preview) if self._preview else first.empty_table()
        preview = {
            "columns": [{"name": f.name, "type": str(f.type)} for f in head.schema],
            # Column-wise, so duplicate column names (SELECT 1 AS a, 2 AS a) keep both values.
            "rows": [list(row) for row in zip(*(_jsonable(col.to_pylist()) for col in head.columns), strict=True)],
            "rowCount": self.row_count,
            "truncated": self.row_count > head.num_rows,
        }
        self.preview_path.write_text(json.dumps(preview, allow_nan=False))


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # Decimal, timedelta and the rest: their exact text
