"""The HTML page: one self-contained file (styles inline, charts as base64
PNG, no script, no request outside the file), the summary first, a table
of contents with an anchor for every section and scenario."""

import base64
import html as _html
from dataclasses import dataclass, field

from .i18n import t

CSS = """
:root { --blue: #0072B2; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei",
       "PingFang SC", sans-serif; margin: 0; color: #111; line-height: 1.55; background: #fff; }
header.top { padding: 1.2em 2em 0.6em; border-bottom: 3px solid var(--blue); }
header.top h1 { font-size: 1.9em; margin: 0; }
header.top p { margin: 0.2em 0; color: #444; }
nav.toc { font-size: 0.95em; padding: 0.8em 1.4em; background: #f5f8fb; margin-top: 1.5em;
          border: 1px solid #dbe5ef; border-radius: 6px; }
nav.toc ol { margin: 0.2em 0; padding-left: 1.4em; }
nav.toc a { color: #124; text-decoration: none; } nav.toc a:hover { text-decoration: underline; }
main { max-width: 1280px; padding: 0 2em 3em; }
@media (min-width: 1500px) {
  nav.toc { position: fixed; top: 0; left: 0; width: 260px; height: 100vh; overflow-y: auto;
            margin: 0; border-radius: 0; border-width: 0 1px 0 0; }
  header.top, main { margin-left: 280px; }
}
h2 { border-bottom: 2px solid var(--blue); padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-top: 1.6em; }
section#summary { background: #fbfcfe; border: 1px solid #dbe5ef; border-radius: 6px;
                  padding: 0.2em 1.4em 1em; margin-top: 1.2em; }
section#summary h2 { margin-top: 0.6em; }
p.headline { font-size: 1.35em; font-weight: bold; margin: 0.6em 0; }
div.cards { display: flex; flex-wrap: wrap; gap: 1em; margin: 1em 0; }
div.card { border: 1px solid #ccd; border-radius: 6px; padding: 0.6em 1em; min-width: 18em;
           flex: 1; background: #fff; }
div.card .big { font-size: 2em; font-weight: bold; }
div.card .label { color: #444; }
.badge { display: inline-block; padding: 0.05em 0.6em; border-radius: 1em; font-weight: bold; }
.on-track { background: #d5f0e7; } .at-risk { background: #fbecc8; } .off-track { background: #f8d9c4; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.97em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
td.num { text-align: right; white-space: nowrap; }
tr.binding td:first-child::before { content: "★ "; color: #D55E00; }
p.note { color: #555; font-size: 0.9em; }
p.section-note { border-left: 4px solid #E69F00; padding: 0.4em 0.8em; background: #fff8e6; }
figure { margin: 1.6em 0; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #333; margin-top: 0.4em; font-size: 0.95em; }
.meta th { width: 16em; }
p.role { color: #0072B2; font-weight: bold; margin: 0.2em 0; }
"""


@dataclass
class Block:
    kind: str              # html | chart | h3 | note (plain text)
    payload: object
    anchor: str = ""


@dataclass
class Section:
    id: str
    title: str
    blocks: list = field(default_factory=list)

    def add(self, kind, payload, anchor=""):
        self.blocks.append(Block(kind, payload, anchor))
        return self


def esc(x):
    return _html.escape(str(x))


def figure(chart, png):
    b64 = base64.b64encode(png).decode("ascii")
    return (f'<figure id="chart-{esc(chart.name)}" data-chart="{esc(chart.name)}">'
            f'<img alt="{esc(chart.title)}" width="2400" height="1350" '
            f'src="data:image/png;base64,{b64}">'
            f"<figcaption><b>{esc(chart.title)}</b> — {esc(chart.caption)}</figcaption></figure>")


def write(path, lang, title, subtitle, sections, pngs):
    """sections: [Section]; pngs: chart name -> PNG bytes."""
    toc = [f'<nav class="toc" aria-label="{esc(t(lang, "toc"))}"><b>{esc(t(lang, "toc"))}</b><ol>']
    for s in sections:
        subs = [b for b in s.blocks if b.kind == "h3" and b.anchor]
        toc.append(f'<li><a href="#{esc(s.id)}">{esc(s.title)}</a>')
        if subs:
            toc.append("<ol>" + "".join(f'<li><a href="#{esc(b.anchor)}">{esc(b.payload)}</a></li>'
                                        for b in subs) + "</ol>")
        toc.append("</li>")
    toc.append("</ol></nav>")
    out = [f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
           f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f'<title>{esc(title)}</title>\n<link rel="icon" href="data:,">\n<style>{CSS}</style>\n'
           f'</head>\n<body>']
    out.append(f'<header class="top"><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>\n<main>')
    for k, s in enumerate(sections):
        if k == 1:  # the contents after the summary: the summary is what is read first
            out += toc
        out.append(f'<section id="{esc(s.id)}">\n<h2>{esc(s.title)}</h2>')
        for b in s.blocks:
            if b.kind == "h3":
                out.append(f'<h3 id="{esc(b.anchor)}">{esc(b.payload)}</h3>')
            elif b.kind == "chart":
                out.append(figure(b.payload, pngs[b.payload.name]))
            elif b.kind == "note":  # plain text
                out.append(f'<p class="section-note">{esc(b.payload)}</p>')
            else:
                out.append(b.payload)
        out.append("</section>")
    if len(sections) < 2:
        out += toc
    out.append("</main>\n</body>\n</html>\n")
    path.write_text("\n".join(out), encoding="utf-8")
