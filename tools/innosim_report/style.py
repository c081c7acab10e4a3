"""Fonts, colours and slide-size defaults shared by every chart."""

import glob
import os

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
from matplotlib import font_manager  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the
# common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
FAN = OKABE_ITO["blue"]
BINDING = OKABE_ITO["vermillion"]
EXPECTED = OKABE_ITO["black"]
VERDICT = {"on track": OKABE_ITO["bluish_green"], "at risk": OKABE_ITO["orange"],
           "off track": OKABE_ITO["vermillion"]}
VERDICT_TINT = {"on-track": "#d5f0e7", "at-risk": "#fbecc8", "off-track": "#f8d9c4"}
# Runs in comparison charts (no yellow: too pale on white).
RUN_COLOURS = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "reddish_purple",
                                      "sky_blue", "vermillion", "black")]

SLIDE = (16, 9)     # inches: 16:9 at 120 dpi = 1920 x 1080 px (full HD, a slide)
PNG_DPI = 120

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto",
             "/usr/share/fonts")


class FontError(RuntimeError):
    pass


def _find_cjk_fonts():
    for d in FONT_DIRS:
        hits = sorted(glob.glob(os.path.join(d, "**", "NotoSansCJK-*.tt[cf]"), recursive=True))
        hits += sorted(glob.glob(os.path.join(d, "**", "NotoSansCJK*-*.otf"), recursive=True))
        if hits:
            return hits
    return []


_configured = None


def configure(lang):
    """Sets rcParams once: CJK font (Chinese and Latin from one face, so no
    glyph is missing), slide-size fonts, SVG text as paths (self-contained)."""
    global _configured
    fonts = _find_cjk_fonts()
    family = None
    for path in fonts:
        font_manager.fontManager.addfont(path)
        name = font_manager.FontProperties(fname=path).get_name()
        if "Regular" in os.path.basename(path) or family is None:
            family = name
    if family is None:
        if lang == "zh":
            raise FontError("no Noto Sans CJK font found under /usr/share/fonts; "
                            "install fonts-noto-cjk (apt-get install fonts-noto-cjk)")
        family = "DejaVu Sans"
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,   # ASCII hyphen-minus: present in every font
        "font.size": 18,
        "axes.titlesize": 24,
        "axes.titleweight": "bold",
        "axes.labelsize": 19,
        "xtick.labelsize": 17,
        "ytick.labelsize": 17,
        "legend.fontsize": 16,
        "legend.frameon": False,
        "figure.titlesize": 26,
        "figure.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.8,
        "lines.linewidth": 3,
        "savefig.facecolor": "white",
        "figure.facecolor": "white",
        "svg.fonttype": "path",
        # Every chart stays open until the PDF is written, then all are
        # closed (Report.close): dozens at once is expected, not a leak.
        "figure.max_open_warning": 0,
        "pdf.fonttype": 3,   # Type 3: glyphs drawn from the font itself, 7x faster to embed than a
                             # Type 42 subset of the large CJK font
        "svg.hashsalt": "innosim",   # stable SVG ids, so reruns give identical files
    })
    _configured = (lang, family)
    return family
