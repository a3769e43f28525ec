from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assets", "0002_custody_events_append_only")]

    operations = [
        migrations.AddField(
            model_name="asset",
            name="donor_asset_number",
            field=models.CharField(
                blank=True,
                help_text="The number in the donor's own asset register (from their asset list).",
                max_length=100,
                verbose_name="donor's asset number",
            ),
        ),
    ]
