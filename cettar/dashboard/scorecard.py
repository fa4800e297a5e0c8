"""The CETTAR scorecard: one defined figure per letter of the motto, computed from the roll-up.

Every letter is a share or a median over a sample of complaints; below the minimum sample the
letter has no value (the page shows "—" and the sample size), because a median of three says
nothing about an agency. The definitions are explained to readers on /staf/dasbor/cara-hitung.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cettar.metrics.models import COUNTED
from cettar.metrics.service import histogram_percentile

DEFAULT_MIN_SAMPLE = 10  # ranks 18-21 of ~30 Surabaya agencies in each quarter of the real history, 28 of 32 over all of it
LETTERS = ("cepat", "efektif", "tanggap", "transparan", "akuntabel", "responsif")


@dataclass
class Figures:
    """The roll-up's counts for one group of complaints (an agency, a district, a week, the
    province), and the histogram of their first-response times."""

    received: int = 0
    routed: int = 0
    resolved: int = 0
    reopened: int = 0
    responses: int = 0
    responded_within_sla: int = 0
    breaches: int = 0
    finished: int = 0
    finished_first_time: int = 0
    public_responses: int = 0
    resolutions: int = 0
    resolved_within_sla: int = 0
    media_received: int = 0
    media_responses: int = 0
    media_within_sla: int = 0
    still_open: int = 0
    ratings: int = 0
    rating_points: int = 0
    satisfied: int = 0
    first_response: dict[int, int] = field(default_factory=dict)
    backlog: dict[str, int] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        for name in COUNTED:  # every count field, in the roll-up's order
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for bucket, count in other.first_response.items():
            self.first_response[bucket] = self.first_response.get(bucket, 0) + count
        for age, count in other.backlog.items():
            self.backlog[age] = self.backlog.get(age, 0) + count

    @property
    def median_hours(self) -> float | None:
        return histogram_percentile(self.first_response, 0.5)

    @property
    def p90_hours(self) -> float | None:
        return histogram_percentile(self.first_response, 0.9)

    @property
    def within_sla_share(self) -> float | None:
        return self.responded_within_sla / self.responses if self.responses else None

    @property
    def mean_rating(self) -> float | None:
        """The reporters' mean rating, 1 (bad) … 5 (good), to one decimal."""
        return round(self.rating_points / self.ratings, 1) if self.ratings else None

    @property
    def satisfied_share(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog.values())




@dataclass(frozen=True)
class Letter:
    key: str  # one of LETTERS
    value: float | None  # None below the minimum sample
    sample: int
    unit: str  # "hours" or "percent"

    @property
    def shown(self) -> bool:
        return self.value is not None


def _share(part: int, whole: int, min_sample: int) -> float | None:
    return round(100 * part / whole, 1) if whole >= min_sample and whole else None


def letters(f: Figures, *, min_sample: int) -> list[Letter]:
    """The six letters, in the motto's order."""
    median = f.median_hours if f.responses >= min_sample else None
    return [
        # Cepat: median office hours from routing to the agency's first response (pauses excluded)
        Letter("cepat", median, f.responses, "hours"),
        # Efektif-efisien: of the complaints finished (resolved or closed), the share never reopened
        Letter("efektif", _share(f.finished_first_time, f.finished, min_sample), f.finished, "percent"),
        # Tanggap: of the complaints picked up from news and social media, the share answered within the SLA
        Letter("tanggap", _share(f.media_within_sla, f.media_responses, min_sample), f.media_responses, "percent"),
        # Transparan: of the complaints routed to an agency, the share with a public answer from staff
        Letter("transparan", _share(f.public_responses, f.routed, min_sample), f.routed, "percent"),
        # Akuntabel: of the complaints staff resolved, the share resolved within the resolution SLA
        Letter("akuntabel", _share(f.resolved_within_sla, f.resolutions, min_sample), f.resolutions, "percent"),
        # Responsif: of the first responses, the share within the first-response SLA
        Letter("responsif", _share(f.responded_within_sla, f.responses, min_sample), f.responses, "percent"),
    ]
