"""publications: which frozen årsuppföljning is public, and when it was withdrawn

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-23 15:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'publication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('published_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('withdrawn_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('withdrawn_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['snapshot_id'], ['snapshot.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_snapshot_id'), ['snapshot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_year'), ['year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_year'))
        batch_op.drop_index(batch_op.f('ix_publication_snapshot_id'))
    op.drop_table('publication')
