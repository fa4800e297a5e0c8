"""notifications name the assignee when they are queued

A queued notification used to say "assignee" and look the person up at delivery, which made the
staff notices depend on complaints. Now the sweep stores ``staff:<id>``; unsent rows of the old
form are rewritten to the complaint's current assignee (or marked sent when it has none, as the
old delivery would have found nobody). Rows sent before keep "assignee" as their history
(``RecipientKind.LEGACY_ASSIGNEE``).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 18:40:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute(
        "UPDATE notification SET recipient = 'staff:' || CAST((SELECT assignee_id FROM complaint "
        "WHERE complaint.id = notification.complaint_id) AS VARCHAR(20)) "
        "WHERE recipient = 'assignee' AND sent_at IS NULL AND (SELECT assignee_id FROM complaint "
        "WHERE complaint.id = notification.complaint_id) IS NOT NULL"
    )
    op.execute("UPDATE notification SET sent_at = created_at WHERE recipient = 'assignee' AND sent_at IS NULL")


def downgrade() -> None:
    op.execute("UPDATE notification SET recipient = 'assignee' WHERE recipient LIKE 'staff:%'")
