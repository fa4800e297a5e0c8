"""Adapters that turn each source (web form, news feeds, X) into one ``IncomingComplaint`` shape.

No database, no web framework: the ``cettar`` application persists what these produce.
"""

from ingest.incoming import IncomingComplaint, clean_text, has_control_characters

__all__ = ["IncomingComplaint", "clean_text", "has_control_characters"]
