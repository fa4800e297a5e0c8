"""Staff accounts for the dashboard tests (the staff suite's, one per role)."""

from tests.staff.conftest import accounts  # noqa: F401
