"""The PDF: the summary page first, then every section's charts (one 16:9
page each) and the appendix's tables, written by matplotlib's PdfPages;
then pypdf adds one bookmark per section and chart and opens the document
with its bookmarks shown."""

import math
import re

from matplotlib import pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

from . import style
from .i18n import display_width, t, wrap
from .summary import effect_cells

TEXT_COLOUR = "#111111"


def _flow(text, width):
    """Lines of at most `width` display columns (Chinese by characters,
    English by words)."""
    out = []
    for para in str(text).split("\n"):
        if display_width(para) <= width:
            out.append(para)
            continue
        if para.isascii():
            import textwrap
            out += textwrap.wrap(para, width)
            continue
        # mixed text: a Chinese character or a run of other characters (a Latin
        # word, an option like --store) is never split
        line, w = "", 0
        for piece in re.findall(r"[\u2e80-\uffff]|[^\u2e80-\uffff\s]+|\s+", para):
            pw = display_width(piece)
            if w + pw > width and line.strip():
                out.append(line.rstrip())
                line, w = "", 0
                if piece.isspace():
                    continue
            line += piece
            w += pw
        if line.strip():
            out.append(line.rstrip())
    return out


class Page:
    """A 16:9 page that text flows down, starting a new page when full."""

    def __init__(self, pdf, title, marks=None):
        self.pdf, self.title = pdf, title
        self.fig, self.y = None, 0.0
        self.new()

    def new(self):
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            plt.close(self.fig)
        self.fig = plt.figure(figsize=style.SLIDE)
        self.fig.text(0.04, 0.95, self.title, fontsize=26, fontweight="bold", va="top",
                      color=TEXT_COLOUR)
        self.y = 0.86

    def text(self, s, size=15, indent=0.04, width=None, bold=False, colour=TEXT_COLOUR, gap=0.3):
        width = width or int(150 * 15 / size) - int(indent * 150)
        line_h = size / 72 / 9 * 1.45
        for line in _flow(s, width):
            if self.y - line_h < 0.04:
                self.new()
            self.fig.text(indent, self.y, line, fontsize=size, va="top", color=colour,
                          fontweight="bold" if bold else "normal")
            self.y -= line_h
        self.y -= line_h * gap

    def close(self):
        self.pdf.savefig(self.fig)
        plt.close(self.fig)


def summary_pages(pdf, ctx, summary, title):
    """The summary as the PDF's first page(s): the same facts as the HTML section."""
    lang = ctx.lang
    p = Page(pdf, title)
    if summary.headline:
        p.text(summary.headline, size=19, bold=True, gap=0.4)
    p.text(summary.counts, size=15)
    for s in summary.takes:
        p.text(s, size=15)
    for b in summary.binding:
        p.text(f"★ {t(lang, 'binding_card')}：{b['label']}" if lang == "zh" else
               f"★ {t(lang, 'binding_card')}: {b['label']}", size=16, bold=True, gap=0.1)
        p.text(f"{b['verdict']} · {t(lang, 'p_met')} {b['p_se']} · {t(lang, 'median')} "
               f"{b['median']} · {t(lang, 'col_band')} {b['band']}", size=15, indent=0.06)
    if summary.binding:
        from .i18n import fmt_p_se
        pab, se = summary.p_all_binding
        p.text(f"{t(lang, 'p_all_binding')}: {fmt_p_se(pab, se, lang)}", size=15, indent=0.06)
    p.text(summary.se_label, size=12, colour="#555555", indent=0.06)
    p.text(t(lang, "off_track_list", scn=ctx.plan.name(lang)), size=16, bold=True, gap=0.1)
    if not summary.off_track:
        p.text(t(lang, "none_off_track"), size=14, indent=0.06)
    for o in summary.off_track:
        p.text(f"{'★ ' if o['binding'] else '· '}{o['label']}：{t(lang, 'median')} {o['median']}，"
               f"{t(lang, 'p_met')} {o['p']}" if lang == "zh" else
               f"{'★ ' if o['binding'] else '· '}{o['label']}: {t(lang, 'median')} {o['median']}, "
               f"{t(lang, 'p_met')} {o['p']}", size=13, indent=0.06, gap=0.05)
    if summary.effects:
        p.y -= 0.01
        p.text(t(lang, "whatif_effects", plan=ctx.plan.name(lang)), size=16, bold=True, gap=0.1)
        for e in summary.effects:
            c = effect_cells(ctx, e)
            sep = "：" if lang == "zh" else ": "
            p.text(f"{e.run.name(lang)}{sep}{t(lang, 'col_binding_change')} {c['binding']}；"
                   f"{t(lang, 'col_up_down')} {c['updown']}；{t(lang, 'col_largest')} {c['largest']}"
                   if lang == "zh" else
                   f"{e.run.name(lang)}{sep}{t(lang, 'col_binding_change')} {c['binding']}; "
                   f"{t(lang, 'col_up_down')} {c['updown']}; {t(lang, 'col_largest')} {c['largest']}",
                   size=13, indent=0.06, gap=0.05)
            for line in e.levers:
                p.text(line, size=12, indent=0.08, colour="#333333", gap=0.05)
    p.close()


