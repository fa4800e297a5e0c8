"""X (Twitter) API v2 through tweepy's ``Client``: recent search and the mentions timeline.

Rate limits are never slept through (``wait_on_rate_limit`` can sleep 15 minutes, longer than a
job's timeout): a 429, or a window with no requests left, comes back as the time to poll again.
Responses are read as plain ``requests`` responses so the rate-limit headers are visible; the
requests themselves are tweepy's (routes, parameters, auth, error classes).

``api_base`` points the client at another host (a gateway, a recording server in tests): every
request tweepy makes to ``https://api.twitter.com`` goes there instead, with a timeout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

TWEEPY_HOST = "https://api.twitter.com"
TWEET_FIELDS = ["created_at", "author_id", "conversation_id", "referenced_tweets", "lang"]


class RateLimited(Exception):
    def __init__(self, reset_at: datetime) -> None:
        super().__init__(f"rate limited until {reset_at.isoformat()}")
        self.reset_at = reset_at


class XError(Exception):
    """The API refused or failed (bad credentials, bad query, server error): the source's health."""


@dataclass(frozen=True)
class Post:
    id: str
    text: str
    author_id: str = ""
    author_handle: str = ""
    created_at: datetime | None = None
    conversation_id: str = ""
    reply_to_id: str | None = None
    is_retweet: bool = False
    lang: str = ""

    @property
    def url(self) -> str:
        return f"https://x.com/{self.author_handle or 'i'}/status/{self.id}"


@dataclass
class Page:
    posts: list[Post] = field(default_factory=list)
    newest_id: str | None = None
    exhausted_until: datetime | None = None  # no requests left in this window: poll again then


class _Redirect(HTTPAdapter):
    def __init__(self, base: str | None, timeout: float) -> None:
        super().__init__()
        self.base = base.rstrip("/") if base else None
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.base and request.url and request.url.startswith(TWEEPY_HOST):
            request.url = self.base + request.url[len(TWEEPY_HOST):]
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return super().send(request, **kwargs)


def _reset_time(headers: Mapping[str, str]) -> datetime | None:
    value = headers.get("x-rate-limit-reset")
    return datetime.fromtimestamp(int(value), UTC) if value and value.isdigit() else None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class XClient:
    def __init__(
        self,
        bearer_token: str,
        *,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
        access_token: str | None = None,
        access_token_secret: str | None = None,
        api_base: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.client = tweepy.Client(
            bearer_token=bearer_token, consumer_key=consumer_key, consumer_secret=consumer_secret,
            access_token=access_token, access_token_secret=access_token_secret,
            return_type=requests.Response, wait_on_rate_limit=False,
        )
        adapter = _Redirect(api_base, timeout)
        self.client.session.mount("https://", adapter)
        self.client.session.mount("http://", adapter)
        self.can_write = all((consumer_key, consumer_secret, access_token, access_token_secret))

    def search(self, query: str, *, since_id: str | None = None, max_results: int = 100, max_pages: int = 5) -> Page:
        return self._pages(self.client.search_recent_tweets, query, since_id=since_id, max_results=max_results,
                           max_pages=max_pages)

    def mentions(self, user_id: str, *, since_id: str | None = None, max_results: int = 100, max_pages: int = 5) -> Page:
        return self._pages(self.client.get_users_mentions, user_id, since_id=since_id, max_results=max_results,
                           max_pages=max_pages)

    def reply(self, *, in_reply_to: str, text: str) -> str:
        """Post a reply (user-context credentials needed); returns the new post's id."""
        if not self.can_write:
            raise XError("replies need the consumer key/secret and access token/secret")
        response = self._call(self.client.create_tweet, text=text, in_reply_to_tweet_id=in_reply_to)
        return str(response.json()["data"]["id"])

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> requests.Response:
        try:
            response: requests.Response = method(*args, **kwargs)
        except tweepy.TooManyRequests as exc:
            raise RateLimited(_reset_time(exc.response.headers) or datetime.now(UTC)) from exc
        except tweepy.TweepyException as exc:
            raise XError(f"{type(exc).__name__}: {exc}") from exc
        except requests.RequestException as exc:
            raise XError(f"{type(exc).__name__}: {exc}") from exc
        return response

    def _pages(self, method: Any, target: str, *, since_id: str | None, max_results: int, max_pages: int) -> Page:
        page = Page()
        token: str | None = None
        for _ in range(max_pages):
            params: dict[str, Any] = {
                "max_results": max(10, min(100, max_results)), "tweet_fields": TWEET_FIELDS,
                "expansions": ["author_id"], "user_fields": ["username"],
            }
            if since_id:
                params["since_id"] = since_id
            if token:
                params["pagination_token" if method == self.client.get_users_mentions else "next_token"] = token
            response = self._call(method, target, **params)
            body = response.json()
            users = {u["id"]: u.get("username", "") for u in body.get("includes", {}).get("users", [])}
            for raw in body.get("data", []) or []:
                references = {r.get("type"): r.get("id") for r in raw.get("referenced_tweets", []) or []}
                page.posts.append(Post(
                    id=str(raw["id"]), text=str(raw.get("text", "")), author_id=str(raw.get("author_id", "")),
                    author_handle=users.get(raw.get("author_id", ""), ""), created_at=_parse_time(raw.get("created_at")),
                    conversation_id=str(raw.get("conversation_id", "")), reply_to_id=references.get("replied_to"),
                    is_retweet="retweeted" in references or str(raw.get("text", "")).startswith("RT @"),
                    lang=str(raw.get("lang", "")),
                ))
            meta = body.get("meta", {})
            if page.newest_id is None and meta.get("newest_id"):
                page.newest_id = str(meta["newest_id"])  # the first page holds the newest
            if response.headers.get("x-rate-limit-remaining") == "0":
                page.exhausted_until = _reset_time(response.headers)
                break
            token = meta.get("next_token")
            if not token:
                break
        return page
