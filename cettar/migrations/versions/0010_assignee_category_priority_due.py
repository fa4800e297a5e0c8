"""assignee category priority due

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 11:47:09.857210
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_assign', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='normal'))
        batch_op.add_column(sa.Column('due_at', cettar.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_complaint_agency_status_due', ['agency_id', 'status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_complaint_assignee_id_staff'), 'staff', ['assignee_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaint_assignee_id_staff'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaint_duplicate_of_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_assignee_id'))
        batch_op.drop_index('ix_complaint_agency_status_due')
        batch_op.drop_column('due_at')
        batch_op.drop_column('priority')
        batch_op.drop_column('category')
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('auto_assign')

