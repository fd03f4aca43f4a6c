"""A SQL job: its statements, in order, in one Spark Connect session of its own, on a worker thread."""

import contextlib
import re
import threading

from apps.infra.providers.local.sessions import connect
from apps.workloads.runner.outcome import Outcome
from apps.workloads.runner.paths import RunLog, RunPaths
from apps.workloads.runner.preview import ResultWriter
from apps.workloads.runner.statements import is_query, last_query_index


class SqlExecution:
    def __init__(
        self,
        *,
        statements: list[str],
        session_url: str,
        paths: RunPaths,
        log: RunLog,
        named_parameters: dict[str, str] | None = None,
    ) -> None:
        self.statements = statements
        # Bound to `:name` markers of queries; Sail refuses parameters on commands (DDL, INSERT, SET).
        self.arguments = dict(named_parameters or {})
        self.session_url = session_url
        self.paths = paths
        self.log = log
        self._thread = threading.Thread(target=self._run, name="sql-run", daemon=True)
        self._outcome: Outcome | None = None
        self._spark = None

    def prepare(self) -> None:
        self._spark = connect(self.session_url)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def interrupt(self) -> None:
        if self._spark is not None:
            try:
                self._spark.interruptAll()
            except Exception as exc:  # the server may be gone; stopping it is the next step anyway
                self.log.write(f"interrupt failed: {exc}")

    def close(self) -> None:
        spark, self._spark = self._spark, None
        if spark is not None:
            # Releasing the session retries for minutes against a dead server; it is a courtesy, so bound it.
            closer = threading.Thread(target=_quietly_stop, args=(spark,), daemon=True)
            closer.start()
            closer.join(2)

    def outcome(self) -> Outcome:
        return self._outcome or Outcome(succeeded=False, error="The SQL execution did not finish.")

    def _run(self) -> None:
        result_index = last_query_index(self.statements)
        rows: int | None = None
        try:
            for index, statement in enumerate(self.statements):
                self.log.write(f"statement {index + 1}/{len(self.statements)}:\n{statement}")
                arguments = self.arguments if self.arguments and is_query(statement) else None
                frame = self._spark.sql(statement, args=arguments)  # commands run here; queries when read
                if index == result_index:
                    rows = self._write_result(frame)
                    self.log.write(f"result: {rows} rows written to {self.paths.result}")
            self._outcome = Outcome(succeeded=True, row_count=rows)
        except Exception as exc:
            self.log.write(f"statement failed: {type(exc).__name__}: {exc}")
            self._outcome = Outcome(succeeded=False, error=error_text(exc))

    def _write_result(self, frame) -> int:
        from pyspark.sql.pandas.types import to_arrow_schema
        from pyspark.sql.types import StructType

        writer = ResultWriter(result_path=self.paths.result, preview_path=self.paths.preview)
        client = self._spark.client
        # Stream the batches (toArrow would hold the whole result); pyspark-client 4.2 exposes this only through the
        # plan. The engine writing Parquet itself would be faster but loses ORDER BY across its output files.
        plan = frame._plan.to_proto(client)
        schema = None
        for item in client.to_table_as_iterator(plan, {}):
            if isinstance(item, StructType):
                schema = to_arrow_schema(item, timezone="UTC")
            else:
                writer.write(item)
        writer.close(schema=schema)
        return writer.row_count


def _quietly_stop(spark) -> None:
    with contextlib.suppress(Exception):  # the session is being abandoned either way
        spark.stop()


_GRPC_DETAILS = re.compile(r'details = "(.*)"')


def error_text(exc: BaseException) -> str:
    """The engine's message; for a transport failure, a first line that says so instead of a gRPC repr."""
    text = str(exc) or type(exc).__name__
    details = _GRPC_DETAILS.search(text)
    if text.startswith("<") and details:
        return f"The Sail server could not be reached: {details.group(1)}\n{text}"
    return text
