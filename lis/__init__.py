"""LIS: the land information system of a Vietnamese province."""

__version__ = "0.1.0"
