"""the dashboard from running totals: media counts and the backlog in them; indexes for the newest
breaches and the roll-up rows still holding open complaints

The roll-up is derived data: its rows are removed, and `cettar db upgrade` rebuilds them (or run
`cettar sla rollup --all`).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 17:20:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


MEDIA = ('media_received', 'media_responses', 'media_within_sla')


def upgrade() -> None:
    op.execute('DELETE FROM agency_running')
    op.execute('DELETE FROM agency_day')
    for table, names in (('agency_day', MEDIA), ('agency_running', (*MEDIA, 'still_open'))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in names:
                batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('sla_clock', schema=None) as batch_op:
        batch_op.create_index('ix_sla_clock_name_status_deadline', ['name', 'status', 'deadline'], unique=False)
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.create_index('ix_agency_day_open', ['agency_key', 'day', 'still_open'], unique=False,
                              sqlite_where=sa.text('still_open > 0'), postgresql_where=sa.text('still_open > 0'))


def downgrade() -> None:
    for table, names in (('agency_day', MEDIA), ('agency_running', (*MEDIA, 'still_open'))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in names:
                batch_op.drop_column(name)
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.drop_index('ix_agency_day_open')
    with op.batch_alter_table('sla_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_clock_name_status_deadline')
