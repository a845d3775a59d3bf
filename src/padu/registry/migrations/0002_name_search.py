# Name search on PostgreSQL: pg_trgm and a trigram GIN index on Person.name_key.
#
# Both exist only on PostgreSQL. The index is wrapped in PostgreSQLOnly: a no-op on SQLite, and no
# change to the migration state, so the model does not declare it and `makemigrations --check`
# stays quiet on either database.

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.migrations.operations.base import Operation


class PostgreSQLOnly(Operation):
    """Run the wrapped schema operation on PostgreSQL only; leave the project state alone."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, operation):
        self.operation = operation

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operation], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (PostgreSQL only)"


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),  # itself a no-op on other databases
        PostgreSQLOnly(
            migrations.AddIndex(
                model_name="person",
                index=GinIndex(
                    fields=["name_key"], name="person_name_key_trgm", opclasses=["gin_trgm_ops"]
                ),
            )
        ),
    ]
