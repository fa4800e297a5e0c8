from tests.staff.conftest import accounts  # noqa: F401  (the staff accounts fixture, shared)
