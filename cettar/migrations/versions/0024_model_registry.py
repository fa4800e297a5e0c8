"""the routing-model registry, and each agency's function

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 07:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import cettar.types


revision: str = '0024'
down_revision: Union[str, None] = '0023'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('routing_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('data_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('trained_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', cettar.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('base_examples', sa.Integer(), nullable=False),
    sa.Column('deployment_examples', sa.Integer(), nullable=False),
    sa.Column('labels', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('metrics', sa.JSON(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('promoted_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('promoted_at', cettar.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_model'))
    )
    with op.batch_alter_table('routing_model', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_model_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_routing_model_data_sha256'), ['data_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_routing_model_status'), ['status'], unique=False)
    op.add_column('agency', sa.Column('function', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('function')
    with op.batch_alter_table('routing_model', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_model_status'))
        batch_op.drop_index(batch_op.f('ix_routing_model_data_sha256'))
        batch_op.drop_index(batch_op.f('ix_routing_model_created_at'))

    op.drop_table('routing_model')
