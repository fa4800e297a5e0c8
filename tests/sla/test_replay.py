"""The real Surabaya response times replayed through the SLA engine: each agency's share of
complaints first answered within 5 working days of submission (the data has no routing time, so
the clock starts at submission; submissions are read as Asia/Jakarta)."""

from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from classifier.data import read_rows
from sla.calendar import WorkingCalendar
from sla.clock import ClockSpec, ClockStatus, StatusChange, clock_state
from sla.duration import Duration

WIB = ZoneInfo("Asia/Jakarta")
RESPONSE = ClockSpec("first_response", Duration.parse("5wd"), frozenset({"received"}), frozenset({"responded"}))


def test_each_agencys_compliance_from_real_response_times(shared_data: Path) -> None:
    _, rows = read_rows(shared_data)
    calendar = WorkingCalendar()
    met: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    unanswered = 0
    for row in rows:
        submitted = datetime.fromisoformat(row["submitted_at"]).replace(tzinfo=WIB)
        changes = [StatusChange(submitted, "received")]
        if row["first_response_at"]:
            changes.append(StatusChange(datetime.fromisoformat(row["first_response_at"]).replace(tzinfo=WIB), "responded"))
        else:
            unanswered += 1
        state = clock_state(RESPONSE, changes, calendar=calendar, now=datetime(2023, 12, 31, tzinfo=WIB))
        total[row["agency"]] += 1
        met[row["agency"]] += state.status == ClockStatus.MET
        assert state.status in {ClockStatus.MET, ClockStatus.BREACHED}
    compliance = {agency: met[agency] / total[agency] for agency in total}
    overall = sum(met.values()) / sum(total.values())
    print(f"\n{len(rows)} complaints, {unanswered} never answered; answered within 5 working days: {overall:.1%}")
    for agency, share in sorted(compliance.items(), key=lambda item: -total[item[0]])[:12]:
        print(f"  {share:6.1%}  {total[agency]:5}  {agency}")
    assert len(rows) == 10_809 and 0.0 < overall < 1.0
    assert len(compliance) >= 27 and all(0.0 <= share <= 1.0 for share in compliance.values())
    # agencies differ: the replay tells them apart
    big = [share for agency, share in compliance.items() if total[agency] >= 300]
    assert max(big) - min(big) > 0.05
