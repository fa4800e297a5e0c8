"""the reporter's language and the outbox of messages to the reporter

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 20:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import cettar.types


revision: str = '0020'
down_revision: Union[str, None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='id', nullable=False))
    op.create_table('reporter_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('created_at', cettar.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_reporter_message_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['event_id'], ['complaint_event.id'], name=op.f('fk_reporter_message_event_id_complaint_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporter_message')),
    sa.UniqueConstraint('event_id', 'channel', name=op.f('uq_reporter_message_event_id_channel'))
    )
    with op.batch_alter_table('reporter_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporter_message_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index('ix_reporter_message_status_next', ['status', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reporter_message', schema=None) as batch_op:
        batch_op.drop_index('ix_reporter_message_status_next')
        batch_op.drop_index(batch_op.f('ix_reporter_message_complaint_id'))
    op.drop_table('reporter_message')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('language')
