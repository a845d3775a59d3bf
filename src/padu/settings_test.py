"""Settings for the test suite: the real settings, with fast hashing and tasks run inline."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("PADU_TESTING", "1")

from padu.settings import *  # noqa: F403
from padu.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Uploads (import files, their reports) go to a throw-away folder, not the checkout's var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="padu-test-media-"))
PADU_EVIDENCE_ROOT = Path(tempfile.mkdtemp(prefix="padu-test-evidence-"))
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Separate names let several test runs share one PostgreSQL server.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PADU_TEST_DB_NAME", "test_padu")}
# Every test client builds its own middleware; without this WhiteNoise would scan every static
# file through the finders each time (≈0.15 s per test). It now looks a file up when asked.
WHITENOISE_AUTOREFRESH = True
