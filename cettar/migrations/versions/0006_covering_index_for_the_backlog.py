"""covering index for the backlog

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:16:11.627874
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_status_agency_received', ['status', 'agency_id', 'received_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_status_agency_received')

