"""Runs counted per job by the database (`JobRunCount`), and the run indexes of every list filter.

Triggers on the run table keep the counts: PostgreSQL once per statement over its transition table (a bulk insert or
a cascade updates each job's row once, jobs in key order), SQLite once per row. They are installed last and the
counts filled from the runs already there, under the trigger's lock on the table, so no run is missed or counted
twice. SQLite drops a table's triggers when a migration rebuilds the table: such a migration must install them again
(`tests/workloads/runs/test_run_counts.py` fails otherwise).
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = (
    """
    CREATE FUNCTION wl_run_count_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO workloads_jobruncount AS counted (job_id, organization_id, runs)
        SELECT job_id, organization_id, COUNT(*) FROM wl_added GROUP BY job_id, organization_id ORDER BY job_id
        ON CONFLICT (job_id) DO UPDATE SET runs = counted.runs + EXCLUDED.runs;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION wl_run_count_remove() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- A job's row may be gone already (the job's own cascade): nothing left to count then.
        UPDATE workloads_jobruncount AS counted SET runs = counted.runs - gone.runs
        FROM (SELECT job_id, COUNT(*) AS runs FROM wl_removed GROUP BY job_id) AS gone
        WHERE counted.job_id = gone.job_id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER wl_run_count_insert AFTER INSERT ON workloads_jobrun
    REFERENCING NEW TABLE AS wl_added FOR EACH STATEMENT EXECUTE FUNCTION wl_run_count_add()
    """,
    """
    CREATE TRIGGER wl_run_count_delete AFTER DELETE ON workloads_jobrun
    REFERENCING OLD TABLE AS wl_removed FOR EACH STATEMENT EXECUTE FUNCTION wl_run_count_remove()
    """,
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS wl_run_count_insert ON workloads_jobrun",
    "DROP TRIGGER IF EXISTS wl_run_count_delete ON workloads_jobrun",
    "DROP FUNCTION IF EXISTS wl_run_count_add()",
    "DROP FUNCTION IF EXISTS wl_run_count_remove()",
)
SQLITE = (
    """
    CREATE TRIGGER wl_run_count_insert AFTER INSERT ON workloads_jobrun BEGIN
        INSERT INTO workloads_jobruncount (job_id, organization_id, runs) VALUES (NEW.job_id, NEW.organization_id, 1)
        ON CONFLICT (job_id) DO UPDATE SET runs = runs + 1;
    END
    """,
    """
    CREATE TRIGGER wl_run_count_delete AFTER DELETE ON workloads_jobrun BEGIN
        UPDATE workloads_jobruncount SET runs = runs - 1 WHERE job_id = OLD.job_id;
    END
    """,
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS wl_run_count_insert", "DROP TRIGGER IF EXISTS wl_run_count_delete")
FILL = """
    INSERT INTO workloads_jobruncount (job_id, organization_id, runs)
    SELECT job_id, organization_id, COUNT(*) FROM workloads_jobrun GROUP BY job_id, organization_id
"""


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"run counters have no triggers for {vendor}")
    for statement in (*statements, FILL):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    drop = POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in (*drop, "DELETE FROM workloads_jobruncount"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("infra", "0002_connections_networks_clusters"),
        ("org", "0004_member_list_order"),
        ("workloads", "0053_job_backfills"),
    ]

    operations = [
        migrations.CreateModel(
            name="JobRunCount",
            fields=[
                (
                    "job",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="workloads.job",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="org.organization",
                    ),
                ),
                ("runs", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RemoveIndex(
            model_name="jobrun",
            name="wl_run_job_status_idx",
        ),
        migrations.RemoveIndex(
            model_name="jobrun",
            name="wl_run_org_status_idx",
        ),
        migrations.AlterField(
            model_name="jobrun",
            name="job",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="runs", to="workloads.job"
            ),
        ),
        migrations.AlterField(
            model_name="jobrun",
            name="organization",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.organization"
            ),
        ),
        migrations.AddIndex(
            model_name="jobrun",
            index=models.Index(fields=["job", "status", "-created_at", "-id"], name="wl_run_job_status_idx"),
        ),
        migrations.AddIndex(
            model_name="jobrun",
            index=models.Index(fields=["job", "version_number", "-created_at", "-id"], name="wl_run_job_version_idx"),
        ),
        migrations.AddIndex(
            model_name="jobrun",
            index=models.Index(fields=["organization", "status", "-created_at", "-id"], name="wl_run_org_status_idx"),
        ),
        migrations.AddIndex(
            model_name="jobrun",
            index=models.Index(fields=["organization", "trigger", "-created_at", "-id"], name="wl_run_org_trigger_idx"),
        ),
        migrations.AddIndex(
            model_name="jobrun",
            index=models.Index(
                fields=["organization", "version_number", "-created_at", "-id"], name="wl_run_org_version_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="jobruncount",
            index=models.Index(fields=["organization"], include=("runs",), name="wl_run_count_org_idx"),
        ),
        migrations.RunPython(install, uninstall),
    ]
