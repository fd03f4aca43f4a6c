from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sso", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="identityprovider",
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="identityprovider",
            name="enabled_untested",
            field=models.BooleanField(default=False),
        ),
    ]
