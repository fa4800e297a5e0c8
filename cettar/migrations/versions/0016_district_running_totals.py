"""running totals per district, for the dashboard's district table

The roll-up is derived data: its rows are removed, and `cettar db upgrade` rebuilds them, the
district totals with them (or run `cettar sla rollup --all`).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 17:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0016'
down_revision: Union[str, None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COUNTS = ('received', 'routed', 'resolved', 'reopened', 'responses', 'responded_within_sla', 'breaches', 'finished',
          'finished_first_time', 'public_responses', 'resolutions', 'resolved_within_sla', 'media_received',
          'media_responses', 'media_within_sla', 'still_open')


def upgrade() -> None:
    op.execute('DELETE FROM agency_running')
    op.execute('DELETE FROM agency_day')
    op.create_table('district_running',
    sa.Column('id', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
    sa.Column('first_response_histogram', sa.JSON(), nullable=False),
    sa.Column('resolution_histogram', sa.JSON(), nullable=False),
    sa.Column('refreshed_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('district_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_running')),
    sa.UniqueConstraint('district_code', 'day', name=op.f('uq_district_running_district_code_day'))
    )


def downgrade() -> None:
    op.drop_table('district_running')
