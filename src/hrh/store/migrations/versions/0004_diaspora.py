"""diaspora tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'diaspora_profiles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('profile_id', sa.String(length=40), nullable=False),
        sa.Column('owner_user_id', sa.Integer(), nullable=True),
        sa.Column('cadre', sa.String(length=40), nullable=False),
        sa.Column('specialty', sa.String(length=120), nullable=False),
        sa.Column('origin', sa.String(length=3), nullable=False),
        sa.Column('residence', sa.String(length=3), nullable=False),
        sa.Column('languages', sa.String(length=200), nullable=False),
        sa.Column('licences', sa.String(length=400), nullable=False),
        sa.Column('experience_years', sa.Float(), nullable=False),
        sa.Column('available_from', sa.Date(), nullable=True),
        sa.Column('available_to', sa.Date(), nullable=True),
        sa.Column('modes', sa.String(length=60), nullable=False),
        sa.Column('virtual_hours_per_week', sa.Float(), nullable=True),
        sa.Column('preferred_countries', sa.String(length=200), nullable=False),
        sa.Column('name_enc', sa.Text(), nullable=False),
        sa.Column('email_enc', sa.Text(), nullable=False),
        sa.Column('phone_enc', sa.Text(), nullable=False),
        sa.Column('birth_date_enc', sa.Text(), nullable=False),
        sa.Column('notes_enc', sa.Text(), nullable=False),
        sa.Column('licence_numbers_enc', sa.Text(), nullable=False),
        sa.Column('extra_enc', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('profile_id'),
    )
    op.create_table(
        'diaspora_consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('profile_pk', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('granted', sa.Boolean(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['profile_pk'], ['diaspora_profiles.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_diaspora_consents_profile_pk', 'diaspora_consents', ['profile_pk'], unique=False
    )
    op.create_table(
        'diaspora_opportunities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('opportunity_id', sa.String(length=40), nullable=False),
        sa.Column('country', sa.String(length=3), nullable=False),
        sa.Column('facility', sa.String(length=200), nullable=False),
        sa.Column('cadre', sa.String(length=40), nullable=False),
        sa.Column('specialty', sa.String(length=120), nullable=False),
        sa.Column('mode', sa.String(length=12), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('language', sa.String(length=3), nullable=False),
        sa.Column('language_level', sa.Integer(), nullable=False),
        sa.Column('licence_required', sa.Boolean(), nullable=False),
        sa.Column('slots', sa.Integer(), nullable=False),
        sa.Column('support', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('extra', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=160), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('opportunity_id'),
    )
    op.create_table(
        'diaspora_erased_tallies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('origin', sa.String(length=3), nullable=False),
        sa.Column('cadre', sa.String(length=40), nullable=False),
        sa.Column('residence', sa.String(length=3), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(
            'origin', 'cadre', 'residence', name='uq_diaspora_erased_tallies_cell'
        ),
    )


def downgrade() -> None:
    op.drop_table('diaspora_erased_tallies')
    op.drop_table('diaspora_opportunities')
    op.drop_index('ix_diaspora_consents_profile_pk', table_name='diaspora_consents')
    op.drop_table('diaspora_consents')
    op.drop_table('diaspora_profiles')
