"""Split a SQL script into statements at `;`, except inside quotes and comments, as Spark's parser reads them."""

import re

# The result of these is a table; anything else (DDL, DML, SET, ...) runs for its effect.
_QUERY_KEYWORDS = {"SELECT", "WITH", "VALUES", "TABLE", "FROM"}
_FIRST_WORD = re.compile(r"[A-Za-z]+")


def split_statements(source: str) -> list[str]:
    """Statements in order, stripped; empty and comment-only ones dropped.

    Strings ('...', "...") honour backslash escapes, `identifiers` double their backticks, `--` comments run to the
    end of the line and `/* */` comments nest, as in Spark SQL.
    """
    statements: list[str] = []
    start = 0
    has_code = False
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char in "'\"`":
            i = _end_of_quoted(source, i)
            has_code = True
            continue
        if source.startswith("--", i):
            end = source.find("\n", i)
            i = n if end == -1 else end + 1
            continue
        if source.startswith("/*", i):
            i = _end_of_block_comment(source, i)
            continue
        if char == ";":
            if has_code:
                statements.append(source[start:i].strip())
            start, has_code = i + 1, False
        elif not char.isspace():
            has_code = True
        i += 1
    if has_code:
        statements.append(source[start:].strip())
    return statements


def _end_of_quoted(source: str, i: int) -> int:
    quote = source[i]
    i += 1
    while i < len(source):
        if source[i] == "\\" and quote != "`":
            i += 2
            continue
        if source[i] == quote:
            return i + 1
        i += 1
    return len(source)  # unterminated: the engine reports it, with a better message than ours


def _end_of_block_comment(source: str, i: int) -> int:
    depth = 0
    while i < len(source):
        if source.startswith("/*", i):
            depth += 1
            i += 2
        elif source.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return len(source)


def first_keyword(statement: str) -> str:
    """The statement's first word, after leading comments and opening parentheses."""
    i, n = 0, len(statement)
    while i < n:
        if statement[i].isspace() or statement[i] == "(":
            i += 1
        elif statement.startswith("--", i):
            end = statement.find("\n", i)
            i = n if end == -1 else end + 1
        elif statement.startswith("/*", i):
            i = _end_of_block_comment(statement, i)
        else:
            match = _FIRST_WORD.match(statement, i)
            return match.group(0).upper() if match else ""
    return ""


def is_query(statement: str) -> bool:
    return first_keyword(statement) in _QUERY_KEYWORDS


def last_query_index(statements: list[str]) -> int | None:
    for index in range(len(statements) - 1, -1, -1):
        if is_query(statements[index]):
            return index
    return None
