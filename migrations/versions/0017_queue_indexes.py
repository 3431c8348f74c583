"""queue indexes: every sortable order and filter of the queue, and its capped count, read from an index alone

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OPEN_ONLY = {"sqlite_where": sa.text("is_open = 1"), "postgresql_where": sa.text("is_open")}
VISIBILITY = ['is_confidential', 'requester_id', 'assignee_id']

# name: (columns before, columns after, partial over open tickets)
CHANGED = {
    'ix_ticket_open_due': (['due_at', 'id'], ['due_at', 'id', 'support_group_id', *VISIBILITY], True),
    'ix_ticket_assignee': (['assignee_id', 'due_at', 'id'],
                           ['assignee_id', 'due_at', 'id', 'support_group_id', 'is_confidential', 'requester_id'],
                           True),
    'ix_ticket_system': (['system_id', 'due_at', 'id'], ['system_id', 'due_at', 'id', 'support_group_id', *VISIBILITY],
                         True),
    'ix_ticket_department': (['requester_department_id', 'due_at', 'id'],
                             ['requester_department_id', 'due_at', 'id', 'support_group_id', *VISIBILITY], True),
    'ix_ticket_priority': (['priority', 'due_at', 'id'], ['priority', 'due_at', 'id', 'support_group_id', *VISIBILITY],
                           True),
    'ix_ticket_group_due': (['support_group_id', 'due_at', 'id'], ['support_group_id', 'due_at', 'id', *VISIBILITY],
                            False),
    'ix_ticket_group_status': (['support_group_id', 'status', 'due_at', 'id'],
                               ['support_group_id', 'status', 'due_at', 'id', *VISIBILITY], False),
    'ix_ticket_status_due': (['status', 'due_at', 'id'], ['status', 'due_at', 'id', 'support_group_id', *VISIBILITY],
                             False),
}
ADDED = {
    'ix_ticket_queue_number': (['support_group_id', 'id', *VISIBILITY], True),
    'ix_ticket_queue_priority': (['support_group_id', 'priority', 'due_at', 'id', *VISIBILITY], True),
    'ix_ticket_open_number': (['id', 'support_group_id', *VISIBILITY], True),
    'ix_ticket_due': (['due_at', 'id', *VISIBILITY], False),
}


def _create(name, columns, partial):
    op.create_index(name, 'ticket', columns, unique=False, **(OPEN_ONLY if partial else {}))


def upgrade():
    # Plain CREATE/DROP INDEX (no batch mode): on SQLite nothing copies the ticket table.
    for name, (_before, after, partial) in CHANGED.items():
        op.drop_index(name, table_name='ticket')
        _create(name, after, partial)
    for name, (columns, partial) in ADDED.items():
        _create(name, columns, partial)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ANALYZE ticket')  # the planner's statistics for the new indexes


def downgrade():
    for name in ADDED:
        op.drop_index(name, table_name='ticket')
    for name, (before, _after, partial) in CHANGED.items():
        op.drop_index(name, table_name='ticket')
        _create(name, before, partial)
