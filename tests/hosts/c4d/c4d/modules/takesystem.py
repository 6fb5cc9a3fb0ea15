"""Fake ``c4d.modules.takesystem``: BaseTake and TakeData live with the documents in this fake."""
from c4d.documents import BaseTake, TakeData  # noqa: F401
