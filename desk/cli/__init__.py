"""The `desk` command: `main` is the console-script entry point (`desk.cli:main`)."""

from desk.cli.main import main

__all__ = ["main"]
