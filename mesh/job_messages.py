"""The job messages: one typed model per queue and kind, the contract between the services that
publish jobs and the consumers that run them (as the protos are for RPCs).

Publishers build a model and send `model.body()`; each queue's handler gets the parsed model
(`parse`). A body that does not fit its queue's model is refused at once: no retry can fix it, so
it goes straight to the dead-letter queue with the validation error as its reason. Unknown extra
fields are ignored, so a newer publisher does not break an older consumer during a rollout.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

ScanId = Annotated[str, Field(min_length=1, max_length=64)]


class Job(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class ScanJob(Job):
    """q.ai: classify a stored scan (again, for `reclassify`) and store its result."""

    scan_id: ScanId
    user_id: str = ""
    reclassify: bool = False


class ExpireImages(Job):
    kind: Literal["expire_images"] = "expire_images"
    limit: int = Field(default=1000, ge=1, le=100_000)


class RefreshOpenData(Job):
    kind: Literal["refresh_open_data"] = "refresh_open_data"


class PlanReclassification(Job):
    kind: Literal["plan_reclassification"] = "plan_reclassification"


class Reclassify(Job):
    """q.batch: one scan whose result came from an older model."""

    kind: Literal["reclassify"] = "reclassify"
    scan_id: ScanId


class KakaoSync(Job):
    """q.api: drop-offs for one query around a point, from Kakao Local."""

    kind: Literal["kakao_sync"] = "kakao_sync"
    query: str = Field(min_length=1, max_length=100)
    lat: float = Field(ge=-90, le=90, strict=True)
    lon: float = Field(ge=-180, le=180, strict=True)
    radius_m: int = Field(default=2000, ge=1, le=20_000, strict=True)
    category: str = ""


SchedJob = Annotated[ExpireImages | RefreshOpenData | PlanReclassification, Field(discriminator="kind")]

_QUEUES: dict[str, TypeAdapter[Any]] = {
    "q.ai": TypeAdapter(ScanJob),
    "q.sched": TypeAdapter(SchedJob),
    "q.batch": TypeAdapter(Reclassify),
    "q.api": TypeAdapter(KakaoSync),
}


class InvalidJob(ValueError):
    """A message that does not fit its queue: dead-lettered without a retry."""


def parse(queue: str, body: Any) -> Job:
    try:
        return _QUEUES[queue].validate_python(body)
    except KeyError:
        raise InvalidJob(f"no message type for queue {queue!r}") from None
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise InvalidJob(f"invalid {queue} message: {details}") from None
