"""Charts and a report (HTML + PDF) from innosim HDF5 run files.

Entry point: tools/report.py. Modules:
  runfile  - reads a run file (docs/hdf5-schema.md, format version 1)
  i18n     - Chinese/English labels, units and number formats
  style    - fonts (Noto Sans CJK), Okabe-Ito palette, slide-size rcParams
  charts   - fan, attainment and scenario-comparison charts
  report   - the HTML page and the PDF
"""

FORMAT_VERSION = 1
