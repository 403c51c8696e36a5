"""indicator setting 'antal krävs för uppdelningar' (breakdown values need a count basis)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing indicators keep accepting breakdowns without n (off): nothing stored changes.
    # A plain ADD COLUMN (not batch mode): on SQLite a batch would copy and drop the
    # indicator table, which the foreign keys of the stored values refuse.
    op.add_column('indicator', sa.Column('breakdown_needs_count', sa.Boolean(), server_default=sa.false(),
                                         nullable=False))


def downgrade() -> None:
    op.drop_column('indicator', 'breakdown_needs_count')  # SQLite 3.35+ drops a column in place
