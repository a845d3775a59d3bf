"""Background jobs of the registry."""

from django_tasks import task


@task()
def registry_import(batch_id: int) -> None:
    """Run a queued registry import (registry.importer.services.import_run)."""
    from .importer.services import import_run

    import_run(batch_id=batch_id)
