"""Background jobs of the registry."""

from django_tasks import task

from .importer.heartbeat import imports_interrupt_stale
from .importer.runner import import_run
from .importer.uploads import uploads_prune


@task()
def registry_import(batch_id: int) -> None:
    """Run a queued registry import (registry.importer.runner.import_run), after marking the
    imports whose worker died as interrupted (importer.heartbeat)."""
    imports_interrupt_stale()
    import_run(batch_id=batch_id)


@task()
def import_uploads_prune() -> None:
    """Remove the uploads nobody confirmed (importer.uploads), queued after every upload."""
    uploads_prune()
