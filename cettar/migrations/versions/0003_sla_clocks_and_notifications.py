"""sla clocks and notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:34:12.813370
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('clock', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('created_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('send_after', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_notification_complaint_id_complaint')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('complaint_id', 'recipient', 'day', name=op.f('uq_notification_complaint_id_recipient_day'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_send_after'), ['send_after'], unique=False)

    op.create_table('sla_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('policy', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('started_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('warn_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('stopped_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('allowed_seconds', sa.Integer(), nullable=False),
    sa.Column('elapsed_seconds', sa.Integer(), nullable=False),
    sa.Column('warned_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('breached_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalate_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_sla_clock_agency_id_agency')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_sla_clock_complaint_id_complaint')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_clock')),
    sa.UniqueConstraint('complaint_id', 'name', name=op.f('uq_sla_clock_complaint_id_name'))
    )
    with op.batch_alter_table('sla_clock', schema=None) as batch_op:
        batch_op.create_index('ix_sla_clock_agency_status', ['agency_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_sla_clock_escalate_at'), ['escalate_at'], unique=False)
        batch_op.create_index('ix_sla_clock_status_deadline', ['status', 'deadline'], unique=False)
        batch_op.create_index('ix_sla_clock_status_warn_at', ['status', 'warn_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sla_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_clock_status_warn_at')
        batch_op.drop_index('ix_sla_clock_status_deadline')
        batch_op.drop_index(batch_op.f('ix_sla_clock_escalate_at'))
        batch_op.drop_index('ix_sla_clock_agency_status')

    op.drop_table('sla_clock')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_send_after'))
        batch_op.drop_index(batch_op.f('ix_notification_complaint_id'))

    op.drop_table('notification')