def info_pages(pdf, title, lines):
    """Label/value lines (None label: a sub-heading)."""
    p = Page(pdf, title)
    for k, v in lines:
        if k is None:
            p.text(v, size=17, bold=True, gap=0.1)
        else:
            p.text(f"{k}: {v}", size=13, indent=0.06, gap=0.05)
    p.close()


def text_page(pdf, title, text):
    """A page of plain text under a title (a section's note)."""
    p = Page(pdf, title)
    p.text(text, size=16)
    p.close()


TABLE_COLS = ("indicator", "region", "year", "kind", "target", "median", "band", "p_met",
              "verdict")


def table_pages(pdf, ctx, run, rows, title, per_page=10):
    """The target table, ten rows a page: text in columns and thin rules (a
    matplotlib Table measures every cell and costs several times more)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    lang = ctx.lang
    widths = [0.25, 0.09, 0.05, 0.06, 0.10, 0.09, 0.14, 0.13, 0.09]
    xs = [0.02]
    for w in widths[:-1]:
        xs.append(xs[-1] + w)
    header = [t(lang, "col_" + c) for c in TABLE_COLS]
    pages = math.ceil(len(rows) / per_page)
    for k in range(0, len(rows), per_page):
        chunk = rows[k:k + per_page]
        fig = plt.figure(figsize=style.SLIDE)
        sub = f" ({k // per_page + 1}/{pages})" if pages > 1 else ""
        fig.text(0.02, 0.95, title + sub, fontsize=22, fontweight="bold", va="top")
        top, row_h = 0.86, 0.075
        fig.add_artist(Rectangle((0.015, top - row_h * 0.75), 0.97, row_h * 0.75,
                                 color="#e8eef5", lw=0))
        for x, h in zip(xs, header):
            fig.text(x, top - row_h * 0.37, h, fontsize=13, fontweight="bold", va="center")
        y = top - row_h * 0.75
        for r in chunk:
            cells = [("★ " if r["binding"] else "") + wrap(r["indicator"], lang, 11),
                     wrap(r["region"], lang, 5)] + [r[c] for c in TABLE_COLS[2:]]
            tint = style.VERDICT_TINT.get(r["verdict_key"])
            if tint:
                fig.add_artist(Rectangle((xs[-1] - 0.005, y - row_h), widths[-1], row_h,
                                         color=tint, lw=0))
            for x, c in zip(xs, cells):
                fig.text(x, y - row_h / 2, c, fontsize=12, va="center",
                         color=style.BINDING if (r["binding"] and x == xs[0]) else TEXT_COLOUR)
            y -= row_h
            fig.add_artist(Line2D([0.015, 0.985], [y, y], color="#cccccc", lw=0.8))
        pdf.savefig(fig)
        plt.close(fig)


def add_bookmarks(path, marks, title):
    """One bookmark per (level, title, page): level 0 a section, 1 its items."""
    from pypdf import PdfReader, PdfWriter
    reader = PdfReader(str(path))
    writer = PdfWriter()
    writer.clone_reader_document_root(reader)
    parent = None
    for level, text, page in marks:
        if level == 0:
            parent = writer.add_outline_item(text, page)
        else:
            writer.add_outline_item(text, page, parent=parent)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": title, "/Creator": "innosim report"})
    with open(path, "wb") as fh:
        writer.write(fh)


class PdfWriterPages:
    """PdfPages that counts its pages, so bookmarks know where things are."""

    def __init__(self, path, title):
        self.pdf = PdfPages(str(path), metadata={"Title": title, "Creator": "innosim report"})
        self.marks = []

    @property
    def page(self):
        return self.pdf.get_pagecount()

    def mark(self, level, text):
        self.marks.append((level, text, self.page))

    def savefig(self, fig):
        self.pdf.savefig(fig)

    def close(self):
        self.pdf.close()
