"""the reporter's rating of a resolved complaint, once per complaint

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 19:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import cettar.types


revision: str = '0019'
down_revision: Union[str, None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('complaint_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', cettar.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_rating_complaint_id_complaint')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_rating')),
    sa.UniqueConstraint('complaint_id', name=op.f('uq_complaint_rating_complaint_id'))
    )
    with op.batch_alter_table('complaint_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_rating_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaint_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_rating_created_at'))
    op.drop_table('complaint_rating')
