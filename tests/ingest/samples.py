"""Feeds shaped like Indonesian news outlets' RSS and Atom, written for the tests (made-up stories)."""

from __future__ import annotations

import hashlib
from email.utils import format_datetime
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

BASE = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)

POTHOLE = ("Warga Keluhkan Jalan Rusak dan Berlubang di Kenjeran Surabaya",
           "<p>SURABAYA - Warga Kenjeran mengeluhkan jalan rusak dan berlubang sepanjang 300 meter "
           "yang belum diperbaiki sejak Oktober. Sejumlah pengendara motor terjatuh saat hujan.</p>"
           "<p>Baca juga: <a href='https://example.test/lain'>Berita lain</a></p>")
DRAIN = ("Saluran Mampet, Permukiman di Rungkut Tergenang Setiap Hujan",
         "Saluran air di Rungkut mampet oleh sampah sehingga permukiman tergenang setinggi lutut.")
FOOTBALL = ("Persebaya Menang 2-1 atas Tamu dari Bandung",
            "Persebaya Surabaya memetik kemenangan di Stadion Gelora Bung Tomo, Minggu malam.")
CONCERT = ("Konser Musik Akbar Digelar di Surabaya Akhir Pekan Ini",
           "Ribuan penonton diperkirakan hadir dalam konser musik di kawasan Tunjungan.")


def rss(items: list[tuple[str, str]], *, outlet: str = "Kabar Jatim", guid_prefix: str = "kj",
        start: datetime = BASE, title_suffix: str = "") -> bytes:
    entries = []
    for n, (title, body) in enumerate(items):
        published = format_datetime(start - timedelta(hours=n))
        slug = hashlib.sha256(title.encode()).hexdigest()[:10]  # an outlet's id for its story
        entries.append(f"""
    <item>
      <title>{escape(title + title_suffix)}</title>
      <link>https://{guid_prefix}.example.test/berita/{slug}?utm_source=rss</link>
      <guid isPermaLink="false">{guid_prefix}-{slug}</guid>
      <pubDate>{published}</pubDate>
      <dc:creator>Redaksi</dc:creator>
      <description><![CDATA[{body}]]></description>
      <media:content url="https://{guid_prefix}.example.test/foto/{slug}.jpg" medium="image"/>
    </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>{escape(outlet)}</title>
    <link>https://{guid_prefix}.example.test/</link>
    <description>Berita Jawa Timur terkini</description>
    <language>id</language>{''.join(entries)}
  </channel>
</rss>""".encode("utf-8")


def atom(items: list[tuple[str, str]], *, outlet: str = "Warta Kota Atom") -> bytes:
    entries = []
    for n, (title, body) in enumerate(items):
        updated = (BASE - timedelta(hours=n)).isoformat().replace("+00:00", "Z")
        entries.append(f"""
  <entry>
    <title type="text">{escape(title)}</title>
    <id>tag:warta.example.test,2026:{n}</id>
    <link rel="alternate" href="https://warta.example.test/{n}"/>
    <updated>{updated}</updated>
    <content type="html">{escape(body)}</content>
  </entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{escape(outlet)}</title>
  <id>tag:warta.example.test,2026:feed</id>
  <updated>{BASE.isoformat().replace('+00:00', 'Z')}</updated>{''.join(entries)}
</feed>""".encode("utf-8")
