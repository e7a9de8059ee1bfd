"""Storage: the only package that talks SQL (SQLAlchemy 2, Alembic)."""
