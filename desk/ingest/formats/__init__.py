"""One module per input format; see `desk/ingest/base.py` for the interface."""
