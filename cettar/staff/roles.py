"""Staff roles, in a module with no database imports (``cettar staff create --role`` lists them)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"  # works the own agency's queue
    SUPERVISOR = "supervisor"  # own agency: assigns, sees breaches
    TRIAGE = "triage"  # the triage desk, province-wide
    GOVERNOR = "governor"  # the governor's staff: reads everything, changes nothing
    ADMIN = "admin"  # agencies, staff, SLA policies, sources
