"""telegram updates: a key of their chat (ordered per chat across replicas) and who handles one now

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from bot.store.telegram import chat_key_of

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("telegram_updates") as batch:
        batch.add_column(sa.Column("chat_key", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_telegram_updates_chat_key_update_id", ["chat_key", "update_id"])
    # Updates still waiting at the upgrade keep their order: give them their chat.
    updates = sa.table(
        "telegram_updates",
        sa.column("update_id", sa.BigInteger()),
        sa.column("payload", sa.JSON()),
        sa.column("handled_at", sa.DateTime(timezone=True)),
        sa.column("chat_key", sa.String()),
    )
    bind = op.get_bind()
    pending = bind.execute(
        sa.select(updates.c.update_id, updates.c.payload).where(updates.c.handled_at.is_(None))
    ).all()
    for update_id, payload in pending:
        chat_key = chat_key_of(payload or {})
        if chat_key is not None:
            bind.execute(
                updates.update().where(updates.c.update_id == update_id).values(chat_key=chat_key)
            )


def downgrade() -> None:
    with op.batch_alter_table("telegram_updates") as batch:
        batch.drop_index("ix_telegram_updates_chat_key_update_id")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
        batch.drop_column("chat_key")
