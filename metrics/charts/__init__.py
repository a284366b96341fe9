"""Charts as pure builders: figures in, chart rows and a plotly payload or number tiles out (no request, no template).

``specs`` names each section's charts; ``rows`` holds a figure as a chart row and the ``Chart`` a page
draws; ``builders`` the section charts, their rules and the plotly payload; ``series`` the chart of one
figure across years.
"""
