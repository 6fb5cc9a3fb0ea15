"""Fake ``maya`` package (see tests/hosts/maya/README.md). Only the submodules below exist."""
