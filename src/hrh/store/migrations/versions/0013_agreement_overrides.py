"""compliance — local changes to agreements, so reference loads keep them (issue 6)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'compliance_agreement_overrides',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.String(length=80), nullable=False),
        sa.Column('change', sa.String(length=10), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('agreement_id', name='uq_compliance_agreement_overrides_id'),
    )


def downgrade() -> None:
    op.drop_table('compliance_agreement_overrides')
