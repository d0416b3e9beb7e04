"""Persistence: the decision log, the case store, the exception history and the access
records (SQLAlchemy 2).

SQLite by default (a file under ``var/``, so the service runs without a server), PostgreSQL by
a database URL. The schema is owned by Alembic migrations (``eligibility db upgrade``); a test
checks that the table definitions and the migrations agree.
"""
