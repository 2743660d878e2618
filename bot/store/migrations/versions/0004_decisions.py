"""decision records (Samen Beslissen) with their follow-up

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("jobseeker_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=False),
        sa.Column("catalogue_version", sa.String(length=32), nullable=False),
        sa.Column("goal", sa.String(length=32), nullable=True),
        sa.Column("options_shown", sa.JSON(), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("choice", sa.String(length=64), nullable=True),
        sa.Column("decided_with", sa.String(length=16), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("next_step_on", sa.Date(), nullable=True),
        sa.Column("helper", sa.String(length=120), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("followup_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followup_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["jobseeker_id"], ["jobseekers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decisions_jobseeker_id", "decisions", ["jobseeker_id"])
    op.create_index("ix_decisions_status", "decisions", ["status"])
    op.create_index("ix_decisions_followup_at", "decisions", ["followup_at"])


def downgrade() -> None:
    op.drop_table("decisions")
