"""Charts as pure builders: plain rows in, a plotly figure or number tiles out (no request, no template).

``specs`` says which charts a section shows, ``rows`` turns figures into chart rows and the typed
``Chart`` a page draws, ``builders`` holds the comparison rules and the section charts, ``series``
the chart of one figure across years.
"""
