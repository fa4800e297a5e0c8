"""Polling sources into the intake path.

A poll has three steps, so that no database transaction is held open across the network:
1. **claim** (short transaction): move the source's ``next_poll_at`` forward, only if it was due.
   Two workers given the same source: one claims it, the other finds it not due and returns.
2. **fetch** (no transaction): the feed or the X API, with timeouts and limits.
3. **record** (one transaction): a ``SourceItem`` per item seen for the first time, a complaint
   through ``intake_service.file_complaint`` for each relevant new story (its routing job is sent
   after the commit, like the form's), and the source's health, cursor and counts.

Running a poll twice is harmless: items are keyed by ``(source_id, item_key)`` and complaints by
``(source, external_id)``; a second run finds them and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cettar.audit import service as audit_service
from cettar.complaint import similar
from cettar.complaint.models import ActorType, Channel, Complaint, Privacy
from cettar.complaint.workflow import record_event
from cettar.errors import FieldError, NotFound
from cettar.intake import service as intake_service
from cettar.queue import DEFAULT_QUEUE, enqueue_after_commit
from cettar.region import service as region_service
from cettar.settings import get_settings
from cettar.sources.models import Health, Outcome, Source, SourceItem, SourceKind
from cettar.types import utcnow
from ingest import IncomingComplaint
from ingest.feeds import FeedItem, content_fingerprint, item_key, parse_feed
from ingest.fetch import Fetched, fetch
from ingest.incoming import Contact
from ingest.relevance import Relevance, judge
from classifier.flags import detect as detect_flags
from ingest.x import Page, Post, RateLimited, XClient, XError

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
DUPLICATE_WINDOW = timedelta(days=14)  # a story seen again within this is the same story
X_SOURCE = "x"  # every X post is filed under one source name: two queries giving one post file it once


class SourceError(ValueError):
    """A source that cannot be added or polled as asked, with what to do."""


@dataclass
class PollResult:
    source_id: int
    name: str
    status: str = "polled"  # polled | not-due | not-modified | failed | rate-limited | disabled
    seen: int = 0
    known: int = 0  # seen in an earlier poll
    created: int = 0
    duplicates: int = 0
    threaded: int = 0
    skipped: int = 0
    errors: int = 0
    error: str | None = None
    next_poll_at: datetime | None = None
    complaint_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["next_poll_at"] = self.next_poll_at.isoformat() if self.next_poll_at else None
        return data


# --- managing sources ----------------------------------------------------------------------------

def add_source(session: Session, *, kind: SourceKind, target: str, name: str = "", region_code: str | None = None,
               language: str = "id", poll_interval: int | None = None, backfill: int | None = None,
               enabled: bool = True, by: str = "system", now: datetime | None = None) -> tuple[Source, bool]:
    """Add a source, or return the existing one with the same kind and target (created=False); a new
    one is audited as ``source.add`` by ``by``."""
    settings = get_settings()
    target = target.strip()
    if kind == SourceKind.FEED and not target.lower().startswith(("http://", "https://")):
        raise SourceError(f"a feed needs an http:// or https:// URL, not {target!r}")
    if kind == SourceKind.X_MENTIONS and not target.isdigit():
        raise SourceError(f"the mentions timeline needs the account's numeric user id, not {target!r}")
    if not target:
        raise SourceError("the source needs a target (URL, query or user id)")
    if region_code:
        region = region_service.get(session, code=region_code)
        if region is None:
            raise SourceError(f"unknown city or regency {region_code!r} (see `cettar seed-demo` or `cettar directory load`)")
    existing = session.exec(select(Source).where(Source.kind == kind, Source.target == target)).first()
    if existing is not None:
        return existing, False
    source = Source(kind=kind, target=target, name=name or target[:200], region_code=region_code, language=language,
                    enabled=enabled, poll_interval=poll_interval or settings.ingest_poll_interval,
                    backfill=settings.ingest_backfill if backfill is None else backfill)
    session.add(source)
    session.flush()
    audit_service.record(session, by=by, action="source.add", target=source.target, now=now or utcnow(),
                         data={"kind": kind.value})
    return source, True


def listing(session: Session, *, skipped_limit: int = 50) -> tuple[list[Source], list[SourceItem]]:
    """Every source, and the latest items skipped or failed (what the sources page shows)."""
    sources = list(session.exec(select(Source).order_by(col(Source.id))))
    skipped = list(session.exec(select(SourceItem).where(col(SourceItem.outcome).in_([Outcome.SKIPPED, Outcome.ERROR]))
                                .order_by(col(SourceItem.id).desc()).limit(skipped_limit)))
    return sources, skipped


def set_enabled(session: Session, *, source_id: int, enabled: bool, by: str, now: datetime) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound("no such source", key="no_source")
    source.enabled = enabled
    session.add(source)
    audit_service.record(session, by=by, action="source.enable" if enabled else "source.disable",
                         target=source.target, now=now)
    return source


def x_unavailable_reason(kind: str) -> str | None:
    """Why an X source cannot run here, or None."""
    if kind == SourceKind.FEED:
        return None
    if not get_settings().x_bearer_token:
        return "no X credentials: set CETTAR_X_BEARER_TOKEN (and the four write keys for replies)"
    return None


def make_x_client() -> XClient:
    s = get_settings()
    return XClient(s.x_bearer_token, consumer_key=s.x_consumer_key or None, consumer_secret=s.x_consumer_secret or None,
                   access_token=s.x_access_token or None, access_token_secret=s.x_access_token_secret or None,
                   api_base=s.x_api_url or None, timeout=s.ingest_timeout)


def due_sources(session: Session, *, now: datetime) -> list[int]:
    query = select(Source.id).where(Source.enabled == True,  # noqa: E712
                                    (col(Source.next_poll_at).is_(None)) | (col(Source.next_poll_at) <= now))
    return [i for i in session.exec(query) if i is not None]


# --- polling -------------------------------------------------------------------------------------

def claim(session: Session, *, source_id: int, now: datetime, force: bool = False) -> bool:
    """Step 1: take the poll of this source for the next interval, if it is due (or ``force``)."""
    source = session.get(Source, source_id)
    if source is None or not source.enabled:
        return False
    condition = col(Source.id) == source_id
    if not force:
        condition &= col(Source.next_poll_at).is_(None) | (col(Source.next_poll_at) <= now)
    lease = now + timedelta(seconds=max(source.poll_interval, 60))
    result = session.execute(update(Source).where(condition).values(next_poll_at=lease))
    return bool(result.rowcount)  # type: ignore[attr-defined]


Fetcher = Callable[..., Fetched]


def poll(session_factory: Callable[[], object], *, source_id: int, now: datetime, force: bool = False,
         fetcher: Fetcher = fetch, x_client: XClient | None = None) -> PollResult:
    """Claim, fetch, record, each step in its own transaction from ``session_factory`` (a context
    manager giving a Session, like ``cettar.db.session_scope``)."""
    with session_factory() as session:  # type: ignore[attr-defined]
        source = session.get(Source, source_id)
        if source is None:
            raise SourceError(f"no source {source_id}")
        result = PollResult(source_id, source.name)
        reason = x_unavailable_reason(source.kind)
        if reason:
            source.health, source.last_error = Health.DISABLED, reason
            source.next_poll_at = now + timedelta(seconds=source.poll_interval)  # not every minute
            session.add(source)
            result.status, result.error = "disabled", reason
            return result
        if not claim(session, source_id=source_id, now=now, force=force):
            result.status = "not-due"
            return result
        snapshot = Source.model_validate(source.model_dump())
    settings = get_settings()
    if snapshot.kind == SourceKind.FEED:
        fetched = fetcher(snapshot.target, etag=snapshot.etag, last_modified=snapshot.last_modified,
                          timeout=settings.ingest_timeout, max_bytes=settings.ingest_max_bytes,
                          max_redirects=settings.ingest_max_redirects)
        with session_factory() as session:  # type: ignore[attr-defined]
            return _record_feed(session, source_id=source_id, fetched=fetched, now=now, result=result)
    client = x_client or make_x_client()
    try:
        if snapshot.kind == SourceKind.X_SEARCH:
            page = client.search(snapshot.target, since_id=snapshot.cursor)
        else:
            page = client.mentions(snapshot.target, since_id=snapshot.cursor)
    except RateLimited as limited:
        with session_factory() as session:  # type: ignore[attr-defined]
            return _rate_limited(session, source_id=source_id, until=limited.reset_at, now=now, result=result)
    except XError as exc:
        with session_factory() as session:  # type: ignore[attr-defined]
            return _failed(session, source_id=source_id, error=str(exc), now=now, result=result)
    with session_factory() as session:  # type: ignore[attr-defined]
        return _record_x(session, source_id=source_id, page=page, now=now, result=result)


def _locked_source(session: Session, source_id: int) -> Source:
    query = select(Source).where(Source.id == source_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    source = session.exec(query).one()
    return source


def _finish(session: Session, source: Source, result: PollResult, *, now: datetime, health: Health,
            error: str | None = None, next_poll_at: datetime | None = None) -> PollResult:
    source.last_poll_at = now
    source.health = health
    source.last_error = error
    if health in (Health.OK, Health.WARNING):
        source.failures = 0
        source.last_success_at = now
    source.next_poll_at = next_poll_at or now + timedelta(seconds=source.poll_interval)
    source.seen += result.seen
    source.created += result.created
    source.duplicates += result.duplicates + result.threaded
    source.skipped += result.skipped
    source.errors += result.errors + (1 if health == Health.ERROR else 0)
    source.last_counts = {k: v for k, v in result.as_dict().items() if k not in {"complaint_ids", "source_id", "name"}}
    session.add(source)
    session.flush()
    result.next_poll_at = source.next_poll_at
    result.error = error if health != Health.OK else None
    return result


def _failed(session: Session, *, source_id: int, error: str, now: datetime, result: PollResult) -> PollResult:
    source = _locked_source(session, source_id)
    source.failures += 1
    backoff = min(timedelta(seconds=source.poll_interval * 2 ** min(source.failures, 10)), MAX_BACKOFF)
    result.status = "failed"
    log.warning("source %s (%s) failed %d time(s): %s", source.id, source.name, source.failures, error)
    return _finish(session, source, result, now=now, health=Health.ERROR, error=error, next_poll_at=now + backoff)


def _rate_limited(session: Session, *, source_id: int, until: datetime, now: datetime, result: PollResult) -> PollResult:
    source = _locked_source(session, source_id)
    result.status = "rate-limited"
    return _finish(session, source, result, now=now, health=Health.RATE_LIMITED,
                   error=f"rate limited until {until.isoformat()}", next_poll_at=max(until, now + timedelta(seconds=5)))


def _known_keys(session: Session, source_id: int, keys: Iterable[str]) -> set[str]:
    keys = list(keys)
    if not keys:
        return set()
    query = select(SourceItem.item_key).where(SourceItem.source_id == source_id, col(SourceItem.item_key).in_(keys))
    return set(session.exec(query))


def _story_complaints(session: Session, fingerprints: list[str], now: datetime) -> dict[str, int]:
    """The complaint filed for each of these stories (by content fingerprint) in the last 14 days."""
    if not fingerprints:
        return {}
    query = (select(SourceItem.fingerprint, SourceItem.complaint_id)
             .where(col(SourceItem.fingerprint).in_(sorted(set(fingerprints))), col(SourceItem.complaint_id).is_not(None),
                    col(SourceItem.seen_at) >= now - DUPLICATE_WINDOW)
             .order_by(col(SourceItem.id).desc()))
    return {fingerprint: complaint_id for fingerprint, complaint_id in session.exec(query) if complaint_id is not None}


def _judged(title: str, text: str) -> Relevance:
    """The relevance lexicon's verdict, overruled by the intake lexicon: a fire or a bribe is a
    complaint even in words the relevance lexicon does not list."""
    relevance = judge(title, text)
    if relevance.relevant:
        return relevance
    found = detect_flags(text, title=title)
    if found.urgent:
        return Relevance(True, f"urgent: {found.urgent_why}")
    if found.sensitive:
        return Relevance(True, f"an integrity complaint: {found.sensitive_why}")
    return relevance


NEWS_CANDIDATES = 500  # the newest open news complaints a feed item is compared with
SAME_STORY = "the same story from another source"
RETOLD = "the same story in other words (similar.THRESHOLD)"


def _add_item(session: Session, item: SourceItem) -> bool:
    """Insert the item; False when another poll of the same source got there first."""
    try:
        with session.begin_nested():
            session.add(item)
            session.flush()
        return True
    except IntegrityError:
        return False


def _file(session: Session, incoming: IncomingComplaint, now: datetime) -> tuple[int | None, str | None]:
    try:
        with session.begin_nested():
            filed = intake_service.file_complaint(session, incoming=incoming, now=now)
        return filed.complaint.id, None
    except FieldError as exc:
        return None, str(exc)


def _record_feed(session: Session, *, source_id: int, fetched: Fetched, now: datetime, result: PollResult) -> PollResult:
    source = _locked_source(session, source_id)
    if fetched.error:
        return _failed(session, source_id=source_id, error=fetched.error, now=now, result=result)
    if fetched.not_modified:
        result.status = "not-modified"
        return _finish(session, source, result, now=now, health=Health.OK)
    parsed = parse_feed(fetched.body, content_type=fetched.content_type, url=fetched.url)
    if parsed.error:
        return _failed(session, source_id=source_id, error=parsed.error, now=now, result=result)
    source.etag, source.last_modified = fetched.etag, fetched.last_modified
    items: dict[str, FeedItem] = {}
    for item in parsed.items:  # a feed that repeats an entry: once
        items.setdefault(item.key, item)
    result.seen = len(items)
    known = _known_keys(session, source_id, items)
    result.known = len(known)
    fresh = [item for key, item in items.items() if key not in known]
    first_poll = source.last_success_at is None
    if first_poll and len(fresh) > source.backfill:
        order = sorted(fresh, key=lambda i: i.published.timestamp() if i.published else 0.0, reverse=True)
        fresh, too_old = order[: source.backfill], order[source.backfill:]
        _note_many(session, result, [(_item(source_id, item, Outcome.SKIPPED, f"older than the first poll's backfill "
                                            f"({source.backfill})"), "skipped") for item in too_old])
    _take_feed_items(session, source, fresh, now=now, result=result)
    return _finish(session, source, result, now=now, health=Health.WARNING if parsed.warning else Health.OK,
                   error=parsed.warning)


def _item(source_id: int, item: FeedItem, outcome: Outcome, reason: str = "", complaint_id: int | None = None) -> SourceItem:
    return SourceItem(source_id=source_id, item_key=item.key, fingerprint=item.fingerprint, complaint_id=complaint_id,
                      outcome=outcome, reason=reason[:500], title=item.title[:500], link=item.link[:2000],
                      published_at=item.published)


def _note_many(session: Session, result: PollResult, notes: list[tuple[SourceItem, str]]) -> list[SourceItem]:
    """Record the items in one flush and count them; one by one (``_note``) when a concurrent poll
    of the source recorded one of them first. Returns the items recorded."""
    try:
        with session.begin_nested():
            session.add_all([item for item, _ in notes])
            session.flush()
    except IntegrityError:
        copies = [(SourceItem.model_validate(item.model_dump(exclude={"id"})), counter) for item, counter in notes]
        return [item for item, counter in copies if _note(session, result, item, counter)]
    for _, counter in notes:
        setattr(result, counter, getattr(result, counter) + 1)
    return [item for item, _ in notes]


def _note(session: Session, result: PollResult, item: SourceItem, counter: str) -> bool:
    """Record the item and count it; False when a concurrent poll of the source recorded it first."""
    if not _add_item(session, item):
        return False
    setattr(result, counter, getattr(result, counter) + 1)
    return True


ItemMaker = Callable[[Outcome, str, "int | None"], SourceItem]


def _file_new(session: Session, result: PollResult, incoming: IncomingComplaint, make: ItemMaker, *, reason: str,
              now: datetime) -> int | None:
    """File the complaint through the intake path and record its item; the new complaint's id."""
    complaint_id, error = _file(session, incoming, now)
    if complaint_id is None:
        _note(session, result, make(Outcome.ERROR, error or "not filed", None), "errors")
        return None
    if not _note(session, result, make(Outcome.CREATED, reason, complaint_id), "created"):
        return None
    result.complaint_ids.append(complaint_id)
    return complaint_id


