"""retention: anonymous usage counts, and when an escalation's transcript was deleted

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_counts",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("metric", sa.String(length=80), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("period", "metric"),
    )
    with op.batch_alter_table("coach_requests") as batch:
        batch.add_column(sa.Column("transcript_deleted_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("coach_requests") as batch:
        batch.drop_column("transcript_deleted_at")
    op.drop_table("usage_counts")
