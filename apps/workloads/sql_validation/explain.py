"""Check SQL statement by statement with EXPLAIN on a Sail server: parsed and planned, never executed.

Each statement is explained in a Spark Connect session of its own request. Syntax errors carry the line and column
Sail reports; planning errors (unknown tables, columns, functions) carry the statement's start. A table that an
earlier statement of the script creates does not exist yet (nothing runs), so not finding it is a warning, not an
error. `USE DATABASE` statements are the one exception to "nothing runs": they change only this session's current
database, so that later statements resolve as they will when the job runs.
"""

import re
import threading
from dataclasses import dataclass, field

from apps.infra.providers.local.sessions import connect, session_url
from apps.workloads.runner.statements import first_keyword, split_statements

EXPLAIN = "EXPLAIN "
MAX_STATEMENTS = 200
_POSITION = re.compile(r" at (\d+):(\d+)")
_MISSING_TABLE = re.compile(r"TABLE_OR_VIEW_NOT_FOUND\].*?(?:not found: |table or view )`?([^`\s]+(?:`\.`[^`\s]+)*)`?")
_CREATES = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:GLOBAL\s+)?(?:TEMP(?:ORARY)?\s+)?(?:EXTERNAL\s+)?(?:TABLE|VIEW)\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?([`\w.]+)",
    re.IGNORECASE,
)
_PLAN_ERROR = "Physical plan error:"


class ValidationUnavailable(RuntimeError):
    """The Sail server could not be used (gone, or too slow): nothing was learned about the SQL."""


@dataclass(frozen=True)
class Problem:
    statement: int | None  # index in the script; None for a problem of the whole request (its database)
    line: int
    column: int
    code: str  # syntax_error, analysis_error, unknown_database, not_checked, created_earlier, no_statements
    message: str


@dataclass(frozen=True)
class Statement:
    index: int
    line: int
    column: int
    status: str  # valid, invalid, unchecked


@dataclass
class SqlCheck:
    statements: list[Statement] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _offsets(text: str, statements: list[str]) -> list[int]:
    offsets, cursor = [], 0
    for statement in statements:
        cursor = text.find(statement, cursor)
        offsets.append(cursor)
        cursor += len(statement)
    return offsets


def _name(identifier: str) -> str:
    return identifier.replace("`", "").split(".")[-1].lower()


def _message(exc: BaseException) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return first.removeprefix("invalid argument: ")


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class _Checker:
    def __init__(self, text: str, statements: list[str], database: str) -> None:
        self.text = text
        self.statements = statements
        self.offsets = _offsets(text, statements)
        self.database = database
        self.result = SqlCheck()
        self.failure: BaseException | None = None

    def run(self, spark) -> None:
        try:
            if self.database:
                self._use_database(spark)
            created: set[str] = set()
            for index, statement in enumerate(self.statements):
                self._check(spark, index, statement, created)
                if match := _CREATES.match(statement):
                    created.add(_name(match.group(1)))
        except Exception as exc:  # not the SQL's fault: the server or the session failed
            self.failure = exc

    def _use_database(self, spark) -> None:
        from pyspark.errors import AnalysisException

        try:
            spark.sql(f"USE DATABASE {_quoted(self.database)}").collect()
        except AnalysisException as exc:
            self.result.errors.append(Problem(None, 1, 1, "unknown_database", _message(exc)))

    def _check(self, spark, index: int, statement: str, created: set[str]) -> None:
        from pyspark.errors import AnalysisException, IllegalArgumentException, UnsupportedOperationException

        line, column = _line_column(self.text, self.offsets[index])
        try:
            plan = str(spark.sql(EXPLAIN + statement).collect()[0][0])
            if first_keyword(statement) == "USE":
                spark.sql(statement).collect()
        except IllegalArgumentException as exc:  # Sail's parser: "found X at <byte>:<byte> expected ..."
            position = _POSITION.search(str(exc))
            offset = self.offsets[index]
            if position:
                prefix = (EXPLAIN + statement).encode()[: int(position.group(1))]
                offset += max(0, len(prefix.decode(errors="ignore")) - len(EXPLAIN))
            self._add(index, Statement(index, line, column, "invalid"), "syntax_error", _message(exc), offset)
        except (AnalysisException, UnsupportedOperationException) as exc:
            missing = _MISSING_TABLE.search(str(exc))
            if missing and _name(missing.group(1)) in created:
                message = f"{_name(missing.group(1))} is created by an earlier statement: checked when the job runs."
                self.result.statements.append(Statement(index, line, column, "unchecked"))
                self.result.warnings.append(Problem(index, line, column, "created_earlier", message))
            else:
                status = Statement(index, line, column, "invalid")
                self._add(index, status, "analysis_error", _message(exc), self.offsets[index])
        else:
            if _PLAN_ERROR in plan:  # parsed and resolved, but Sail cannot plan it: it would fail when run
                message = plan.split(_PLAN_ERROR, 1)[1].strip().splitlines()[0]
                self.result.statements.append(Statement(index, line, column, "unchecked"))
                self.result.warnings.append(Problem(index, line, column, "not_checked", message))
            else:
                self.result.statements.append(Statement(index, line, column, "valid"))

    def _add(self, index: int, statement: Statement, code: str, message: str, offset: int) -> None:
        line, column = _line_column(self.text, offset)
        self.result.statements.append(statement)
        self.result.errors.append(Problem(index, line, column, code, message))


def check_sql(text: str, *, host: str, port: int, database: str = "", timeout: float = 30.0) -> SqlCheck:
    """Explain every statement of `text` on the server at host:port (after `USE DATABASE database`)."""
    statements = split_statements(text)
    if not statements:
        return SqlCheck(errors=[Problem(None, 1, 1, "no_statements", "The text has no SQL statement.")])
    if len(statements) > MAX_STATEMENTS:
        message = f"{len(statements)} statements: at most {MAX_STATEMENTS} are checked at once."
        return SqlCheck(errors=[Problem(None, 1, 1, "too_many_statements", message)])
    checker = _Checker(text, statements, database)
    try:
        spark = connect(session_url(host=host, port=port))
    except Exception as exc:
        raise ValidationUnavailable(f"The validation server could not be reached: {_message(exc)}") from exc
    worker = threading.Thread(target=checker.run, args=(spark,), name="sql-validation", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        _close(spark, interrupt=True)
        raise ValidationUnavailable(f"Checking the SQL took longer than {timeout:g} s.")
    _close(spark)
    if checker.failure is not None:
        raise ValidationUnavailable(f"The validation server failed: {_message(checker.failure)}") from checker.failure
    return checker.result


def _close(spark, *, interrupt: bool = False) -> None:
    def release() -> None:
        try:
            if interrupt:
                spark.interruptAll()
            spark.stop()
        except Exception:  # the session is abandoned either way; releasing it is a courtesy to the server
            return

    # Releasing a session retries for minutes against a dead server: bound it.
    closer = threading.Thread(target=release, daemon=True)
    closer.start()
    closer.join(2)
