"""Fake ``maya.api``: only OpenMaya (API 2.0)."""
