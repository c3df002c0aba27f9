"""Tests of the desk TUI: keys, screens, snapshots, hostile text."""
