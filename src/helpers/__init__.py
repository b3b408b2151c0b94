"""Helpers for the Sexan/V6 interview and workshop study: ingestion, coding, analysis, report."""

__version__ = "0.1.0"
