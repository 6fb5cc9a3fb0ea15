"""Fake ``Deadline.Jobs`` Job and Task, with .NET DateTime / TimeSpan values as pythonnet shows them."""
import datetime as dt


class DateTime:
    """System.DateTime: Year … Second, ToUniversalTime(); MinValue is year 1."""

    def __init__(self, value):
        self._value = value  # an aware datetime, or None for DateTime.MinValue

    def ToUniversalTime(self):
        return self

    def __getattr__(self, name):
        if name not in ("Year", "Month", "Day", "Hour", "Minute", "Second"):
            raise AttributeError(name)
        if self._value is None:
            return {"Year": 1, "Month": 1, "Day": 1}.get(name, 0)
        return getattr(self._value.astimezone(dt.timezone.utc), name.lower())


class TimeSpan:
    def __init__(self, seconds):
        self.TotalSeconds = float(seconds)


class Task:
    def __init__(self, status, frames, seconds):
        self.TaskStatus = status
        self.TaskFrameList = list(frames)
        self.TaskRenderTime = TimeSpan(seconds)


class Job:
    def __init__(self, job_id, name, plugin, *, started, tasks, plugin_info=None, extra_info=None):
        self.JobId = job_id
        self.JobName = name
        self.JobPlugin = plugin
        self.JobStartedDateTime = DateTime(started)
        self.JobSubmitDateTime = DateTime(started)
        self._tasks = list(tasks)
        self._plugin_info = dict(plugin_info or {})
        self._extra_info = dict(extra_info or {})
        self._environment = {}
        self.saved = 0  # RepositoryUtils.SaveJob calls (the fake's record)

    def GetJobPluginInfoKeyValue(self, key):
        return self._plugin_info.get(key, "")

    def GetJobExtraInfoKeyValue(self, key):
        return self._extra_info.get(key, "")

    def SetJobEnvironmentKeyValue(self, key, value):
        # Job.SetJobEnvironmentKeyValue(string key, string value): Deadline Scripting Reference.
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError("SetJobEnvironmentKeyValue(string key, string value)")
        self._environment[key] = value

    def GetJobEnvironmentKeyValue(self, key):
        return self._environment.get(key, "")
