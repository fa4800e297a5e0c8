"""running totals and the backlog in the roll-up

Existing daily rows get still_open = 0 and no running totals yet: run `cettar sla rollup --all`
once after upgrading.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:35:01.463731
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('agency_running',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_key', sa.Integer(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('routed', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('responded_within_sla', sa.Integer(), nullable=False),
    sa.Column('breaches', sa.Integer(), nullable=False),
    sa.Column('first_response_histogram', sa.JSON(), nullable=False),
    sa.Column('resolution_histogram', sa.JSON(), nullable=False),
    sa.Column('refreshed_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_running')),
    sa.UniqueConstraint('agency_key', 'day', name=op.f('uq_agency_running_agency_key_day'))
    )
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.add_column(sa.Column('still_open', sa.Integer(), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.drop_column('still_open')

    op.drop_table('agency_running')
