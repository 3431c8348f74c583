"""The legal clocks of a security incident (wall-clock time from awareness, not business hours).

Deadlines, thresholds and authorities are configuration (REGULATION.md: they change
with law); this module only applies them. Pure: no database, no clock.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import GdprRisk, SubmissionKind


@dataclass(frozen=True)
class Deadline:
    key: str  # gdpr_notification, nis2_early_warning, nis2_notification, nis2_final
    due_at: datetime
    done_at: datetime | None

    def overdue(self, now) -> bool:
        return self.done_at is None and now > self.due_at

    def met(self) -> bool | None:
        return None if self.done_at is None else self.done_at <= self.due_at


def add_month(at: datetime) -> datetime:
    """The same day and time one calendar month later (the last day when the month is shorter)."""
    year, month = (at.year + 1, 1) if at.month == 12 else (at.year, at.month + 1)
    return at.replace(year=year, month=month, day=min(at.day, calendar.monthrange(year, month)[1]))


def first(incident, kind) -> datetime | None:
    times = [s.sent_at for s in incident.submissions if s.kind == kind]
    return min(times) if times else None


def deadlines(incident, config, *, nis2_covered: bool) -> list[Deadline]:
    """Every clock that applies to the incident now, with its due time and when it was met.

    nis2_covered: whether the controlling organisation is an entity under the
    cybersecurity law (every kommun; a bolag only through its own sector and size).
    """
    found = []
    aware = incident.awareness_at
    if incident.personal_data and incident.risk != GdprRisk.NONE:
        found.append(Deadline("gdpr_notification", aware + timedelta(hours=config["GDPR_NOTIFY_HOURS"]),
                              first(incident, SubmissionKind.GDPR_NOTIFICATION)))
    if incident.significant is not False and nis2_covered:
        found.append(Deadline("nis2_early_warning", aware + timedelta(hours=config["NIS2_EARLY_WARNING_HOURS"]),
                              first(incident, SubmissionKind.NIS2_EARLY_WARNING)))
        notified = first(incident, SubmissionKind.NIS2_NOTIFICATION)
        found.append(Deadline("nis2_notification", aware + timedelta(hours=config["NIS2_NOTIFICATION_HOURS"]),
                              notified))
        if notified is not None:
            # One month after the notification; if still ongoing then, a progress report
            # instead, and the final report one month after the incident is handled.
            final = first(incident, SubmissionKind.NIS2_FINAL)
            progress = first(incident, SubmissionKind.NIS2_PROGRESS)
            if final is None and progress is not None and incident.handled_at is not None:
                found.append(Deadline("nis2_final", add_month(incident.handled_at), None))
            elif final is None and progress is not None:
                pass  # ongoing: no fixed date until it is handled
            else:
                found.append(Deadline("nis2_final", add_month(notified), final or progress))
    return found
