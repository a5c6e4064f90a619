"""The ledger is append-only in PostgreSQL: a trigger refuses UPDATE and DELETE on its rows.

Rows can still be removed by TRUNCATE (test database flushes) and by someone who disables the
trigger; ``manage.py verify_ledger`` then shows the break. On SQLite (the embedded default) this is a
no-op: the hash chain alone makes tampering evident there.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION notices_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'notices_ledgerentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS notices_ledger_append_only ON notices_ledgerentry;
CREATE TRIGGER notices_ledger_append_only
    BEFORE UPDATE OR DELETE ON notices_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION notices_ledger_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS notices_ledger_append_only ON notices_ledgerentry;
DROP FUNCTION IF EXISTS notices_ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
