"""the request id of the request that filed a complaint, kept on its outbox row for its routing log line

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 11:10:25
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0025'
down_revision: Union[str, None] = '0024'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('intake_record', sa.Column('request_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('intake_record', schema=None) as batch_op:
        batch_op.drop_column('request_id')
