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
    with op.batch_alter_table('support_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handles_security_incidents', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('support_group', schema=None) as batch_op:
        batch_op.drop_column('handles_security_incidents')
