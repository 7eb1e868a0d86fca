"""Repositories: SQLAlchemy implementations of the ports in handlers.ports; they read and stage
writes, only the unit of work commits."""
