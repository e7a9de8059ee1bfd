"""Server-rendered web pages (Jinja2), offline: vendored assets and bundled map shapes."""
