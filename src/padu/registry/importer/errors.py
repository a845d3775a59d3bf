"""The error of a file that cannot be imported at all (raised by `files` and `layout`)."""

from padu.core.errors import DomainError


class ImportFileError(DomainError):
    """A file that cannot be imported at all; the message says why and what to do."""

    code = "import_file"
