"""Pieces both apps use and neither owns: permission names, the page cache, the audited admin base.

It imports nothing from ``reports``, ``metrics`` or ``wanzhou_police``.
"""
