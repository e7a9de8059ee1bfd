"""File formats → domain records. Reads files; never touches the database."""
