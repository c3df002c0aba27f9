"""Exports of a desk: recap and item lists for publication."""
