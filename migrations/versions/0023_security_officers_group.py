"""the security officers' group: a flag on the support group that receives security incidents

Revision ID: 0023
Revises: 0017
Create Date: 2026-12-05 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch table copy): on SQLite a copy of support_group would have to drop a
    # table that tickets and users refer to, which fails with foreign keys on and data in it.
    op.add_column('support_group', sa.Column('handles_security_incidents', sa.Boolean(),
                                             server_default=sa.false(), nullable=False))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a column in place (no table copy)
        op.execute("ALTER TABLE support_group DROP COLUMN handles_security_incidents")
    else:
        op.drop_column('support_group', 'handles_security_incidents')
