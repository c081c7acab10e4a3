#!/usr/bin/python3
"""innosim report: a committee briefing (HTML + PDF) from innosim files.

    /usr/bin/python3 tools/report.py FILE [FILE ...] -o DIR [--lang zh|en] [--plan SCENARIO]

FILEs are run files (`innosim run`), sweep, solve and design files
(`innosim sweep`, `solve`, `design`) and observation files (TOML), told
apart by their content. The first run file
(or the one of scenario --plan) is the reference the others are compared
with. Writes DIR/report.html (self-contained), DIR/report.pdf (with
bookmarks), DIR/charts/NAME.png and NAME.json (the numbers plotted),
DIR/summary.json and DIR/manifest.json. `innosim report` calls this
script. Needs Debian's python3-h5py, python3-matplotlib, python3-numpy,
python3-pil, python3-pypdf and fonts-noto-cjk. See docs/report.md.

Exit status: 0 written; 2 an input, the font or the output folder cannot be
used (one message on stderr naming the file and the object; nothing is
written — the output folder is checked before anything is read or drawn).
"""

import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="report.py",
        description="A committee briefing (summary, scenario comparison, drivers, what it takes, "
                    "regions, appendix) as self-contained HTML and a PDF, from innosim run, sweep, "
                    "solve, design and observation files.",
        epilog="Example: /usr/bin/python3 tools/report.py plan.h5 baseline.h5 whatif.h5 sweep.h5 "
               "-o report/")
    ap.add_argument("files", nargs="+", metavar="FILE",
                    help="run files (innosim run), sweep, solve and design files (innosim sweep, "
                         "solve, design) and observation files (.toml); the first run file is "
                         "the reference (the plan)")
    ap.add_argument("-o", "--output", required=True, metavar="DIR",
                    help="output folder (created if missing; one that holds a report's files "
                         "already is refused unless --force)")
    ap.add_argument("--force", action="store_true",
                    help="replace the report files of an earlier report in the output folder")
    ap.add_argument("--lang", choices=("zh", "en"), default="zh",
                    help="language of the report (default: zh)")
    ap.add_argument("--plan", metavar="SCENARIO",
                    help="scenario id of the reference run (default: the first run file)")
    return ap.parse_args(argv)


def fail(msg):
    print(f"report: error: {msg}", file=sys.stderr)
    return 2


def main(argv=None):
    args = parse_args(argv)
    from innosim_report.outdir import check_output
    try:  # before anything is read, imported or drawn: fails at once, writes nothing
        check_output(args.output, args.force)
    except OSError as e:
        return fail(f"cannot write the output folder {e.filename or args.output}: "
                    f"{e.strerror or e}")
    import warnings
    from innosim_report.runfile import RunFileError
    from innosim_report.style import FontError
    from innosim_report.report import build
    try:
        with warnings.catch_warnings():
            # A missing glyph would be a visible defect: fail instead of drawing boxes.
            warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing.*")
            rep = build(args.files, args.output, args.lang, plan=args.plan, force=args.force)
    except (RunFileError, FontError) as e:
        return fail(e)
    except OSError as e:  # disk full, folder removed meanwhile
        return fail(f"cannot write {e.filename or args.output}: {e.strerror or e}")
    print(f"report: {len(rep.charts)} charts, {rep.html}, {rep.pdf}")
    if rep.absent:
        print("report: not given (not charted): " + ", ".join(rep.absent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
