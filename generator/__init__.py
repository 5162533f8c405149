"""Docs-as-code for an Italian public body's performance plan and results."""

__version__ = "0.1.0"
