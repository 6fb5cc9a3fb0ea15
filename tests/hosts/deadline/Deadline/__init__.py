"""Fake ``Deadline`` package (see ../README.md)."""
