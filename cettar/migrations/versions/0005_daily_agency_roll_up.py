"""daily agency roll-up

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:07:51.024854
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('agency_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_key', sa.Integer(), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
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
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_day')),
    sa.UniqueConstraint('agency_key', 'day', name=op.f('uq_agency_day_agency_key_day'))
    )
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_day_day'), ['day'], unique=False)

    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('sla_clock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_clock_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sla_clock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_clock_updated_at'))

    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_updated_at'))

    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_day_day'))

    op.drop_table('agency_day')
