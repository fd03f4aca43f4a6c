from apps.workloads.runner.statements import first_keyword, is_query, last_query_index, split_statements


def test_it_splits_at_semicolons_and_drops_empty_statements():
    assert split_statements("SELECT 1; ;\n SELECT 2 ;") == ["SELECT 1", "SELECT 2"]


def test_it_keeps_semicolons_inside_strings_and_identifiers():
    source = "SELECT 'a;b', \"c;d\", `e;f` AS `g``;h`; SELECT 'it\\'s; fine'"
    assert split_statements(source) == ["SELECT 'a;b', \"c;d\", `e;f` AS `g``;h`", "SELECT 'it\\'s; fine'"]


def test_it_keeps_semicolons_inside_comments_and_drops_comment_only_statements():
    source = "SELECT 1 -- one; two\n; /* a; /* nested; */ still comment; */ SELECT 2; -- trailing; comment"
    assert split_statements(source) == ["SELECT 1 -- one; two", "/* a; /* nested; */ still comment; */ SELECT 2"]


def test_an_unterminated_string_stays_one_statement_for_the_engine_to_reject():
    assert split_statements("SELECT 'oops; SELECT 2") == ["SELECT 'oops; SELECT 2"]


def test_it_tells_queries_from_commands():
    assert first_keyword("  -- note\n /* c */ (select 1)") == "SELECT"
    assert is_query("WITH t AS (SELECT 1) SELECT * FROM t")
    assert is_query("VALUES (1), (2)")
    assert not is_query("CREATE TABLE t AS SELECT 1")
    assert not is_query("INSERT INTO t SELECT 1")


def test_the_result_is_the_last_query():
    statements = ["CREATE TABLE t (a INT)", "SELECT 1", "SELECT 2", "INSERT INTO t VALUES (1)"]
    assert last_query_index(statements) == 2
    assert last_query_index(["DROP TABLE t"]) is None
