"""Jobs counted per organization by the database (`JobCount`).

Triggers on the job table keep the counts, as `0054_job_run_counts` keeps the runs': PostgreSQL once per statement
over its transition table (a bulk insert or a cascade updates each organization's row once, in key order), SQLite
once per row; a job moved to another organization (which no service does) moves its count, by a row trigger on
that column alone, so the scheduler's frequent updates of jobs fire nothing. Installed last and filled from the jobs
already there, under the trigger's lock on the table. SQLite drops a table's triggers when a migration rebuilds the
table: such a migration must install them again (`tests/workloads/test_job_counts.py` fails otherwise).
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = (
    """
    CREATE FUNCTION wl_job_count_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO workloads_jobcount AS counted (organization_id, jobs)
        SELECT organization_id, COUNT(*) FROM wl_added GROUP BY organization_id ORDER BY organization_id
        ON CONFLICT (organization_id) DO UPDATE SET jobs = counted.jobs + EXCLUDED.jobs;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION wl_job_count_remove() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- An organization's row may be gone already (its own cascade): nothing left to count then.
        UPDATE workloads_jobcount AS counted SET jobs = counted.jobs - gone.jobs
        FROM (SELECT organization_id, COUNT(*) AS jobs FROM wl_removed GROUP BY organization_id) AS gone
        WHERE counted.organization_id = gone.organization_id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION wl_job_count_move() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE workloads_jobcount SET jobs = jobs - 1 WHERE organization_id = OLD.organization_id;
        INSERT INTO workloads_jobcount AS counted (organization_id, jobs) VALUES (NEW.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET jobs = counted.jobs + 1;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER wl_job_count_insert AFTER INSERT ON workloads_job
    REFERENCING NEW TABLE AS wl_added FOR EACH STATEMENT EXECUTE FUNCTION wl_job_count_add()
    """,
    """
    CREATE TRIGGER wl_job_count_delete AFTER DELETE ON workloads_job
    REFERENCING OLD TABLE AS wl_removed FOR EACH STATEMENT EXECUTE FUNCTION wl_job_count_remove()
    """,
    """
    CREATE TRIGGER wl_job_count_move AFTER UPDATE OF organization_id ON workloads_job
    FOR EACH ROW WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION wl_job_count_move()
    """,
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS wl_job_count_insert ON workloads_job",
    "DROP TRIGGER IF EXISTS wl_job_count_delete ON workloads_job",
    "DROP TRIGGER IF EXISTS wl_job_count_move ON workloads_job",
    "DROP FUNCTION IF EXISTS wl_job_count_add()",
    "DROP FUNCTION IF EXISTS wl_job_count_remove()",
    "DROP FUNCTION IF EXISTS wl_job_count_move()",
)
_SQLITE_ADD = """
    INSERT INTO workloads_jobcount (organization_id, jobs) VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET jobs = jobs + 1;
"""
_SQLITE_REMOVE = "UPDATE workloads_jobcount SET jobs = jobs - 1 WHERE organization_id = OLD.organization_id;"
SQLITE = (
    f"CREATE TRIGGER wl_job_count_insert AFTER INSERT ON workloads_job BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER wl_job_count_delete AFTER DELETE ON workloads_job BEGIN {_SQLITE_REMOVE} END",
    f"""CREATE TRIGGER wl_job_count_move AFTER UPDATE OF organization_id ON workloads_job
    WHEN OLD.organization_id <> NEW.organization_id BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END""",
)
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS wl_job_count_{name}" for name in ("insert", "delete", "move"))
FILL = """
    INSERT INTO workloads_jobcount (organization_id, jobs)
    SELECT organization_id, COUNT(*) FROM workloads_job GROUP BY organization_id
"""


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"job counters have no triggers for {vendor}")
    for statement in (*statements, FILL):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    drop = POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in (*drop, "DELETE FROM workloads_jobcount"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_member_list_order"),
        ("workloads", "0054_job_run_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="JobCount",
            fields=[
                (
                    "organization",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="org.organization",
                    ),
                ),
                ("jobs", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
