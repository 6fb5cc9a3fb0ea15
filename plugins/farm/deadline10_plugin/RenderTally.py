"""RenderTally's Deadline 10 event plugin: one report per finished, failed or cancelled job.

Copy this folder to <repository>/custom/events/RenderTally/ and set "Library Path" (the folder
holding RenderTally's ``rendertally`` package, e.g. a studio share) in Monitor ▸ Tools ▸
Configure Events. Deadline's event API: GetDeadlineEventListener / CleanupDeadlineEventListener
and DeadlineEventListener callbacks (https://docs.thinkboxsoftware.com/products/deadline/10.4/
1_User%20Manual/manual/event-plugins.html).
"""
import sys

from Deadline.Events import DeadlineEventListener
from Deadline.Scripting import RepositoryUtils


def GetDeadlineEventListener():
    return RenderTallyListener()


def CleanupDeadlineEventListener(listener):
    listener.Cleanup()


class RenderTallyListener(DeadlineEventListener):
    def __init__(self):
        super().__init__()
        self.OnJobSubmittedCallback += self.OnJobSubmitted
        self.OnJobFinishedCallback += self.OnJobFinished
        self.OnJobFailedCallback += self.OnJobFailed
        self.OnJobSuspendedCallback += self.OnJobSuspended
        self.OnJobDeletedCallback += self.OnJobDeleted

    def Cleanup(self):
        del self.OnJobSubmittedCallback
        del self.OnJobFinishedCallback
        del self.OnJobFailedCallback
        del self.OnJobSuspendedCallback
        del self.OnJobDeletedCallback

    def OnJobSubmitted(self, job):
        # Deadline sets no variable of its own in a render's environment: mark the job's tasks so
        # host plugins know a farm reports this job (rendertally.core.farmtask). Job environment
        # variables reach the render process ("Render Environment", Deadline's user manual).
        job.SetJobEnvironmentKeyValue("RENDERTALLY_FARM_TASK", "deadline10")
        RepositoryUtils.SaveJob(job)

    def OnJobFinished(self, job):
        self._report(job, "done")

    def OnJobFailed(self, job):
        self._report(job, "failed")

    def OnJobSuspended(self, job):
        self._report(job, "aborted")

    def OnJobDeleted(self, job):
        self._report(job, "aborted")

    def _report(self, job, status):
        library = self.GetConfigEntryWithDefault("LibraryPath", "").strip()
        if library and library not in sys.path:
            sys.path.append(library)  # appended: Deadline's own modules win
        try:
            from rendertally.plugins.farm.deadline_event import handle
        except ImportError as exc:
            # Never fail Deadline's event: say what to fix, once per event.
            self.LogWarning(f"RenderTally is not importable ({exc}); set Library Path in Configure Events")
            return
        handle(job, status, RepositoryUtils, say=self.LogInfo)
