"""Bad input from the user, as one exception every Python twin raises and the CLI catches once.

`python -m crawler` prints `error: MESSAGE` on one line and exits 2 (EXIT_USAGE) for any
`UsageError`, whichever command raised it: a missing file, a database that is not an archive,
a bad URL or date, an unknown site, an occupied port. A subclass of ValueError, so callers that
catch ValueError around the twins keep working.
"""
from __future__ import annotations

from pathlib import Path


class UsageError(ValueError):
    """What the user asked for cannot be done as asked; the message says why, in one line."""


class ArchiveMissing(UsageError, FileNotFoundError):
    """No archive at the given path (a FileNotFoundError too, for callers that expect one)."""


class NotAnArchive(UsageError):
    """The file exists but is not an archive this crawler wrote."""


class ArchiveTooNew(UsageError):
    """The archive was written by a newer release: its schema is unknown here."""


def read_input_file(path: str | Path) -> bytes:
    """The bytes of a file the user named, or a UsageError saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"is a directory, not a file: {path}") from None
    except PermissionError:
        raise UsageError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
