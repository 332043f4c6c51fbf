"""The chromatogram image's fixed geometry: one layout for every render, no layout pass per image."""

from __future__ import annotations

#: Output size in pixels (width, height), and the resolution written into the PNG.
WIDTH_PX, HEIGHT_PX, DPI = 1200, 600, 100
#: The plot area in pixels from the top-left corner: room on the left for the y axis label and tick
#: labels of up to about nine characters, above for the title, below for the tick labels and x label.
PLOT_LEFT, PLOT_TOP, PLOT_RIGHT, PLOT_BOTTOM = 100, 40, 1180, 540
#: Pixel columns of the plot area: what a trace is reduced to before it is drawn.
PLOT_COLUMNS = PLOT_RIGHT - PLOT_LEFT
#: At most this many peaks get a text label (the largest by area, else the first ones).
MAX_LABELS = 30
#: zlib level of the PNG: 1 is several times faster than the default and these flat-coloured plots
#: compress nearly as well.
PNG_COMPRESS_LEVEL = 1
#: Font sizes in pixels: title, axis labels, tick labels and legend, peak labels.
TITLE_FONT_PX, LABEL_FONT_PX, TICK_FONT_PX, PEAK_FONT_PX = 16, 13, 11, 10
#: Line colours by the channel's place in the request (matplotlib's "tab10" without its red, too near
#: the peak markers' crimson, and its grey, the colour of text), repeated when there are more channels.
PALETTE = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (188, 189, 34),
    (23, 190, 207),
)
MARKER_COLOUR = (220, 20, 60)
INK, BACKGROUND, MUTED = (0, 0, 0), (255, 255, 255), (128, 128, 128)
