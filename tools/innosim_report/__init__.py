"""The committee briefing (HTML + PDF) from innosim run, sweep and observation files.

Entry point: tools/report.py. Modules:
  outdir    - the output folder's check, before anything is read or drawn
  integrity - opens an innosim file only when every object matches its checksum
  runfile   - reads run and sweep files (docs/hdf5-schema.md) and observation files
  analysis  - number formats, roles, paired changes in P(met), lever differences,
              rank-based drivers, what a sweep says it takes, regional shares
  i18n      - Chinese/English labels, units and number formats
  style     - fonts (Noto Sans CJK), Okabe-Ito palette, slide-size rcParams
  charts    - the chart object and shared drawing helpers
  summary   - the one-page summary (verdict, P(met) ± s.e., what-if effects, headline)
  compare   - the overview heat map and the what-if dumbbells
  fans      - the binding indicator's fans (all scenarios) and per-run fan grids
  drivers   - tornados of the rank-based drivers
  takes     - what it takes: indicator and P(met) against a swept lever
  regions   - regional medians, bands and shares
  calib     - hindcast against observed statistics
  html, pdf - the self-contained page and the PDF with bookmarks
  report    - the sections in reading order, and the files written
Each chart is a self-contained function of the loaded inputs returning Chart objects.
"""

FORMAT_VERSION = 2  # with /integrity: every object's checksum (integrity.py)
