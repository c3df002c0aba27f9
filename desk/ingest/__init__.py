"""Importers: one module per format behind one interface (see base.py)."""