def _take_feed_items(session: Session, source: Source, items: list[FeedItem], *, now: datetime,
                     result: PollResult) -> None:
    """A poll's new items, each judged as before in the feed's order — the same story from another
    source, not a complaint, the same story in other words, or a new complaint — with one query, one
    similarity fit and one filing for the whole poll, and their items recorded in one flush."""
    assert source.id is not None
    source_id = source.id
    notes: list[tuple[SourceItem, str]] = []
    stories = _story_complaints(session, [item.fingerprint for item in items], now)
    relevant: list[tuple[FeedItem, Relevance]] = []
    for item in items:
        if item.fingerprint in stories:
            notes.append((_item(source_id, item, Outcome.DUPLICATE, SAME_STORY, stories[item.fingerprint]), "duplicates"))
            continue
        relevance = _judged(item.title, item.text)
        if not relevance.relevant:
            notes.append((_item(source_id, item, Outcome.SKIPPED, relevance.reason), "skipped"))
            continue
        relevant.append((item, relevance))
    index = similar.StoryIndex(similar.open_candidates(session, now=now, channel=Channel.NEWS, limit=NEWS_CANDIDATES)
                               if relevant else [], [f"{item.title}\n{item.text}" for item, _ in relevant])
    filing: list[int] = []  # positions in ``relevant`` of the new complaints, in the feed's order
    first_told: dict[str, int] = {}  # fingerprint -> the position filed for it
    later: dict[int, tuple[int, str]] = {}  # position -> (the position of the story it repeats, why)
    for n, (item, _) in enumerate(relevant):
        if item.fingerprint in first_told:
            later[n] = (first_told[item.fingerprint], SAME_STORY)
            continue
        match = index.retold(n, filing)
        if match is not None and match[0] is not None:  # another outlet's words for a story filed before
            notes.append((_item(source_id, item, Outcome.DUPLICATE, RETOLD, match[0].id), "duplicates"))
        elif match is not None and match[1] is not None:  # ... or for one this poll files
            later[n] = (match[1], RETOLD)
        else:
            first_told[item.fingerprint] = n
            filing.append(n)
    limit = get_settings().max_text_length
    filed = intake_service.file_many(session, now=now, incomings=[
        IncomingComplaint(text=(item.text or item.title)[:limit], title=item.title[:200], channel=Channel.NEWS,
                          source=f"feed:{source_id}", external_id=item.key, region_code=source.region_code,
                          privacy=Privacy.PUBLIC) for item, _ in (relevant[n] for n in filing)])
    complaint_of: dict[int, int] = {}
    for n, outcome in zip(filing, filed, strict=True):
        item, relevance = relevant[n]
        if isinstance(outcome, FieldError):
            notes.append((_item(source_id, item, Outcome.ERROR, str(outcome)), "errors"))
            continue
        assert outcome.complaint.id is not None
        complaint_of[n] = outcome.complaint.id
        notes.append((_item(source_id, item, Outcome.CREATED, relevance.reason, outcome.complaint.id), "created"))
    for n, (told, why) in later.items():
        if told in complaint_of:
            notes.append((_item(source_id, relevant[n][0], Outcome.DUPLICATE, why, complaint_of[told]), "duplicates"))
        else:
            notes.append((_item(source_id, relevant[n][0], Outcome.ERROR, "not filed: the story it repeats could not be filed"),
                          "errors"))
    recorded = _note_many(session, result, notes)
    result.complaint_ids += [item.complaint_id for item in recorded
                             if item.outcome == Outcome.CREATED and item.complaint_id is not None]


