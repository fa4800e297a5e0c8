"""routing corrections

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:16:46.593987
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('routing_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('agency_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('previous_agency_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', cettar.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_routing_correction_complaint_id_complaint')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_correction'))
    )
    with op.batch_alter_table('routing_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_correction_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_routing_correction_created_at'), ['created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('routing_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_correction_created_at'))
        batch_op.drop_index(batch_op.f('ix_routing_correction_complaint_id'))

    op.drop_table('routing_correction')
