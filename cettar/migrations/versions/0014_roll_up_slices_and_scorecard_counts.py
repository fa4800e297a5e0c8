"""the roll-up split by region, district, channel, category and confidentiality; scorecard counts

The roll-up is derived data: both tables are rebuilt empty. `cettar db upgrade` rebuilds them from
the complaints when it finds them empty (or run `cettar sla rollup --all`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COUNTS = ('received', 'routed', 'resolved', 'reopened', 'responses', 'responded_within_sla', 'breaches')
NEW_COUNTS = ('finished', 'finished_first_time', 'public_responses', 'resolutions', 'resolved_within_sla')


def _period_columns(counts: Sequence[str]) -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_key', sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        sa.Column('first_response_histogram', sa.JSON(), nullable=False),
        sa.Column('resolution_histogram', sa.JSON(), nullable=False),
        sa.Column('refreshed_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    ]


def upgrade() -> None:
    op.drop_table('agency_running')
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_day_day'))
    op.drop_table('agency_day')
    op.create_table('agency_day',
    *_period_columns(COUNTS + NEW_COUNTS),
    sa.Column('still_open', sa.Integer(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('district_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_day')),
    sa.UniqueConstraint('day', 'agency_key', 'region_code', 'district_code', 'channel', 'category', 'confidential',
                        name=op.f('uq_agency_day_day_agency_key_region_code_district_code_channel_category_confidential'))
    )
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_day_day'), ['day'], unique=False)
        batch_op.create_index('ix_agency_day_agency_key_day', ['agency_key', 'day'], unique=False)
    op.create_table('agency_running',
    *_period_columns(COUNTS + NEW_COUNTS),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_running')),
    sa.UniqueConstraint('agency_key', 'day', name=op.f('uq_agency_running_agency_key_day'))
    )


def downgrade() -> None:
    op.drop_table('agency_running')
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.drop_index('ix_agency_day_agency_key_day')
        batch_op.drop_index(batch_op.f('ix_agency_day_day'))
    op.drop_table('agency_day')
    op.create_table('agency_day',
    *_period_columns(COUNTS),
    sa.Column('still_open', sa.Integer(), nullable=False, server_default='0'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_day')),
    sa.UniqueConstraint('agency_key', 'day', name=op.f('uq_agency_day_agency_key_day'))
    )
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_day_day'), ['day'], unique=False)
    op.create_table('agency_running',
    *_period_columns(COUNTS),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_running')),
    sa.UniqueConstraint('agency_key', 'day', name=op.f('uq_agency_running_agency_key_day'))
    )
