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
