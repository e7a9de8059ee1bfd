"""projections — stored runs and jobs (issue 4)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'projection_runs',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('scenario', sa.String(length=80), nullable=False),
        sa.Column('scenario_hash', sa.String(length=64), nullable=False),
        sa.Column('parameters_hash', sa.String(length=64), nullable=False),
        sa.Column('mode', sa.String(length=20), nullable=False),
        sa.Column('seed', sa.BigInteger(), nullable=True),
        sa.Column('replicates', sa.Integer(), nullable=True),
        sa.Column('from_year', sa.Integer(), nullable=False),
        sa.Column('until_year', sa.Integer(), nullable=False),
        sa.Column('countries', sa.Text(), nullable=False),
        sa.Column('request', sa.Text(), nullable=False),
        sa.Column('code_version', sa.String(length=80), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('owner_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('row_count', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('result', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['owner_user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_projection_runs_status', 'projection_runs', ['status'])
    op.create_index('ix_projection_runs_created_at', 'projection_runs', ['created_at'])
    op.create_table(
        'projection_run_sources',
        sa.Column('run_id', sa.String(length=40), nullable=False),
        sa.Column('source_key', sa.String(length=80), nullable=False),
        sa.Column('vintage', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['projection_runs.id']),
        sa.PrimaryKeyConstraint('run_id', 'source_key', 'vintage'),
    )


def downgrade() -> None:
    op.drop_table('projection_run_sources')
    op.drop_index('ix_projection_runs_created_at', table_name='projection_runs')
    op.drop_index('ix_projection_runs_status', table_name='projection_runs')
    op.drop_table('projection_runs')
