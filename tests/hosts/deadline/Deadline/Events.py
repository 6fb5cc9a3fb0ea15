"""Fake ``Deadline.Events``: DeadlineEventListener with .NET-style events (``+=``, ``del``).

Deadline.Events.DeadlineEventListener (Scripting Reference): OnJobFinishedCallback,
OnJobFailedCallback, OnJobSuspendedCallback, OnJobDeletedCallback (among others), config access
GetConfigEntryWithDefault(key, default), logging LogInfo / LogWarning.
"""

EVENTS = ("OnJobSubmittedCallback", "OnJobStartedCallback", "OnJobFinishedCallback", "OnJobRequeuedCallback",
          "OnJobFailedCallback", "OnJobSuspendedCallback", "OnJobResumedCallback", "OnJobPendedCallback",
          "OnJobReleasedCallback", "OnJobDeletedCallback", "OnJobErrorCallback", "OnJobPurgedCallback")


class _Event:
    """A .NET event as pythonnet shows it: handlers are added with ``+=``."""

    def __init__(self):
        self.handlers = []

    def __iadd__(self, handler):
        if not callable(handler):
            raise TypeError("an event handler must be callable")
        self.handlers.append(handler)
        return self

    def fire(self, *args):
        for handler in list(self.handlers):
            handler(*args)


class DeadlineEventListener:
    def __init__(self):
        for name in EVENTS:
            object.__setattr__(self, name, _Event())
        self.config = {}
        self.log_lines = []

    def __setattr__(self, name, value):
        if name in EVENTS and not isinstance(value, _Event):
            raise TypeError(f"{name} is an event: use += to add a handler")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name not in EVENTS:
            raise AttributeError(name)
        object.__setattr__(self, name, _Event())  # Deadline's documented clean-up: handlers gone

    def GetConfigEntryWithDefault(self, key, defaultValue):
        if not isinstance(key, str) or not isinstance(defaultValue, str):
            raise TypeError("GetConfigEntryWithDefault(string key, string defaultValue)")
        return self.config.get(key, defaultValue)

    def LogInfo(self, message):
        self.log_lines.append(("info", str(message)))

    def LogWarning(self, message):
        self.log_lines.append(("warning", str(message)))
