"""SLA policies: which clocks apply to a complaint, chosen by its agency, category, priority and
channel; the most specific policy that matches wins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sla.clock import ClockSpec
from sla.duration import Duration

OPEN_AGAIN = frozenset({"reopened"})


@dataclass(frozen=True)
class Policy:
    name: str
    clocks: tuple[ClockSpec, ...]
    agency: str | None = None
    category: str | None = None
    priority: str | None = None
    channel: str | None = None

    def conditions(self) -> dict[str, str]:
        return {k: v for k, v in (("agency", self.agency), ("category", self.category),
                                  ("priority", self.priority), ("channel", self.channel)) if v is not None}

    def matches(self, facts: dict[str, str | None]) -> bool:
        return all(facts.get(key) == value for key, value in self.conditions().items())


def choose_policy(policies: Sequence[Policy], *, agency: str | None = None, category: str | None = None,
                  priority: str | None = None, channel: str | None = None) -> Policy:
    """The matching policy with the most conditions; among equals, the one listed first."""
    facts = {"agency": agency, "category": category, "priority": priority, "channel": channel}
    matching = [p for p in policies if p.matches(facts)]
    if not matching:
        raise LookupError("no SLA policy matches; keep a policy without conditions as the default")
    return max(matching, key=lambda p: (len(p.conditions()), -policies.index(p)))


def sp4n_lapor_clocks(*, resolution: Duration = Duration.parse("10wd")) -> tuple[ClockSpec, ...]:
    """The national reference (SP4N-LAPOR!): verify and route within 3 working days of receipt,
    the agency's first response within 5 working days of routing, a resolution target, and
    closing 10 working days after the agency's response when the citizen does not reply."""
    return (
        ClockSpec("verification", Duration.parse("3wd"), start_on=frozenset({"received"}),
                  stop_on=frozenset({"dispositioned", "rejected"})),
        # the *first* response: a reopen restarts the resolution clock, not this one
        ClockSpec("first_response", Duration.parse("5wd"), start_on=frozenset({"dispositioned"}),
                  stop_on=frozenset({"responded", "resolved", "closed", "rejected", "triage"})),
        ClockSpec("resolution", resolution, start_on=frozenset({"dispositioned"}),
                  stop_on=frozenset({"resolved", "closed", "rejected", "triage"}), restart_on=OPEN_AGAIN),
        ClockSpec("auto_close", Duration.parse("10wd"), start_on=frozenset({"responded"}),
                  stop_on=frozenset({"in_progress", "waiting_citizen", "resolved", "closed", "reopened", "triage"}),
                  pause_on=frozenset()),
    )


URGENT_CATEGORIES = ("fire", "flood", "disaster", "emergency")  # emergency: accidents with victims, medical, missing children, live wires

DEFAULT_POLICIES: tuple[Policy, ...] = (
    Policy("sp4n-lapor", sp4n_lapor_clocks()),
    *(
        Policy(f"urgent-{category}", (
            ClockSpec("verification", Duration.parse("2h"), start_on=frozenset({"received"}),
                      stop_on=frozenset({"dispositioned", "rejected"})),
            ClockSpec("first_response", Duration.parse("6h"), start_on=frozenset({"dispositioned"}),
                      stop_on=frozenset({"responded", "resolved", "closed", "rejected", "triage"})),
            ClockSpec("resolution", Duration.parse("72h"), start_on=frozenset({"dispositioned"}),
                      stop_on=frozenset({"resolved", "closed", "rejected", "triage"}), restart_on=OPEN_AGAIN),
        ), category=category)
        for category in URGENT_CATEGORIES
    ),
)


def with_durations(name: str, durations: dict[str, Duration], *, base: tuple[ClockSpec, ...] | None = None,
                   agency: str | None = None, category: str | None = None, priority: str | None = None,
                   channel: str | None = None) -> Policy:
    """A policy whose clocks are ``base`` (SP4N-LAPOR!'s by default) with the durations named in
    ``durations`` replaced; a name that is not one of the base clocks is an error."""
    from dataclasses import replace

    clocks = base or sp4n_lapor_clocks()
    unknown = set(durations) - {c.name for c in clocks}
    if unknown:
        raise ValueError(f"no clock named {', '.join(sorted(unknown))} (clocks: {', '.join(c.name for c in clocks)})")
    return Policy(name, tuple(replace(c, duration=durations.get(c.name, c.duration)) for c in clocks),
                  agency=agency, category=category, priority=priority, channel=channel)
