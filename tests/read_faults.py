"""Faults of the file system that the read stage must survive, made for a test.

A file chmod 000 is readable by root, and the tests run as root: so a file nobody may read is made
by refusing it where the readers read, ``Path.read_bytes``.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest


def refuse_to_read(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """``locked`` as a file nobody but its owner may read: ``Permission denied`` when read."""
    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
