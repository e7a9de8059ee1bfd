"""compliance tables

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'recruitment_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation', sa.String(length=120), nullable=False),
        sa.Column('record_id', sa.String(length=80), nullable=False),
        sa.Column('organisation_type', sa.String(length=10), nullable=False),
        sa.Column('destination', sa.String(length=3), nullable=False),
        sa.Column('candidate_residence', sa.String(length=3), nullable=False),
        sa.Column('candidate_nationality', sa.String(length=3), nullable=False),
        sa.Column('cadre', sa.String(length=40), nullable=False),
        sa.Column('route', sa.String(length=20), nullable=False),
        sa.Column('referral_bonus_paid', sa.Boolean(), nullable=False),
        sa.Column('recruitment_date', sa.Date(), nullable=False),
        sa.Column('fee_charged_to_candidate', sa.Float(), nullable=False),
        sa.Column('fee_currency', sa.String(length=3), nullable=False),
        sa.Column('repayment_clause_amount', sa.Float(), nullable=False),
        sa.Column('repayment_clause_months', sa.Float(), nullable=False),
        sa.Column('contract_start', sa.Date(), nullable=True),
        sa.Column('extra', sa.Text(), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation', 'record_id', name='uq_recruitment_records_org_id'),
    )
    op.create_table(
        'compliance_findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_pk', sa.Integer(), nullable=False),
        sa.Column('organisation', sa.String(length=120), nullable=False),
        sa.Column('rule_id', sa.String(length=60), nullable=False),
        sa.Column('severity', sa.String(length=10), nullable=False),
        sa.Column('explanation', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=400), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['record_pk'], ['recruitment_records.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_compliance_findings_org_rule', 'compliance_findings', ['organisation', 'rule_id']
    )
    op.create_index('ix_compliance_findings_record', 'compliance_findings', ['record_pk'])


def downgrade() -> None:
    op.drop_index('ix_compliance_findings_record', table_name='compliance_findings')
    op.drop_index('ix_compliance_findings_org_rule', table_name='compliance_findings')
    op.drop_table('compliance_findings')
    op.drop_table('recruitment_records')
