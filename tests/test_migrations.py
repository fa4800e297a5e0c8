from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import cettar.models  # noqa: F401
from cettar.db import get_engine, make_engine, metadata
from cettar.migrate import downgrade, upgrade


def test_the_migrations_match_the_models(database_url: str) -> None:
    with get_engine().connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_the_migrations_go_down_and_up_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    engine = make_engine(url)
    assert {"complaint", "complaint_event", "intake_record", "agency", "region"} <= set(inspect(engine).get_table_names())
    downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(url)
    assert "complaint" in inspect(engine).get_table_names()
    engine.dispose()


def test_queued_assignee_notifications_name_the_person_after_0017(tmp_path: Path) -> None:
    """A notification queued for "assignee" before 0017 is delivered to that person after it; one for a
    complaint nobody held is closed, as the old delivery would have found nobody."""
    import sqlite3

    from cettar.migrate import upgrade
    from cettar.staff.models import Recipient, RecipientKind

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0016")
    db = sqlite3.connect(tmp_path / "old.db")
    db.execute("INSERT INTO staff (id, email, name, role, password_hash, active, created_at) "
               "VALUES (7, 'p@dinas.test', 'P', 'officer', 'x', 1, '2026-01-01 00:00:00')")
    for number, assignee in ((1, 7), (2, None)):
        db.execute("INSERT INTO complaint (id, tracking_code, title, text, channel, source, external_id, address, privacy, "
                   "status, assignee_id, priority, received_at, updated_at) VALUES (?, ?, '', 't', 'web', 'web', ?, '', "
                   "'public', 'dispositioned', ?, 'normal', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                   (number, f"CTR-{number}", f"e{number}", assignee))
        db.execute("INSERT INTO notification (complaint_id, recipient, kind, day, clock, created_at, send_after) "
                   "VALUES (?, 'assignee', 'sla_breach', '2026-01-02', 'first_response', '2026-01-01', '2026-01-02')",
                   (number,))
    db.commit()
    upgrade(url)
    rows = dict((c, (r, s)) for c, r, s in db.execute("SELECT complaint_id, recipient, sent_at FROM notification"))
    assert rows[1] == ("staff:7", None) and Recipient.parse(rows[1][0]) == Recipient(RecipientKind.STAFF, "7")
    assert rows[2][0] == "assignee" and rows[2][1] is not None
    assert Recipient.parse(rows[2][0]).kind == RecipientKind.LEGACY_ASSIGNEE
