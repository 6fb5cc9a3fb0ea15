"""A loopback stand-in for OpenCue's Cuebot: the gRPC calls pycue makes for our reporter, no more.

Implements, with OpenCue's own generated service classes (``opencue_proto``):
- CueInterface.GetSystemStats — pycue's connection check when it opens a channel
  (opencue/cuebot.py, ``Cuebot.setChannel``);
- JobInterface.GetJobs — ``opencue.api.getJobs`` (criteria: shows, include_finished);
- JobInterface.GetLayers — ``Job.getLayers``;
- JobInterface.GetFrames — ``Job.getFrames`` (paged: page, limit).
Every other RPC is the generated servicer's default: UNIMPLEMENTED, so a call we did not expect
fails loudly. https://github.com/AcademySoftwareFoundation/OpenCue (proto/job.proto, cue.proto)
"""
from __future__ import annotations

import threading
from concurrent import futures

import grpc
from opencue_proto import cue_pb2, cue_pb2_grpc, job_pb2, job_pb2_grpc


class _Cue(cue_pb2_grpc.CueInterfaceServicer):
    def __init__(self, farm: "FakeCuebot") -> None:
        self.farm = farm

    def GetSystemStats(self, request, context):
        self.farm.calls.append("GetSystemStats")
        return cue_pb2.CueGetSystemStatsResponse(stats=cue_pb2.SystemStats())


class _Jobs(job_pb2_grpc.JobInterfaceServicer):
    def __init__(self, farm: "FakeCuebot") -> None:
        self.farm = farm

    def GetJobs(self, request, context):
        self.farm.calls.append("GetJobs")
        r = request.r
        with self.farm.lock:
            jobs = [job for job, _, _ in self.farm.jobs.values()
                    if (not r.shows or job.show in r.shows)
                    and (r.include_finished or job.state != job_pb2.FINISHED)]
        return job_pb2.JobGetJobsResponse(jobs=job_pb2.JobSeq(jobs=jobs))

    def GetLayers(self, request, context):
        self.farm.calls.append("GetLayers")
        _, layers, _ = self.farm.jobs[request.job.id]
        return job_pb2.JobGetLayersResponse(layers=job_pb2.LayerSeq(layers=layers))

    def GetFrames(self, request, context):
        self.farm.calls.append("GetFrames")
        _, _, frames = self.farm.jobs[request.job.id]
        page, limit = max(request.req.page, 1), request.req.limit or 1000
        chunk = frames[(page - 1) * limit:page * limit]
        return job_pb2.JobGetFramesResponse(frames=job_pb2.FrameSeq(frames=chunk))


class FakeCuebot:
    """``with FakeCuebot() as cue: cue.add_job(...); os.environ["CUEBOT_HOSTS"] = cue.address``."""

    def __init__(self) -> None:
        self.jobs: dict[str, tuple[job_pb2.Job, list[job_pb2.Layer], list[job_pb2.Frame]]] = {}
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        cue_pb2_grpc.add_CueInterfaceServicer_to_server(_Cue(self), self._server)
        job_pb2_grpc.add_JobInterfaceServicer_to_server(_Jobs(self), self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{self.port}"

    def add_job(self, job_id: str, name: str, *, show: str = "shot", state: int = job_pb2.FINISHED,
                services: tuple[str, ...] = ("maya", "arnold"), frames: list[tuple[int, int, int, int]] = (),
                layer: str = "render", start_time: int = 1_764_000_000) -> None:
        """frames: (number, FrameState, start_time, stop_time) each."""
        job = job_pb2.Job(id=job_id, name=name, show=show, state=state, start_time=start_time)
        layers = [job_pb2.Layer(id=f"{job_id}-l", name=layer, services=list(services), range="1-100")]
        made = [job_pb2.Frame(id=f"{job_id}-{n}-{i}", name=f"{n:04d}-{layer}", layer_name=layer, number=n,
                              state=s, start_time=t0, stop_time=t1)
                for i, (n, s, t0, t1) in enumerate(frames)]
        with self.lock:
            self.jobs[job_id] = (job, layers, made)

    def __enter__(self) -> FakeCuebot:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop(0)