def _post_item(source_id: int, post: Post, outcome: Outcome, reason: str = "", complaint_id: int | None = None) -> SourceItem:
    return SourceItem(source_id=source_id, item_key=item_key("x", post.id), fingerprint=content_fingerprint("", post.text),
                      complaint_id=complaint_id, outcome=outcome, reason=reason[:500], title=post.text[:120],
                      link=post.url, published_at=post.created_at)


def _complaint_of_post(session: Session, post_id: str) -> Complaint | None:
    return intake_service.find_by_source(session, source=X_SOURCE, external_id=post_id)


def _record_x(session: Session, *, source_id: int, page: Page, now: datetime, result: PollResult) -> PollResult:
    source = _locked_source(session, source_id)
    assert source.id is not None
    posts: dict[str, Post] = {}
    for post in page.posts:
        posts.setdefault(post.id, post)
    result.seen = len(posts)
    known = _known_keys(session, source_id, (item_key("x", p) for p in posts))
    result.known = len(known)
    for post in sorted(posts.values(), key=lambda p: int(p.id) if p.id.isdigit() else 0):
        if item_key("x", post.id) in known:
            continue
        _take_post(session, source, post, now=now, result=result)
    if page.newest_id:
        source.cursor = page.newest_id
    next_poll = page.exhausted_until if page.exhausted_until and page.exhausted_until > now else None
    return _finish(session, source, result, now=now, health=Health.OK, next_poll_at=next_poll)


