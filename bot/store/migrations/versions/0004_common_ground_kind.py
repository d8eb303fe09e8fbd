"""common ground: kind (shared need, compatible interests, contested ground)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows written before kinds existed were all offered as common ground.
    with op.batch_alter_table("common_ground") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="shared_need")
        )


def downgrade() -> None:
    with op.batch_alter_table("common_ground") as batch:
        batch.drop_column("kind")
