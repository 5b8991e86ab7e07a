"""Settings for the test suite: the embedded defaults plus a fast password hasher."""

import os

os.environ.setdefault("RUMBO_DEBUG", "1")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Uploaded files (evidence, imported workbooks) of the test run go to a throwaway folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="rumbo-test-media-"))
