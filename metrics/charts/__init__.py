"""Charts as pure builders: plain rows in, a plotly figure or number tiles out (no request, no template).

``specs`` names each section's charts, ``builders`` holds the section charts and their rules, ``series``
the chart of one figure across years.
"""
