"""Replacement entries in the ledger, and the table of published chain heads.

The heads table is append-only in PostgreSQL like the ledger (migration 0002): a trigger refuses
UPDATE and DELETE. On SQLite (the embedded default) the trigger is skipped.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION notices_ledgerhead_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'notices_ledgerhead is append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS notices_ledgerhead_append_only ON notices_ledgerhead;
CREATE TRIGGER notices_ledgerhead_append_only
    BEFORE UPDATE OR DELETE ON notices_ledgerhead
    FOR EACH ROW EXECUTE FUNCTION notices_ledgerhead_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS notices_ledgerhead_append_only ON notices_ledgerhead;
DROP FUNCTION IF EXISTS notices_ledgerhead_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('committee', '0002_constraint_messages'),
        ('notices', '0004_ledger_action_choices'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ledgerentry',
            name='action',
            field=models.CharField(choices=[('publish', '发布'), ('replace', '被新版本替换'), ('withdraw', '撤回')], default='publish', max_length=20, verbose_name='操作'),
        ),
        migrations.CreateModel(
            name='LedgerHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.PositiveIntegerField(verbose_name='序号')),
                ('entry_hash', models.CharField(max_length=64, verbose_name='本条哈希')),
                ('recorded_at', models.DateTimeField(verbose_name='记录时间')),
                ('published_at', models.DateTimeField(verbose_name='公布时间')),
                ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='committee.community', verbose_name='社区')),
            ],
            options={
                'verbose_name': '已公布的记录链头',
                'verbose_name_plural': '已公布的记录链头',
                'ordering': ['community', '-sequence'],
                'constraints': [models.UniqueConstraint(fields=('community', 'sequence'), name='ledger_head_once')],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
