"""consolidate: report templates out, filled returns in, one county summary workbook."""

__version__ = "0.1.0"
