"""reviewer sessions kept server-side, reviewers that can be disabled, an atomic sign-in limit

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviewers") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(), nullable=True))
    op.create_table(
        "reviewer_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["reviewers.id"],
            name=op.f("fk_reviewer_sessions_reviewer_id_reviewers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewer_sessions")),
    )
    op.create_index(op.f("ix_reviewer_sessions_reviewer_id"), "reviewer_sessions", ["reviewer_id"])
    op.create_table(
        "sign_in_limits",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_sign_in_limits")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_limits")
    op.drop_index(op.f("ix_reviewer_sessions_reviewer_id"), table_name="reviewer_sessions")
    op.drop_table("reviewer_sessions")
    with op.batch_alter_table("reviewers") as batch:
        batch.drop_column("disabled_at")
