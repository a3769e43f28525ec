"""NIST SP 800-88 Rev. 2 (verification and validation), sanitization policies as data (the
NIST Rev. 2 / IEEE 2883 default and China's GB 46864-2025) and independent verification samples
(R2v3 Appendix B). Records stored before are Rev. 1 records and keep their names."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from greenit.core.append_only import sqlite_delete_trigger_sql, sqlite_trigger_sql
from greenit.sanitization.shipped_policies import ship_policies

RECORDS = {
    "name": "sanitization_record_append_only",
    "table": "sanitization_sanitizationrecord",
    "message": "sanitization records are append-only",
}


def restore_triggers_on_sqlite(apps, schema_editor):
    """SQLite drops a table's triggers when Django rebuilds it (the fields added above)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(sqlite_trigger_sql(**RECORDS))
        schema_editor.execute(sqlite_delete_trigger_sql(**RECORDS))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_token_scope_expiry'),
        ('donations', '0003_offers_and_pickups'),
        ('sanitization', '0004_refuse_removal_and_unrevoking'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='sanitizationrecord',
            name='revision',
            field=models.CharField(choices=[('rev1', 'NIST SP 800-88 Rev. 1'), ('rev2', 'NIST SP 800-88 Rev. 2 / IEEE 2883-2022')], default='rev1', max_length=4, verbose_name='standard'),
        ),
        # Every record stored so far was written under Rev. 1; new ones default to Rev. 2.
        migrations.AlterField(
            model_name='sanitizationrecord',
            name='revision',
            field=models.CharField(choices=[('rev1', 'NIST SP 800-88 Rev. 1'), ('rev2', 'NIST SP 800-88 Rev. 2 / IEEE 2883-2022')], default='rev2', max_length=4, verbose_name='standard'),
        ),
        migrations.AddField(
            model_name='sanitizationrecord',
            name='validation',
            field=models.CharField(choices=[('full', 'Full read-back'), ('sampled', 'Sampled read-back'), ('none', 'None')], default='none', max_length=10, verbose_name='validation'),
        ),
        migrations.AddField(
            model_name='sanitizationrecord',
            name='validation_result',
            field=models.CharField(choices=[('passed', 'Passed'), ('failed', 'Failed'), ('not_verified', 'Not verified')], default='not_verified', max_length=15, verbose_name='validation result'),
        ),
        migrations.AlterField(
            model_name='sanitizationrecord',
            name='verification',
            field=models.CharField(choices=[('completion', 'Completion confirmed (command status, tool log)'), ('full', 'Full read-back'), ('sampled', 'Sampled (NIST)'), ('none', 'None')], max_length=10, verbose_name='verification'),
        ),
        migrations.CreateModel(
            name='SanitizationPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('standard', models.CharField(help_text='The standard and clauses it follows.', max_length=200, verbose_name='standard')),
                ('effective_from', models.DateField(blank=True, null=True, verbose_name='in force from')),
                ('is_default', models.BooleanField(default=False, verbose_name='default policy')),
                ('sample_percent', models.DecimalField(decimal_places=2, default=Decimal('5'), help_text='Share of each batch of logically sanitized media a second person checks: at least 5 % (R2v3 Appendix B), at least one medium.', max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('5')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='independent verification sample (%)')),
                ('require_validation', models.BooleanField(default=True, help_text='NIST SP 800-88 Rev. 2: a Clear or Purge passes only when both its verification and its validation passed.', verbose_name='records must state a validation')),
                ('notes', models.TextField(blank=True, verbose_name='sources and notes')),
            ],
            options={
                'verbose_name': 'sanitization policy',
                'verbose_name_plural': 'sanitization policies',
                'ordering': ['-is_default', 'name'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='one_default_policy')],
            },
        ),
        migrations.CreateModel(
            name='PolicyRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('media_type', models.CharField(choices=[('hdd', 'Hard disk drive (HDD)'), ('sata_ssd', 'SATA solid-state drive'), ('nvme', 'NVMe solid-state drive'), ('emmc', 'eMMC (soldered flash)'), ('usb_flash', 'USB flash drive'), ('memory_card', 'Memory card'), ('phone_storage', 'Phone or tablet storage')], max_length=20, verbose_name='media type')),
                ('nist_category', models.CharField(blank=True, choices=[('clear', 'Clear'), ('purge', 'Purge'), ('destroy', 'Destroy')], max_length=10, verbose_name='NIST category')),
                ('technique', models.CharField(choices=[('overwrite', 'Overwrite'), ('ata_sanitize', 'ATA Sanitize'), ('ata_secure_erase', 'ATA Security Erase'), ('nvme_sanitize', 'NVMe Sanitize'), ('nvme_format', 'NVMe Format (user data / crypto erase)'), ('crypto_erase', 'Cryptographic erase'), ('factory_reset', 'Factory reset'), ('shred', 'Shred'), ('drill', 'Drill'), ('degauss', 'Degauss'), ('disintegrate', 'Disintegrate')], max_length=20, verbose_name='technique')),
                ('variant', models.CharField(blank=True, help_text='Only this variant of the technique (block erase, overwrite…); blank: any.', max_length=40, verbose_name='variant')),
                ('min_passes', models.PositiveSmallIntegerField(default=0, verbose_name='at least this many passes')),
                ('random_pass', models.BooleanField(default=False, verbose_name='one pass must be random data')),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='sanitization.sanitizationpolicy', verbose_name='policy')),
            ],
            options={
                'verbose_name': 'policy rule',
                'verbose_name_plural': 'policy rules',
                'ordering': ['policy', 'media_type', 'technique', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='VerificationSample',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='sample (%)')),
                ('population', models.PositiveIntegerField(verbose_name='media in the batch')),
                ('drawn_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='drawn')),
                ('donation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='verification_samples', to='donations.donation', verbose_name='donation')),
                ('drawn_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='drawn by')),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sanitization.sanitizationpolicy', verbose_name='policy')),
            ],
            options={
                'verbose_name': 'verification sample',
                'verbose_name_plural': 'verification samples',
                'ordering': ['donation', '-drawn_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='PolicyChoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('donation', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sanitization_policy', to='donations.donation', verbose_name='donation')),
                ('organisation', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sanitization_policy', to='accounts.organisation', verbose_name='donor organisation')),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sanitization.sanitizationpolicy', verbose_name='policy')),
            ],
            options={
                'verbose_name': 'policy choice',
                'verbose_name_plural': 'policy choices',
                'constraints': [models.CheckConstraint(condition=models.Q(('donation__isnull', True), ('organisation__isnull', True), _connector='XOR'), name='policy_choice_for_one')],
            },
        ),
        migrations.CreateModel(
            name='SampleItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('result', models.CharField(choices=[('pending', 'Waiting for verification'), ('passed', 'Passed: no data recovered'), ('failed', 'Failed: data recovered')], default='pending', max_length=10, verbose_name='result')),
                ('method', models.CharField(blank=True, max_length=200, verbose_name='how it was read')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='verified')),
                ('medium', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sanitization.storagemedium', verbose_name='medium')),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sanitization.sanitizationrecord', verbose_name='record')),
                ('verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='verified by')),
                ('sample', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='sanitization.verificationsample', verbose_name='sample')),
            ],
            options={
                'verbose_name': 'sampled medium',
                'verbose_name_plural': 'sampled media',
                'ordering': ['sample', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('sample', 'medium'), name='sample_medium_once')],
            },
        ),
        migrations.RunPython(restore_triggers_on_sqlite, migrations.RunPython.noop),
        migrations.RunPython(ship_policies, migrations.RunPython.noop),
    ]
