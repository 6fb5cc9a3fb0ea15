"""Fake ``c4d.modules``: only ``takesystem``."""
from . import takesystem  # noqa: F401
