"""Presentation: panes and modals that show data and post messages; no SQL here."""
