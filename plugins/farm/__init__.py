"""Farm-level reporting: one report per farm job, from the farm manager, not from each node.

A farm splits one job into tasks over many render nodes; each node's host plugin would report
its own chunk. With farm-level reporting on (setting ``farm_reporting``, usually fixed in the
studio's site config), the nodes stay quiet (:mod:`rendertally.core.farmtask`) and the
manager's finished job is reported once, with its frames and summed task render time.

- :mod:`.record`: a finished farm job as plain facts → :class:`~rendertally.core.job.RenderJob`;
- :mod:`.ledger`: which farm jobs were reported already (kept beside the outbox);
- :mod:`.opencue`: a poller over OpenCue's ``pycue`` client (``rendertally farm opencue``);
- :mod:`.deadline_cloud`: AWS Deadline Cloud over boto3's ``deadline`` client;
- :mod:`.deadline10`: Thinkbox Deadline 10 job facts, for the event plugin in ``deadline10_plugin/``;
- :mod:`.cli`: the ``rendertally farm`` commands.

Each manager's own modules are imported only by its module here, and only when used.
"""
