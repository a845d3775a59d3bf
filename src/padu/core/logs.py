"""Logging filters named in settings.LOGGING."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused request (403, 404, …) is the user's mistake or a probe, not a fault of Padu:
    Django logs it with the exception's traceback, which buried the terminal of the demo and the
    server's log under dozens of lines for each one. Keep the one line that names the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
