"""economic values per country and year (remittances received)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'economic_values',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('country', sa.String(length=3), nullable=False),
        sa.Column('measure', sa.String(length=40), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('country', 'measure', 'year', 'source_id', name='uq_economic_values_cell'),
    )


def downgrade() -> None:
    op.drop_table('economic_values')
