"""projection jobs that survive a restart: worker, heartbeat, attempts, progress (issue 4)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


_COLUMNS = ('progress', 'attempts', 'heartbeat_at', 'worker')


def upgrade() -> None:
    op.add_column(
        'projection_runs',
        sa.Column('worker', sa.String(length=120), nullable=False, server_default=''),
    )
    op.add_column(
        'projection_runs', sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        'projection_runs',
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
    )
    op.add_column(
        'projection_runs',
        sa.Column('progress', sa.Float(), nullable=False, server_default='0'),
    )
    # runs already finished when the column appears are complete
    op.execute("UPDATE projection_runs SET progress = 1 WHERE status = 'done'")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite (3.35+) drops plain columns in place; a batch copy of the table would trip
        # over the foreign keys of projection_run_sources
        for name in _COLUMNS:
            op.execute(f'ALTER TABLE projection_runs DROP COLUMN {name}')
    else:
        for name in _COLUMNS:
            op.drop_column('projection_runs', name)