def _take_post(session: Session, source: Source, post: Post, *, now: datetime, result: PollResult) -> None:
    assert source.id is not None
    source_id = source.id

    def make(outcome: Outcome, reason: str, complaint_id: int | None) -> SourceItem:
        return _post_item(source_id, post, outcome, reason, complaint_id)

    if post.is_retweet:
        _note(session, result, make(Outcome.SKIPPED, "a repost (retweet)", None), "skipped")
        return
    existing = _complaint_of_post(session, post.id)
    if existing is not None:  # the same post from another query
        _note(session, result, make(Outcome.DUPLICATE, "the same post from another query", existing.id), "duplicates")
        return
    parent = None
    for parent_id in filter(None, (post.reply_to_id, post.conversation_id if post.conversation_id != post.id else None)):
        parent = _complaint_of_post(session, parent_id)
        if parent is not None:
            break
    if parent is not None:
        if _note(session, result, make(Outcome.THREADED, "a reply to a post that has a complaint", parent.id), "threaded"):
            record_event(session, parent, kind="source_reply", actor_type=ActorType.CITIZEN, now=now,
                         internal_note=post.text, data={"channel": "x", "post_id": post.id})
        return
    relevance = _judged("", post.text)
    if not relevance.relevant:
        _note(session, result, make(Outcome.SKIPPED, relevance.reason, None), "skipped")
        return
    incoming = IncomingComplaint(text=post.text, title="", channel=Channel.SOCIAL, source=X_SOURCE, external_id=post.id,
                                 region_code=source.region_code, privacy=Privacy.ANONYMOUS,
                                 contact=Contact(handle=f"x:{post.author_handle or post.author_id}"))
    complaint_id = _file_new(session, result, incoming, make, reason=relevance.reason, now=now)
    settings = get_settings()
    if complaint_id is not None and settings.x_reply and all(
            (settings.x_consumer_key, settings.x_consumer_secret, settings.x_access_token, settings.x_access_token_secret)):
        enqueue_after_commit(session, DEFAULT_QUEUE, "cettar.sources.jobs.reply_on_x", complaint_id)
