"""The demo desk: invented sample data in native formats, and its builder."""
