"""the reporters' ratings in the roll-up (then `cettar sla rollup --all` counts the ratings given before)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 22:08:10
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0022'
down_revision: Union[str, None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ratings', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rating_points', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('satisfied', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('agency_running', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ratings', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rating_points', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('satisfied', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('district_running', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ratings', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rating_points', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('satisfied', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('district_running', schema=None) as batch_op:
        batch_op.drop_column('satisfied')
        batch_op.drop_column('rating_points')
        batch_op.drop_column('ratings')

    with op.batch_alter_table('agency_running', schema=None) as batch_op:
        batch_op.drop_column('satisfied')
        batch_op.drop_column('rating_points')
        batch_op.drop_column('ratings')

    with op.batch_alter_table('agency_day', schema=None) as batch_op:
        batch_op.drop_column('satisfied')
        batch_op.drop_column('rating_points')
        batch_op.drop_column('ratings')

