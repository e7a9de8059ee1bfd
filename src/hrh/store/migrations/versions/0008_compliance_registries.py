"""compliance — organisations, stored agreements, candidate personal fields (issue 6)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_RECORD_COLUMNS = (
    ('salary_offered', sa.Float()),
    ('domestic_salary', sa.Float()),
    ('candidate_name_enc', sa.Text()),
    ('candidate_email_enc', sa.Text()),
    ('candidate_birth_date_enc', sa.Text()),
    ('notes_enc', sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table('recruitment_records') as batch:
        for name, type_ in _RECORD_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.create_table(
        'compliance_organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('country', sa.String(length=3), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('source', sa.String(length=400), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', name='uq_compliance_organisations_name'),
    )
    op.create_table(
        'compliance_organisation_listings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_pk', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(['organisation_pk'], ['compliance_organisations.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_compliance_organisation_listings_org',
        'compliance_organisation_listings',
        ['organisation_pk'],
    )
    op.create_table(
        'compliance_agreements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.String(length=80), nullable=False),
        sa.Column('origin', sa.String(length=3), nullable=False),
        sa.Column('destination', sa.String(length=3), nullable=False),
        sa.Column('cadres', sa.Text(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('routes', sa.String(length=200), nullable=False),
        sa.Column('terms', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=400), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('agreement_id', name='uq_compliance_agreements_id'),
    )


def downgrade() -> None:
    op.drop_table('compliance_agreements')
    op.drop_index(
        'ix_compliance_organisation_listings_org', table_name='compliance_organisation_listings'
    )
    op.drop_table('compliance_organisation_listings')
    op.drop_table('compliance_organisations')
    with op.batch_alter_table('recruitment_records') as batch:
        for name, _ in reversed(_RECORD_COLUMNS):
            batch.drop_column(name)
