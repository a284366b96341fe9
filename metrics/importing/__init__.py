"""Importing a report from its text: matching proposals to last year's codes, the review forms, the admin page."""
