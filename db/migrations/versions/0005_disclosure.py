"""indicator setting 'antal krävs för uppdelningar' (breakdown values need a count basis)

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-23 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing indicators keep accepting breakdowns without n (off): nothing stored changes.
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('breakdown_needs_count', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('breakdown_needs_count')
