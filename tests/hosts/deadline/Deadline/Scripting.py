"""Fake ``Deadline.Scripting``: RepositoryUtils.GetJobTasks(job, invalidate) → TaskCollection,
RepositoryUtils.SaveJob(job) (Deadline Scripting Reference, RepositoryUtils)."""


class _TaskCollection:
    def __init__(self, tasks):
        self.TaskCollectionTasks = list(tasks)


class RepositoryUtils:
    @staticmethod
    def GetJobTasks(job, invalidate):
        if not isinstance(invalidate, bool):
            raise TypeError("GetJobTasks(Job job, bool invalidate)")
        return _TaskCollection(job._tasks)

    @staticmethod
    def SaveJob(job):
        if not hasattr(job, "_environment"):
            raise TypeError("SaveJob(Job job)")
        job.saved += 1
