"""The one list of periodic jobs. ``cettar scheduler`` enqueues them; workers run them.

Every periodic job is safe to run twice and concurrently, so running more than one scheduler
(for example one per machine) costs a little duplicate work and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cettar.complaint import jobs as complaint_jobs
from cettar.intake import jobs as intake_jobs
from cettar.learning import jobs as learning_jobs
from cettar.metrics import jobs as metrics_jobs
from cettar.queue import DEFAULT_QUEUE
from cettar.settings import Settings
from cettar.sources import jobs as source_jobs
from cettar.staff import jobs as staff_jobs


@dataclass(frozen=True)
class PeriodicJob:
    func: Callable[[], object]
    interval_seconds: int
    queue: str = DEFAULT_QUEUE
    timeout_seconds: int | None = None  # RQ's default (180 s) when None


def periodic_jobs(settings: Settings) -> list[PeriodicJob]:
    return [
        PeriodicJob(intake_jobs.sweep_intake, settings.intake_sweep_interval),
        PeriodicJob(complaint_jobs.sweep_clocks, settings.sla_sweep_interval),
        PeriodicJob(complaint_jobs.send_due_reporter_messages, settings.notify_interval),
        PeriodicJob(metrics_jobs.refresh_rollup, settings.rollup_interval),
        PeriodicJob(staff_jobs.deliver_notifications, settings.notify_interval),
        PeriodicJob(source_jobs.poll_due_sources, settings.ingest_schedule_interval),
        *([PeriodicJob(learning_jobs.retrain_if_due, min(learning_jobs.CHECK_INTERVAL, settings.retrain_interval),
                       timeout_seconds=learning_jobs.RETRAIN_TIMEOUT)] if settings.retrain_interval else []),
    ]
