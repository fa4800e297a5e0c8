"""The kinds of source, in a module with no database imports (the ``cettar ingest`` commands read them)."""

from __future__ import annotations

from enum import StrEnum


class SourceKind(StrEnum):
    FEED = "feed"
    X_SEARCH = "x_search"  # target: a recent-search query
    X_MENTIONS = "x_mentions"  # target: the numeric user id whose mentions are read
