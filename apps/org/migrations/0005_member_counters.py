"""Members counted per team, role and team role by the database (`TeamMemberCount`, `RoleMemberCount`,
`TeamRoleMemberCount`).

Triggers on each link table keep its counts: PostgreSQL once per statement over its transition tables (a bulk insert
or a member's cascade updates each counter row once, keys in sorted order, so writers touching the same teams never
wait for each other in a cycle), SQLite once per row. An update that points a link at another team or role moves it
from the old key's count to the new one's; PostgreSQL has no transition tables for an update of given columns, so its
trigger fires on every update of the link table and writes only the keys whose count changes. The triggers are
installed last and the counts filled from the links already there, under the trigger's lock on the table, so no link
is missed or counted twice. SQLite drops a table's triggers when a migration rebuilds the table: such a migration must
install them again (`tests/org/test_member_counters.py` fails otherwise).
"""

import django.db.models.deletion
from django.db import migrations, models


def counter(name: str, link: str, key: str, counted: str) -> dict[str, tuple[str, ...]]:
    """The statements that keep `counted`.`members` equal to the rows of `link` per `key`: each vendor's triggers
    (named `name`_...) and their removal, the fill from the links already there and its undoing."""
    upsert = f"""
        INSERT INTO {counted} AS counted ({key}, members) SELECT {key}, delta FROM changed ORDER BY {key}
        ON CONFLICT ({key}) DO UPDATE SET members = counted.members + EXCLUDED.members;
    """
    return {
        "postgresql": (
            f"""
            CREATE FUNCTION {name}_add() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                WITH changed AS (SELECT {key}, COUNT(*) AS delta FROM org_added GROUP BY {key})
                {upsert}
                RETURN NULL;
            END $$
            """,
            f"""
            CREATE FUNCTION {name}_remove() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- Locked in key order first, as the other triggers take them. A key's row may be gone already (the
                -- team's or role's own cascade): nothing left to count then.
                PERFORM 1 FROM {counted} WHERE {key} IN (SELECT {key} FROM org_removed) ORDER BY {key} FOR UPDATE;
                UPDATE {counted} AS counted SET members = counted.members - gone.members
                FROM (SELECT {key}, COUNT(*) AS members FROM org_removed GROUP BY {key}) AS gone
                WHERE counted.{key} = gone.{key};
                RETURN NULL;
            END $$
            """,
            f"""
            CREATE FUNCTION {name}_move() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- A key that loses links has its row (they were counted): only keys gaining links are inserted.
                WITH changed AS (
                    SELECT {key}, SUM(delta) AS delta
                    FROM (
                        SELECT {key}, -1 AS delta FROM org_removed UNION ALL SELECT {key}, 1 FROM org_added
                    ) AS moved
                    GROUP BY {key} HAVING SUM(delta) <> 0
                )
                {upsert}
                RETURN NULL;
            END $$
            """,
            f"""
            CREATE TRIGGER {name}_insert AFTER INSERT ON {link}
            REFERENCING NEW TABLE AS org_added FOR EACH STATEMENT EXECUTE FUNCTION {name}_add()
            """,
            f"""
            CREATE TRIGGER {name}_delete AFTER DELETE ON {link}
            REFERENCING OLD TABLE AS org_removed FOR EACH STATEMENT EXECUTE FUNCTION {name}_remove()
            """,
            f"""
            CREATE TRIGGER {name}_update AFTER UPDATE ON {link}
            REFERENCING OLD TABLE AS org_removed NEW TABLE AS org_added
            FOR EACH STATEMENT EXECUTE FUNCTION {name}_move()
            """,
        ),
        "postgresql_drop": (
            *(f"DROP TRIGGER IF EXISTS {name}_{event} ON {link}" for event in ("insert", "delete", "update")),
            *(f"DROP FUNCTION IF EXISTS {name}_{action}()" for action in ("add", "remove", "move")),
        ),
        "sqlite": (
            f"""
            CREATE TRIGGER {name}_insert AFTER INSERT ON {link} BEGIN
                INSERT INTO {counted} ({key}, members) VALUES (NEW.{key}, 1)
                ON CONFLICT ({key}) DO UPDATE SET members = members + 1;
            END
            """,
            f"""
            CREATE TRIGGER {name}_delete AFTER DELETE ON {link} BEGIN
                UPDATE {counted} SET members = members - 1 WHERE {key} = OLD.{key};
            END
            """,
            f"""
            CREATE TRIGGER {name}_update AFTER UPDATE OF {key} ON {link} WHEN OLD.{key} <> NEW.{key} BEGIN
                UPDATE {counted} SET members = members - 1 WHERE {key} = OLD.{key};
                INSERT INTO {counted} ({key}, members) VALUES (NEW.{key}, 1)
                ON CONFLICT ({key}) DO UPDATE SET members = members + 1;
            END
            """,
        ),
        "sqlite_drop": tuple(f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "delete", "update")),
        "fill": (f"INSERT INTO {counted} ({key}, members) SELECT {key}, COUNT(*) FROM {link} GROUP BY {key}",),
        "clear": (f"DELETE FROM {counted}",),
    }


COUNTERS = (
    counter("org_team_member_count", "org_teammember", "team_id", "org_teammembercount"),
    counter("org_role_member_count", "org_memberrole", "role_id", "org_rolemembercount"),
    counter("org_team_role_member_count", "org_teammemberrole", "team_role_id", "org_teamrolemembercount"),
)


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"member counters have no triggers for {vendor}")
    for statements in COUNTERS:
        for statement in (*statements[vendor], *statements["fill"]):
            schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    drop = "postgresql_drop" if schema_editor.connection.vendor == "postgresql" else "sqlite_drop"
    for statements in COUNTERS:
        for statement in (*statements[drop], *statements["clear"]):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("org", "0004_member_list_order")]

    operations = [
        migrations.CreateModel(
            name="RoleMemberCount",
            fields=[
                (
                    "role",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="member_counter",
                        serialize=False,
                        to="org.role",
                    ),
                ),
                ("members", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="TeamMemberCount",
            fields=[
                (
                    "team",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="member_counter",
                        serialize=False,
                        to="org.team",
                    ),
                ),
                ("members", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="TeamRoleMemberCount",
            fields=[
                (
                    "team_role",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="member_counter",
                        serialize=False,
                        to="org.teamrole",
                    ),
                ),
                ("members", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
