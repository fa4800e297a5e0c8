"""RSS and Atom feeds: bytes in, plain-text items out.

feedparser sanitises only the fields it knows to be HTML (a ``<script>`` in an RSS title comes
back as it was), so every field is turned into plain text here: tags dropped, the content of
``script``/``style`` dropped, entities decoded. What is stored is text; pages escape it again.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any

import feedparser

from ingest.incoming import clean_text

MAX_TEXT = 20_000  # characters kept of one entry; a feed entry is a news story, not a book
_INVISIBLE = {"script", "style", "template", "noscript", "iframe", "object"}
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self.hidden += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(value: str, *, limit: int = MAX_TEXT) -> str:
    """Plain text of an HTML fragment (or of plain text that merely looks like it)."""
    if "<" in value or "&" in value:
        parser = _TextOnly()
        parser.feed(value)
        parser.close()
        value = unescape("".join(parser.parts))
    value = _CONTROL.sub("", value)
    return clean_text(value)[:limit]


@dataclass(frozen=True)
class FeedItem:
    key: str  # stable identity within its feed: a hash of the entry id, else the link, else the text
    title: str
    text: str
    link: str = ""
    published: datetime | None = None

    @property
    def fingerprint(self) -> str:
        return content_fingerprint(self.title, self.text)


@dataclass
class ParsedFeed:
    items: list[FeedItem] = field(default_factory=list)
    title: str = ""
    warning: str | None = None  # parsed, but not cleanly (bozo): kept as the feed's health
    error: str | None = None  # nothing usable


def _published(entry: Any) -> datetime | None:
    for name in ("published_parsed", "updated_parsed"):
        value = entry.get(name)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def item_key(*parts: str) -> str:
    """Job ids and unique keys allow a narrow alphabet: feed GUIDs are hashed."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def parse_feed(body: bytes, *, content_type: str = "", url: str = "") -> ParsedFeed:
    headers = {"content-type": content_type} if content_type else {}
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is lenient, but a parser bug must not stop the poll of others
        return ParsedFeed(error=f"unreadable: {type(exc).__name__}: {exc}")
    result = ParsedFeed(title=html_to_text(parsed.feed.get("title", ""), limit=300))
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        result.warning = f"{type(problem).__name__}: {problem}" if problem else "malformed feed"
    if not parsed.get("version") and not parsed.entries:
        result.error = "not a feed (no RSS or Atom found)" + (f": {result.warning}" if result.warning else "")
        result.warning = None
        return result
    for entry in parsed.entries:
        title = html_to_text(entry.get("title", ""), limit=500)
        content = entry.get("content") or []
        body_html = content[0].get("value", "") if content else entry.get("summary", "")
        text = html_to_text(body_html)
        if not title and not text:
            continue
        link = str(entry.get("link", ""))[:2000]
        identity = str(entry.get("id") or link or f"{title}\n{text[:500]}")
        result.items.append(FeedItem(key=item_key(identity), title=title, text=text, link=link,
                                     published=_published(entry)))
    return result


# --- the same story from several outlets --------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_STOP = frozenset(
    "yang dan di ke dari untuk dengan pada ini itu dalam tidak akan juga oleh karena sudah telah ada "
    "bagi para atau serta agar saat kata bahwa the a an of to in on for and is are".split()
)
_OUTLET_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")  # "… - Kompas.com", "… | detikJatim"


def _content_words(value: str) -> set[str]:
    return {w for w in _WORD.findall(value.lower()) if w not in _STOP and (len(w) > 1 or w.isdigit())}


def content_fingerprint(title: str, text: str) -> str:
    """The same story republished (another outlet's copy of a wire story, a repost with other
    spacing, case, punctuation, outlet name or tracking link) gives the same fingerprint. A title
    of five content words or more identifies the story by itself (outlets add their own datelines
    to the text); a shorter or missing title is joined by the opening of the text. Words are taken
    as a set, so their order and repetition do not matter. A story that another outlet rewrote in
    its own words is a different text, and stays a separate complaint until staff merge them."""
    words = _content_words(_OUTLET_SUFFIX.sub("", title.strip()))
    if len(words) < 5:
        words |= _content_words(" ".join(text.split()[:60]))
    return hashlib.sha256(" ".join(sorted(words)).encode("utf-8")).hexdigest()[:32]
