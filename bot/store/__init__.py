"""Storage: SQLAlchemy models, sessions and the queries the features need."""
