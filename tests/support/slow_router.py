"""A router that stalls on its first call, so a test can kill the worker in the middle of a job.

Loaded by workers through ``CETTAR_ROUTER=tests.support.slow_router:SlowRouter``. The first call
writes ``CETTAR_TEST_MARKER`` and sleeps; once the marker exists it routes with the shipped model.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from classifier import RoutingDecision
from classifier import artefact
from classifier.predict import ModelRouter
from classifier.shipped import SHIPPED_MODEL


class SlowRouter:
    def __init__(self) -> None:
        self.marker = Path(os.environ["CETTAR_TEST_MARKER"])
        self.inner = ModelRouter(artefact.load(SHIPPED_MODEL))

    def route(self, text: str, *, title: str = "") -> RoutingDecision:
        if not self.marker.exists():
            self.marker.write_text(str(os.getpid()))
            time.sleep(60)
        return self.inner.route(text, title=title)
