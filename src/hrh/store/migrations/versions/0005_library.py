"""library tables

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# the same text as hrh.store.tables_library.PG_DOCUMENT (migrations do not import the models)
PG_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, title::text), 'A'::\"char\") || "
    "setweight(to_tsvector('english'::regconfig, search_text), 'B'::\"char\"))"
)


def upgrade() -> None:
    op.create_table(
        'library_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('start_year', sa.Integer(), nullable=True),
        sa.Column('end_year', sa.Integer(), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('what_it_did', sa.Text(), nullable=False),
        sa.Column('results', sa.Text(), nullable=False),
        sa.Column('sources', sa.Text(), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('author_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['author_user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    op.create_index('ix_library_entries_type', 'library_entries', ['type'])
    op.create_index('ix_library_entries_status', 'library_entries', ['status'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            f'CREATE INDEX ix_library_entries_document ON library_entries USING gin ({PG_DOCUMENT})'
        )
    op.create_table(
        'library_entry_countries',
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('iso3', sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['library_entries.id']),
        sa.PrimaryKeyConstraint('entry_id', 'iso3'),
    )
    op.create_index('ix_library_entry_countries_iso3', 'library_entry_countries', ['iso3'])


def downgrade() -> None:
    op.drop_index('ix_library_entry_countries_iso3', table_name='library_entry_countries')
    op.drop_table('library_entry_countries')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_library_entries_document')
    op.drop_index('ix_library_entries_status', table_name='library_entries')
    op.drop_index('ix_library_entries_type', table_name='library_entries')
    op.drop_table('library_entries')
