"""urgent and sensitive complaints marked at intake; the agency roles routing needs (integrity, local office)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 22:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import cettar.types


revision: str = '0023'
down_revision: Union[str, None] = '0022'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # plain ADD COLUMN (not a batch copy of the table): on SQLite a copy of `complaint` would be
    # dropped while other tables' rows point at it
    op.add_column('agency', sa.Column('role', sa.String(length=16), server_default='', nullable=False))
    op.add_column('complaint', sa.Column('sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('complaint', sa.Column('flags', sa.JSON(), nullable=True))
    # the shipped (Surabaya) directory's codes; another directory sets its roles with `cettar directory load`
    op.execute("UPDATE agency SET role = 'integrity' WHERE code = 'INSPEKTORAT'")
    op.execute("UPDATE agency SET role = 'local_office' WHERE code IN ('KEL', 'KEC')")


def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('flags')
        batch_op.drop_column('sensitive')

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('role')

