"""diaspora — assignment workflow, outcomes, returns (issue 7)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'diaspora_assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.String(length=40), nullable=False),
        sa.Column('profile_pk', sa.Integer(), nullable=True),
        sa.Column('opportunity_pk', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('components', sa.Text(), nullable=False),
        sa.Column('proposed_by', sa.String(length=160), nullable=False),
        sa.Column('proposed_by_user_id', sa.Integer(), nullable=True),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['profile_pk'], ['diaspora_profiles.id']),
        sa.ForeignKeyConstraint(['opportunity_pk'], ['diaspora_opportunities.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('assignment_id'),
    )
    op.create_index(
        'ix_diaspora_assignments_profile_pk', 'diaspora_assignments', ['profile_pk'], unique=False
    )
    op.create_index(
        'ix_diaspora_assignments_opportunity_pk',
        'diaspora_assignments',
        ['opportunity_pk'],
        unique=False,
    )
    op.create_table(
        'diaspora_notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_pk', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=12), nullable=False),
        sa.Column('recipient', sa.String(length=12), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('error', sa.String(length=300), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assignment_pk'], ['diaspora_assignments.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_diaspora_notifications_assignment_pk',
        'diaspora_notifications',
        ['assignment_pk'],
        unique=False,
    )
    op.create_table(
        'diaspora_outcomes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_pk', sa.Integer(), nullable=False),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('patients_seen', sa.Integer(), nullable=False),
        sa.Column('staff_trained', sa.Integer(), nullable=False),
        sa.Column('feedback_enc', sa.Text(), nullable=False),
        sa.Column('reported_by', sa.String(length=160), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assignment_pk'], ['diaspora_assignments.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('assignment_pk'),
    )
    op.create_table(
        'diaspora_returns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('profile_pk', sa.Integer(), nullable=True),
        sa.Column('country', sa.String(length=3), nullable=False),
        sa.Column('cadre', sa.String(length=40), nullable=False),
        sa.Column('returned_on', sa.Date(), nullable=False),
        sa.Column('bonding_months', sa.Integer(), nullable=True),
        sa.Column('bonding_until', sa.Date(), nullable=True),
        sa.Column('recorded_by', sa.String(length=160), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['profile_pk'], ['diaspora_profiles.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_diaspora_returns_profile_pk', 'diaspora_returns', ['profile_pk'], unique=False
    )
    op.create_table(
        'diaspora_incentives',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('return_pk', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('amount', sa.Float(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(['return_pk'], ['diaspora_returns.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_diaspora_incentives_return_pk', 'diaspora_incentives', ['return_pk'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_diaspora_incentives_return_pk', table_name='diaspora_incentives')
    op.drop_table('diaspora_incentives')
    op.drop_index('ix_diaspora_returns_profile_pk', table_name='diaspora_returns')
    op.drop_table('diaspora_returns')
    op.drop_table('diaspora_outcomes')
    op.drop_index('ix_diaspora_notifications_assignment_pk', table_name='diaspora_notifications')
    op.drop_table('diaspora_notifications')
    op.drop_index('ix_diaspora_assignments_opportunity_pk', table_name='diaspora_assignments')
    op.drop_index('ix_diaspora_assignments_profile_pk', table_name='diaspora_assignments')
    op.drop_table('diaspora_assignments')
