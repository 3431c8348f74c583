"""Imports every domain's models so the metadata is complete."""

from .access.models import AccessGrant, AccessRequest, AccessReview, AccessReviewItem  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .auth.models import LoginAttempt, RecoveryCode, User, UserRole  # noqa: F401
from .catalogue.models import System  # noqa: F401
from .directory.models import DirectorySync, GroupRule  # noqa: F401
from .leases import Lease  # noqa: F401
from .intake.models import InboundMessage, Mailbox, MessageKey, SwallowedError  # noqa: F401
from .knowledge.models import KnowledgeArticle, KnowledgeArticleSystem, KnowledgeArticleText  # noqa: F401
from .notifications.models import OutboundMessage  # noqa: F401
from .outages.models import (  # noqa: F401
    MajorIncident, MajorIncidentPerson, MajorIncidentTicket, OutageNotice, OutageNoticeSystem, OutageSubscription,
    OutageUpdate, OutageUpdateRecipient, ReportDeflection,
)
from .problems.models import Problem, ProblemTicket  # noqa: F401
from .org.models import Department, GroupMember, Organisation, SupportGroup  # noqa: F401
from .reports.models import ReportRun  # noqa: F401
from .retention.models import LegalHold, RetentionRule, RetentionRun, RetentionRunTicket  # noqa: F401
from .routing.models import RoutingRule  # noqa: F401
from .satisfaction.models import SatisfactionRating  # noqa: F401
from .security.models import IncidentSystem, SecurityIncident, Submission  # noqa: F401
from .sla.models import Calendar, CalendarDay, CalendarException, ClockRule, ServiceLevel, SlaRefresh  # noqa: F401
from .tickets.models import (  # noqa: F401
    Attachment, Message, Ticket, TicketEvent, TicketLink, TicketParticipant,
)
from .replies.models import CannedReply, SavedQueueView  # noqa: F401
from .suppliers.models import Supplier, SupplierContract, SupplierEscalation, SupplierMessage  # noqa: F401
from .effort.models import GroupRate, TimeEntry  # noqa: F401
from .availability.models import AvailabilityTarget  # noqa: F401
from .api.models import Alarm, ApiToken, IdempotencyKey  # noqa: F401
from .webhooks.models import WebhookDelivery, WebhookSubscription  # noqa: F401
