"""Fetching a feed over HTTP: conditional GET, a timeout, a size cap, a bounded number of redirects.

feedparser has no timeout and no size limit of its own, so the bytes are fetched here and handed
to it afterwards. Every failure comes back as a ``Fetched`` with ``error`` set, never as an
exception: one broken source must not stop the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

USER_AGENT = "CETTAR/0.1 (+https://github.com/cettar; complaint intake for Indonesian local government)"


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    status: int | None = None  # None when no answer came (timeout, refused, too many redirects)
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    client: httpx.Client | None = None,
) -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = client is None
    http = client or httpx.Client(follow_redirects=True, max_redirects=max_redirects, timeout=timeout)
    try:
        with http.stream("GET", url, headers=headers) as response:
            final = str(response.url)
            common = {"url": final, "status": response.status_code, "content_type": response.headers.get("content-type", "")}
            if response.status_code == 304:
                return Fetched(**common, etag=etag, last_modified=last_modified)
            if response.status_code >= 400:
                return Fetched(**common, error=f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                return Fetched(**common, error=f"too large: {int(declared):,} bytes (limit {max_bytes:,})")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return Fetched(**common, error=f"too large: more than {max_bytes:,} bytes")
                chunks.append(chunk)
            return Fetched(**common, body=b"".join(chunks), etag=response.headers.get("etag"),
                           last_modified=response.headers.get("last-modified"))
    except httpx.TooManyRedirects:
        return Fetched(url, error=f"more than {max_redirects} redirects")
    except httpx.TimeoutException:
        return Fetched(url, error=f"timed out after {timeout:g} s")
    except httpx.HTTPError as exc:
        return Fetched(url, error=f"{type(exc).__name__}: {exc}")
    finally:
        if own:
            http.close()
