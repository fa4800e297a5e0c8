"""staff notices

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 11:55:24.170839
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('staff_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('clock', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('created_at', cettar.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_staff_notice_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_staff_notice_notification_id_notification')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_notice_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notice')),
    sa.UniqueConstraint('staff_id', 'notification_id', name=op.f('uq_staff_notice_staff_id_notification_id'))
    )
    with op.batch_alter_table('staff_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_notice_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_notice_staff_id'), ['staff_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_notice_staff_id'))
        batch_op.drop_index(batch_op.f('ix_staff_notice_complaint_id'))

    op.drop_table('staff_notice')
