"""canned replies (svarsmallar) per support group or personal, agents' saved queue views, and the index of a group's tickets by priority

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 04:40:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.database  # noqa: F401  (UTCDateTime in generated columns)


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('canned_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('support_group_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('set_status', sa.String(length=32), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', helpdesk.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', helpdesk.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(support_group_id IS NULL) <> (owner_id IS NULL)', name=op.f('ck_canned_reply_owner_or_group')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_canned_reply_owner_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['support_group_id'], ['support_group.id'], name=op.f('fk_canned_reply_support_group_id_support_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_reply'))
    )
    with op.batch_alter_table('canned_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canned_reply_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_canned_reply_support_group_id'), ['support_group_id'], unique=False)

    op.create_table('saved_queue_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('query', sa.String(length=1000), nullable=False),
    sa.Column('created_at', helpdesk.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_queue_view_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_queue_view')),
    sa.UniqueConstraint('user_id', 'name', name='uq_saved_queue_view_user_name')
    )
    with op.batch_alter_table('saved_queue_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_queue_view_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_group_priority', ['support_group_id', 'priority', 'due_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_group_priority')
    with op.batch_alter_table('saved_queue_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_queue_view_user_id'))
    op.drop_table('saved_queue_view')
    with op.batch_alter_table('canned_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canned_reply_support_group_id'))
        batch_op.drop_index(batch_op.f('ix_canned_reply_owner_id'))
    op.drop_table('canned_reply')
