"""The run and job counters' delete triggers lock their counter rows in key order before subtracting.

An `UPDATE ... FROM` locks the rows it changes in whatever order its plan meets them: two statements deleting runs of
the same jobs (or jobs of the same organizations) at once could each hold a row the other waits for. The insert
triggers already write in key order; the member counters (`org.0005`) lock this way too. PostgreSQL only: SQLite's
row triggers run under its one writer lock.
"""

from django.db import migrations

REMOVE = {
    "wl_run_count_remove": ("workloads_jobruncount", "job_id", "runs"),
    "wl_job_count_remove": ("workloads_jobcount", "organization_id", "jobs"),
}


def _remove(counted: str, key: str, column: str, *, ordered: bool) -> str:
    lock = (
        f"PERFORM 1 FROM {counted} WHERE {key} IN (SELECT {key} FROM wl_removed) ORDER BY {key} FOR UPDATE;"
        if ordered
        else ""
    )
    return f"""
    BEGIN
        {lock}
        -- A counter's row may be gone already (its job's or organization's own cascade): nothing left to count then.
        UPDATE {counted} AS counted SET {column} = counted.{column} - gone.{column}
        FROM (SELECT {key}, COUNT(*) AS {column} FROM wl_removed GROUP BY {key}) AS gone
        WHERE counted.{key} = gone.{key};
        RETURN NULL;
    END
    """


def _replace(schema_editor, *, ordered: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for function, (counted, key, column) in REMOVE.items():
        body = _remove(counted, key, column, ordered=ordered)
        schema_editor.execute(f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$")


def lock_in_key_order(apps, schema_editor) -> None:
    _replace(schema_editor, ordered=True)


def as_before(apps, schema_editor) -> None:
    _replace(schema_editor, ordered=False)


class Migration(migrations.Migration):
    dependencies = [("workloads", "0055_job_counts")]

    operations = [migrations.RunPython(lock_in_key_order, as_before)]
