"""RQ jobs for the sources: a periodic look for sources due, and one poll job per source.

Both are safe to run twice or at once: a poll first claims its source (only one claim succeeds per
interval) and every item and complaint is keyed.
"""

from __future__ import annotations

import logging

from cettar.db import session_scope
from cettar.queue import DEFAULT_QUEUE, get_queue
from cettar.sources import service
from cettar.types import utcnow

log = logging.getLogger(__name__)

POLL_JOB = "cettar.sources.jobs.poll_source"


def poll_source(source_id: int) -> dict[str, object]:
    result = service.poll(session_scope, source_id=source_id, now=utcnow())
    return result.as_dict()


def poll_due_sources() -> int:
    """Send a poll job for every enabled source whose next poll is due."""
    with session_scope() as session:
        due = service.due_sources(session, now=utcnow())
    queue = get_queue(DEFAULT_QUEUE)
    for source_id in due:
        queue.enqueue(POLL_JOB, source_id, job_timeout=120, result_ttl=3600)
    return len(due)


REPLY_JOB = "cettar.sources.jobs.reply_on_x"


def reply_on_x(complaint_id: int) -> str:
    """Answer the post a complaint came from with its tracking link, once.

    Once: a Redis key taken with SET NX keeps two copies of the job from both posting, and the
    ``x_reply`` event recorded afterwards keeps a later run from posting again. The reply carries the
    code and the link only, never the text or the reporter; a complaint staff made confidential gets
    no public reply at all (its page opens only with a secret nobody on X has)."""
    from sqlmodel import select

    from cettar.complaint.models import ActorType, Complaint, ComplaintEvent, Privacy
    from cettar.complaint.workflow import record_event
    from cettar.queue import get_redis
    from cettar.settings import get_settings

    settings = get_settings()
    with session_scope() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None or complaint.source != service.X_SOURCE:
            return "not-an-x-complaint"
        if complaint.privacy == Privacy.CONFIDENTIAL:
            return "confidential"
        done = session.exec(select(ComplaintEvent.id).where(ComplaintEvent.complaint_id == complaint_id,
                                                            ComplaintEvent.kind == "x_reply")).first()
        if done is not None:
            return "already-replied"
        post_id, code = complaint.external_id, complaint.tracking_code
    if not get_redis().set(f"cettar:x-reply:{complaint_id}", "1", nx=True, ex=86400):
        return "in-progress-elsewhere"
    client = service.make_x_client()
    link = f"{settings.public_base_url}/lacak/{code}"
    reply_id = client.reply(in_reply_to=post_id,
                            text=f"Terima kasih, laporan Anda sudah kami terima dengan kode {code}. Pantau di {link}")
    with session_scope() as session:
        complaint = session.get(Complaint, complaint_id)
        assert complaint is not None
        record_event(session, complaint, kind="x_reply", actor_type=ActorType.SYSTEM, now=utcnow(),
                     data={"post_id": reply_id, "in_reply_to": post_id})
    return reply_id
