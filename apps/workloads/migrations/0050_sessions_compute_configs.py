import django.db.models.deletion
from django.db import migrations, models

import apps.core.ids


def _audit_fields():
    return [
        (
            "id",
            models.CharField(
                default=apps.core.ids.new_id, editable=False, max_length=20, primary_key=True, serialize=False
            ),
        ),
        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
        ("created_by", models.CharField(blank=True, default="", max_length=20)),
        ("updated_at", models.DateTimeField(auto_now=True)),
        ("updated_by", models.CharField(blank=True, default="", max_length=20)),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0006_decoy_challenges"),
        ("infra", "0002_connections_networks_clusters"),
        ("org", "0003_can_manage_owners"),
    ]

    operations = [
        migrations.CreateModel(
            name="ComputeConfig",
            fields=[
                *_audit_fields(),
                ("name", models.CharField(blank=True, default="", max_length=200)),
                (
                    "workload_type",
                    models.CharField(choices=[("spark_connect", "Spark Connect"), ("job", "Job")], max_length=16),
                ),
                ("anonymous", models.BooleanField(default=False, help_text="Inline: made for one use, never listed.")),
                (
                    "is_default",
                    models.BooleanField(default=False, help_text="What a session of the team uses when it names none."),
                ),
                ("config", models.JSONField(blank=True, default=dict, help_text="The wire `config`: `{sail: {...}}`.")),
                (
                    "endpoint_limits",
                    models.JSONField(blank=True, default=dict, help_text="Open sessions per endpoint type."),
                ),
                (
                    "cluster",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="infra.cluster"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.organization"
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.team"),
                ),
            ],
            options={
                "ordering": ["name", "id"],
                "indexes": [models.Index(fields=["organization", "name", "id"], name="wl_compute_config_org_name_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("workload_type__in", ["spark_connect", "job"])),
                        name="wl_compute_config_type_valid",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("anonymous", False)),
                        fields=("team", "name"),
                        name="wl_compute_config_name_unique",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("is_default", True)),
                        fields=("team", "workload_type"),
                        name="wl_compute_config_one_default",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("anonymous", True), models.Q(("name", ""), _negated=True), _connector="OR"),
                        name="wl_compute_config_named",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ComputeInstance",
            fields=[
                *_audit_fields(),
                (
                    "infra_status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("starting", "Starting"),
                            ("ready", "Ready"),
                            ("stopping", "Stopping"),
                            ("stopped", "Stopped"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                (
                    "shutdown_policy",
                    models.CharField(
                        choices=[("with_session", "With Session"), ("when_unused", "When Unused")], max_length=16
                    ),
                ),
                (
                    "config_hash",
                    models.CharField(help_text="Of the Sail configuration: shared only when equal.", max_length=64),
                ),
                ("sail_process_id", models.CharField(blank=True, db_index=True, default="", max_length=20)),
                ("host", models.CharField(blank=True, default="", max_length=64)),
                ("port", models.PositiveIntegerField(blank=True, null=True)),
                ("status_message", models.TextField(blank=True, default="")),
                ("provisioned_at", models.DateTimeField(blank=True, null=True)),
                ("cleaned_at", models.DateTimeField(blank=True, null=True)),
                ("last_activity_at", models.DateTimeField(blank=True, null=True)),
                (
                    "compute_config",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="workloads.computeconfig"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.organization"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["infra_status"], name="wl_compute_instance_status_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("infra_status__in", ["pending", "starting", "ready", "stopping", "stopped", "failed"])
                        ),
                        name="wl_compute_instance_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("shutdown_policy__in", ["with_session", "when_unused"])),
                        name="wl_compute_instance_policy_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Session",
            fields=[
                *_audit_fields(),
                ("notebook_id", models.CharField(blank=True, default="", max_length=20)),
                ("name", models.CharField(max_length=200)),
                (
                    "endpoint_type",
                    models.CharField(
                        choices=[("spark_connect", "Spark Connect")], default="spark_connect", max_length=32
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("active", "Active"),
                            ("idle", "Idle"),
                            ("closed", "Closed"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                (
                    "termination_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("closed_by_user", "Closed By User"),
                            ("idle_timeout", "Idle Timeout"),
                            ("max_duration", "Max Duration"),
                            ("server_failed", "Server Failed"),
                            ("cluster_destroyed", "Cluster Destroyed"),
                        ],
                        default="",
                        max_length=32,
                    ),
                ),
                ("status_message", models.TextField(blank=True, default="")),
                ("idle_timeout_seconds", models.PositiveIntegerField()),
                ("idle_close_delay_seconds", models.PositiveIntegerField()),
                ("max_duration_seconds", models.PositiveIntegerField()),
                ("metadata", models.JSONField(blank=True, default=dict)),
                ("last_activity_at", models.DateTimeField(blank=True, null=True)),
                ("idle_since", models.DateTimeField(blank=True, null=True)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("timeout_at", models.DateTimeField()),
                (
                    "compute_config",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="workloads.computeconfig"
                    ),
                ),
                (
                    "compute_instance",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="sessions",
                        to="workloads.computeinstance",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="org.member",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.organization"
                    ),
                ),
                (
                    "relaunched_from",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="workloads.session",
                    ),
                ),
                (
                    "service_account",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="identity.serviceaccount",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.team"),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["organization", "-created_at", "-id"], name="wl_session_org_newest_idx"),
                    models.Index(fields=["status"], name="wl_session_status_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["pending", "active", "idle", "closed", "failed"])),
                        name="wl_session_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("endpoint_type__in", ["spark_connect"])), name="wl_session_endpoint_valid"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("member__isnull", True), ("service_account__isnull", True), _connector="OR"
                        ),
                        name="wl_session_one_owner",
                    ),
                ],
            },
        ),
    ]
