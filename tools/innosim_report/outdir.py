"""The output folder's check, done before anything else (no heavy imports
here): a folder that cannot be written, or that holds a report already
(without --force), fails at once, with nothing written."""

import os
import tempfile
from pathlib import Path

OUTPUT_FILES = ("report.html", "report.pdf", "summary.json", "manifest.json")


def check_output(outdir, force=False):
    """Raises OSError (naming the folder) unless outdir can be written: an
    existing writable folder, or a missing one whose nearest existing
    parent is a writable folder; and, unless `force`, one that holds none of
    a report's files (OUTPUT_FILES, charts/), which would be replaced.
    Writes nothing that stays."""
    p = Path(outdir)
    if not force:
        for name in (*OUTPUT_FILES, "charts"):
            if (p / name).exists() or (p / name).is_symlink():
                raise FileExistsError(17, f"it holds a report already ({name}); use --force to replace it", str(p))
    probe_dir = p
    while not probe_dir.exists():
        if probe_dir.parent == probe_dir:
            break
        probe_dir = probe_dir.parent
    if not probe_dir.is_dir():
        raise NotADirectoryError(20, "not a folder", str(probe_dir))
    for sub in (p / "charts",):
        if sub.exists() and not sub.is_dir():
            raise NotADirectoryError(20, "not a folder", str(sub))
    try:
        fd, name = tempfile.mkstemp(prefix=".innosim-report-probe-", dir=probe_dir)
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(probe_dir)) from None
    os.close(fd)
    os.unlink(name)
    if (p / "charts").is_dir() and not os.access(p / "charts", os.W_OK | os.X_OK):
        raise PermissionError(13, "Permission denied", str(p / "charts"))
    for name in OUTPUT_FILES:
        f = p / name
        if f.exists() and (not f.is_file() or not os.access(f, os.W_OK)):
            raise PermissionError(13, "Permission denied", str(f))
