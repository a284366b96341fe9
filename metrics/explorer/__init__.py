"""The analysts' figure explorer: its filters and their widgets."""
