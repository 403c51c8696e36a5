"""assessments: "Analys och bedömning" per focus area and period, every version kept

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-23 17:00:00

Each save adds a row; the table refuses UPDATE and DELETE in the database itself (triggers,
as for the audit trail in 0004), so the history cannot be rewritten.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLE = "focus_area_assessment"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('focus_area_id', sa.Integer(), nullable=False),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('written_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('written_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['focus_area_id'], ['focus_area.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('focus_area_id', 'period', 'version', name='uq_assessment_version'),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_focus_area_assessment_focus_area_id'), ['focus_area_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # refuse_change() is the function 0004 created for the append-only tables.
        op.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_change()")
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
                       f"BEGIN SELECT RAISE(ABORT, 'Tabellen {TABLE} får inte ändras eller raderas.'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
    else:
        for operation in ("update", "delete"):
            op.execute(f"DROP TRIGGER {TABLE}_no_{operation}")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_focus_area_assessment_focus_area_id'))
    op.drop_table(TABLE)
