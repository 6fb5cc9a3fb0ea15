"""Fake ``Deadline.Scripting``: RepositoryUtils.GetJobTasks(job, invalidate) → TaskCollection."""


class _TaskCollection:
    def __init__(self, tasks):
        self.TaskCollectionTasks = list(tasks)


class RepositoryUtils:
    @staticmethod
    def GetJobTasks(job, invalidate):
        if not isinstance(invalidate, bool):
            raise TypeError("GetJobTasks(Job job, bool invalidate)")
        return _TaskCollection(job._tasks)
