"""accounts — e-mail addresses and session versions (issue 3)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email_cipher', sa.Text(), nullable=True))
        batch.add_column(sa.Column('email_index', sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column('session_version', sa.Integer(), nullable=False, server_default='0')
        )
    op.create_index('ix_users_email_index', 'users', ['email_index'], unique=True)
    op.create_table(
        'auth_throttle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_auth_throttle_bucket_at', 'auth_throttle', ['bucket', 'at'])


def downgrade() -> None:
    op.drop_index('ix_auth_throttle_bucket_at', table_name='auth_throttle')
    op.drop_table('auth_throttle')
    op.drop_index('ix_users_email_index', table_name='users')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_version')
        batch.drop_column('email_index')
        batch.drop_column('email_cipher')
