"""Charts over time: the Making Data Count XmR chart engine, its SVG and its words.

Core, with no Django: audits' themes (issue 15) and the board pack (issue 17) both build
their charts with :func:`wholestory.charts.spc.xmr_chart`, draw them with
:func:`wholestory.charts.svg.render_svg`, and say them with :mod:`wholestory.charts.words`.
"""
