"""The package version (read by the build backend, written into summaries, caches and e-mails)."""

__version__ = "0.1.0"
