# Tokens get a scope and an optional expiry. Tokens made before scopes existed keep working
# as they did: they get "write" (everything their person may do); new tokens default to "read".

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[
                    ("read", "read: look up and list, change nothing"),
                    ("write", "read and write: everything you may do"),
                    (
                        "wipe_station",
                        "wipe station: post sanitization records (with the medium's hardware details) and read a device's media, nothing else",
                    ),
                ],
                default="write",
                max_length=20,
                verbose_name="scope",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[
                    ("read", "read: look up and list, change nothing"),
                    ("write", "read and write: everything you may do"),
                    (
                        "wipe_station",
                        "wipe station: post sanitization records (with the medium's hardware details) and read a device's media, nothing else",
                    ),
                ],
                default="read",
                max_length=20,
                verbose_name="scope",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last used"),
        ),
    ]
