"""Imports every domain's models so the metadata is complete."""

from .access.models import AccessGrant, AccessRequest, AccessReview, AccessReviewItem  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .auth.models import LoginAttempt, User, UserRole  # noqa: F401
from .catalogue.models import System  # noqa: F401
from .leases import Lease  # noqa: F401
from .intake.models import InboundMessage, Mailbox, MessageKey  # noqa: F401
from .notifications.models import OutboundMessage  # noqa: F401
from .org.models import Department, GroupMember, Organisation, SupportGroup  # noqa: F401
from .reports.models import ReportRun  # noqa: F401
from .retention.models import LegalHold, RetentionRule, RetentionRun, RetentionRunTicket  # noqa: F401
from .routing.models import RoutingRule  # noqa: F401
from .satisfaction.models import SatisfactionRating  # noqa: F401
from .security.models import IncidentSystem, SecurityIncident, Submission  # noqa: F401
from .sla.models import Calendar, CalendarDay, CalendarException, ClockRule, ServiceLevel  # noqa: F401
from .tickets.models import (  # noqa: F401
    Attachment, Message, Ticket, TicketEvent, TicketLink, TicketParticipant,
)
from .api.models import Alarm, ApiToken, IdempotencyKey  # noqa: F401
from .webhooks.models import WebhookDelivery, WebhookSubscription  # noqa: F401
