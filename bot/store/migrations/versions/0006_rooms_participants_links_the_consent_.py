"""rooms: participants, links, the consent ledger, clauses, versions, votes, confirmations

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 23:16:23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
    )
    op.create_table(
        "clauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_clauses_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clauses")),
        sa.UniqueConstraint("room_id", "number", name=op.f("uq_clauses_room_id")),
    )
    with op.batch_alter_table("clauses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clauses_room_id"), ["room_id"], unique=False)

    op.create_table(
        "room_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
            name=op.f("fk_room_participants_room_id_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_participants")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_room_participants_conversation_id")),
        sa.UniqueConstraint("room_id", "name", name=op.f("uq_room_participants_room_id")),
    )
    with op.batch_alter_table("room_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_participants_room_id"), ["room_id"], unique=False)

    op.create_table(
        "clause_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clause_id"],
            ["clauses.id"],
            name=op.f("fk_clause_versions_clause_id_clauses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clause_versions")),
        sa.UniqueConstraint("clause_id", "version", name=op.f("uq_clause_versions_clause_id")),
    )
    with op.batch_alter_table("clause_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clause_versions_clause_id"), ["clause_id"], unique=False
        )

    op.create_table(
        "ledger_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["room_participants.id"],
            name=op.f("fk_ledger_items_participant_id_room_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
            name=op.f("fk_ledger_items_room_id_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_items")),
        sa.UniqueConstraint(
            "participant_id", "message_id", name=op.f("uq_ledger_items_participant_id")
        ),
    )
    with op.batch_alter_table("ledger_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_items_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_items_room_id"), ["room_id"], unique=False)

    op.create_table(
        "room_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("text_digest", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["room_participants.id"],
            name=op.f("fk_room_confirmations_participant_id_room_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
            name=op.f("fk_room_confirmations_room_id_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_confirmations")),
        sa.UniqueConstraint(
            "participant_id", "text_digest", name=op.f("uq_room_confirmations_participant_id")
        ),
    )
    with op.batch_alter_table("room_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_room_confirmations_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_room_confirmations_room_id"), ["room_id"], unique=False
        )

    op.create_table(
        "room_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["room_participants.id"],
            name=op.f("fk_room_links_participant_id_room_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_links")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_room_links_token_digest")),
    )
    with op.batch_alter_table("room_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_room_links_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "clause_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("vote", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["room_participants.id"],
            name=op.f("fk_clause_votes_participant_id_room_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["clause_versions.id"],
            name=op.f("fk_clause_votes_version_id_clause_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clause_votes")),
        sa.UniqueConstraint(
            "version_id", "participant_id", name=op.f("uq_clause_votes_version_id")
        ),
    )
    with op.batch_alter_table("clause_votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clause_votes_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_clause_votes_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "ledger_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("by_participant_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_participant_id"],
            ["room_participants.id"],
            name=op.f("fk_ledger_changes_by_participant_id_room_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["ledger_items.id"],
            name=op.f("fk_ledger_changes_item_id_ledger_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_changes")),
    )
    with op.batch_alter_table("ledger_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_changes_by_participant_id"), ["by_participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_changes_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_changes_item_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_changes_by_participant_id"))

    op.drop_table("ledger_changes")
    with op.batch_alter_table("clause_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clause_votes_version_id"))
        batch_op.drop_index(batch_op.f("ix_clause_votes_participant_id"))

    op.drop_table("clause_votes")
    with op.batch_alter_table("room_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_links_participant_id"))

    op.drop_table("room_links")
    with op.batch_alter_table("room_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_confirmations_room_id"))
        batch_op.drop_index(batch_op.f("ix_room_confirmations_participant_id"))

    op.drop_table("room_confirmations")
    with op.batch_alter_table("ledger_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_items_room_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_items_participant_id"))

    op.drop_table("ledger_items")
    with op.batch_alter_table("clause_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clause_versions_clause_id"))

    op.drop_table("clause_versions")
    with op.batch_alter_table("room_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_participants_room_id"))

    op.drop_table("room_participants")
    with op.batch_alter_table("clauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clauses_room_id"))

    op.drop_table("clauses")
    op.drop_table("rooms")
