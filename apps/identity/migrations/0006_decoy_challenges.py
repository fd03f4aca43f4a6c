import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def _email_of_pending(apps, schema_editor) -> None:
    # Challenges in flight keep their throttling key: the address of their account.
    LoginChallenge = apps.get_model("identity", "LoginChallenge")
    User = apps.get_model("identity", "User")
    LoginChallenge.objects.filter(email="").update(
        email=Subquery(User.objects.filter(pk=OuterRef("user_id")).values("email")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0005_login_defaults_from_clock"),
    ]

    operations = [
        migrations.AddField(
            model_name="loginchallenge",
            name="email",
            field=models.EmailField(blank=True, default="", max_length=254),
        ),
        migrations.AlterField(
            model_name="loginchallenge",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="login_challenges",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(_email_of_pending, migrations.RunPython.noop),
    ]
