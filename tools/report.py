#!/usr/bin/python3
"""innosim report: charts and a report (HTML + PDF) from innosim run files.

    /usr/bin/python3 tools/report.py OUT.h5 [MORE.h5 ...] -o DIR [--lang zh|en]

Writes DIR/report.html (self-contained), DIR/report.pdf, DIR/charts/*.png,
*.svg and *.json (the plotted numbers), and DIR/manifest.json. With two or
more run files the report adds scenario-comparison charts; a sweep file from
`innosim sweep` (told apart by its file_type) adds a chart of P(met) against
the swept lever. `innosim report`
calls this script. Needs Debian's python3-h5py, python3-matplotlib,
python3-numpy and fonts-noto-cjk. See docs/report.md.

Exit status: 0 written; 2 a run file or the font cannot be used (one message
on stderr naming the file and the object).
"""

import argparse
import sys
import warnings
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from innosim_report.runfile import RunFileError  # noqa: E402
from innosim_report.style import FontError  # noqa: E402


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="report.py",
        description="Charts (fan, target attainment, scenario comparison) and a report "
                    "(self-contained HTML and PDF) from innosim HDF5 run files.",
        epilog="Example: /usr/bin/python3 tools/report.py plan.h5 baseline.h5 -o report/ --lang zh")
    ap.add_argument("runs", nargs="+", metavar="RUN.h5",
                    help="run files written by `innosim run` (two or more add comparison charts) "
                         "and/or sweep files written by `innosim sweep`")
    ap.add_argument("-o", "--output", required=True, metavar="DIR",
                    help="output directory (created if missing; files in it are overwritten)")
    ap.add_argument("--lang", choices=("zh", "en"), default="zh",
                    help="language of titles, labels and names (default: zh)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from innosim_report.report import build
    try:
        with warnings.catch_warnings():
            # A missing glyph would be a visible defect: fail instead of drawing boxes.
            warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing.*")
            rep = build(args.runs, args.output, args.lang)
    except (RunFileError, FontError) as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # output folder not writable, disk full
        print(f"report: error: cannot write {e.filename or args.output}: {e.strerror or e}",
              file=sys.stderr)
        return 2
    print(f"report: {len(rep.charts)} charts, {rep.html}, {rep.pdf}")
    if rep.absent:
        print("report: not in the run files (not charted): " + ", ".join(rep.absent))
    for label, g in rep.unsupported:
        print(f"report: {label}: /{g} present but its layout is not defined by schema v1; "
              "not charted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
