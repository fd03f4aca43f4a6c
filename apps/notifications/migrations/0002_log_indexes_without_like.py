"""The notification log's indexes without PostgreSQL's LIKE companions.

Django gives every indexed varchar column on PostgreSQL a second, `varchar_pattern_ops` index for LIKE: on this
table, the primary key's, the channel's, the rule's and the digest's. No query of the log makes a LIKE on an id,
and the matcher inserts about ten rows an event: four indexes fewer take 0.1 ms off each event's insert
(bench/notifications_match.py). The foreign keys' indexes are declared in the model's Meta, which makes no such
companion; the primary key's is dropped here. The digest's index only holds the rows a digest carried.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "notifications_notification"


def _primary_key_like_index(schema_editor) -> str:
    return schema_editor._create_index_name(TABLE, ["id"], suffix="_like")


def drop_primary_key_like_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"DROP INDEX IF EXISTS {schema_editor.quote_name(_primary_key_like_index(schema_editor))}"
        )


def create_primary_key_like_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        name = schema_editor.quote_name(_primary_key_like_index(schema_editor))
        schema_editor.execute(f"CREATE INDEX {name} ON {schema_editor.quote_name(TABLE)} (id varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("org", "0004_member_list_order"),
    ]

    operations = [
        migrations.RunPython(drop_primary_key_like_index, create_primary_key_like_index),
        migrations.AlterField(
            model_name="notification",
            name="channel",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notifications",
                to="notifications.channel",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="digest",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="digest_items",
                to="notifications.notification",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="rule",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="notifications",
                to="notifications.rule",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["channel"], name="notif_log_channel_idx"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["rule"], name="notif_log_rule_idx"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("digest__isnull", False)), fields=["digest"], name="notif_log_digest_idx"
            ),
        ),
    ]
