"""The preferences' buttons: send pending jobs now, retry rejected jobs.

Neither waits on the network: sending runs on a background thread, retrying only marks rows.
"""
from typing import Any, Optional

import bpy
from rendertally.core.guard import guarded

from . import delivery, status
from .delivery import get_reporter


@guarded
def _send_pending(operator: Any) -> Optional[set]:
    reporter = get_reporter()
    pending = reporter.outbox.counts()["pending"]
    if not delivery.online():
        operator.report({"WARNING"}, "Blender's online access is off: turn it on in "
                                     f"{delivery.HOW_TO_GO_ONLINE}, then send again")
        return {"CANCELLED"}
    reason = reporter.transport.blocked_reason()
    if reason:
        operator.report({"ERROR"}, reason)
        return {"CANCELLED"}
    if not pending:
        operator.report({"INFO"}, "Nothing is waiting to be sent")
        return {"FINISHED"}
    delivery.send_now()
    status.forget()
    operator.report({"INFO"}, f"Sending {pending} job(s) in the background")
    return {"FINISHED"}


@guarded
def _retry_rejected(operator: Any) -> Optional[set]:
    count = get_reporter().retry_rejected()
    status.forget()
    if count and delivery.online():
        delivery.send_now()
    operator.report({"INFO"}, f"{count} rejected job(s) queued again" if count else "No rejected jobs")
    return {"FINISHED"}


class RENDERTALLY_OT_send_pending(bpy.types.Operator):
    """Send every job that is waiting, now, in the background"""

    bl_idname = "rendertally.send_pending"
    bl_label = "Send Pending Now"

    def execute(self, context):  # noqa: ARG002 - Blender's signature
        return _send_pending(self) or {"CANCELLED"}


class RENDERTALLY_OT_retry_rejected(bpy.types.Operator):
    """Queue every job the server rejected again (after fixing what it said), and send it"""

    bl_idname = "rendertally.retry_rejected"
    bl_label = "Retry Rejected"

    def execute(self, context):  # noqa: ARG002 - Blender's signature
        return _retry_rejected(self) or {"CANCELLED"}


CLASSES = (RENDERTALLY_OT_send_pending, RENDERTALLY_OT_retry_rejected)
