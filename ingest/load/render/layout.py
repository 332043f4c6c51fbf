"""The chromatogram image's fixed geometry: one layout for every render, no layout pass per image."""

from __future__ import annotations

#: Output size in pixels (width, height) and resolution.
WIDTH_PX, HEIGHT_PX, DPI = 1200, 600, 100
#: The plot area as (left, bottom, width, height) fractions of the figure: room for the title, the axis
#: labels and tick labels of up to about eight characters.
AXES_RECT = (0.08, 0.09, 0.9, 0.83)
#: Pixel columns of the plot area: what a trace is reduced to before it is drawn.
PLOT_COLUMNS = round(WIDTH_PX * AXES_RECT[2])
#: At most this many peaks get a text label (the largest by area, else the first ones).
MAX_LABELS = 30
#: zlib level of the PNG: 1 is several times faster than matplotlib's default and these flat-coloured
#: plots compress nearly as well.
PNG_COMPRESS_LEVEL = 1
