"""A security incident's priority from its assessment (impact x urgency, the desk's own matrix).

Urgency: 1 while a legal clock may run (personal data not ruled out and GDPR risk not assessed
as none, or a NIS2 entity whose incident is not assessed as not significant); 2 otherwise.
Impact: 1 for a high GDPR risk, a significant NIS2 incident or a hit KLASSA dimension at the
severe level; 3 once everything is assessed as low; 2 in between and while nothing is known.
So a new incident is P2 (not the desk's P4), a high risk makes it P1, and an incident is never
below P3. The thresholds are configuration (SECURITY_PRIORITY).

A person may still set the priority by hand; that stands until the assessment changes what it
gives (apply_assessment compares the assessed priority before and after each assessment step).
Pure: no database, no clock.
"""

from dataclasses import dataclass

from .models import GdprRisk


@dataclass(frozen=True)
class Assessment:
    impact: int
    urgency: int
    grounds: tuple[str, ...]  # keys of labels.PRIORITY_GROUND_LABELS, for the history


def assess_facts(*, personal_data, risk, significant, category, klassa: int, nis2_covered: bool,
                 rules: dict) -> Assessment:
    """Impact and urgency from the facts of an assessment (see the module's docstring)."""
    gdpr_may_run = personal_data is not False and risk != GdprRisk.NONE
    nis2_may_run = nis2_covered and significant is not False
    urgency = 1 if gdpr_may_run or nis2_may_run else 2
    severe = [key for key, hit in (("gdpr_high", personal_data and risk == GdprRisk.HIGH),
                                   ("nis2_significant", nis2_covered and significant is True),
                                   ("klassa_severe", klassa >= rules["klassa_severe"])) if hit]
    moderate = [key for key, hit in (("gdpr_risk", personal_data and risk == GdprRisk.RISK),
                                     ("klassa_moderate", klassa >= rules["klassa_moderate"]),
                                     ("category", category in rules["categories"])) if hit]
    if severe:
        return Assessment(1, urgency, tuple(severe))
    if moderate:
        return Assessment(2, urgency, tuple(moderate))
    if urgency == 1:
        return Assessment(2, urgency, ("not_assessed",))  # the legal clocks may run: no lower
    return Assessment(3, urgency, ("assessed_low",))


def hit_klassa(incident) -> int:
    """The highest KLASSA level, on the dimensions the incident hits, of the systems it affects."""
    levels = [getattr(link.system, f"klassa_{d}") or 0 for link in incident.systems if link.system is not None
              for d in "krts" if getattr(incident, f"hits_{d}")]
    return max(levels, default=0)


def assess(incident, rules: dict) -> Assessment:
    """The assessment of one incident."""
    return assess_facts(
        personal_data=incident.personal_data, risk=incident.risk, significant=incident.significant,
        category=incident.category, klassa=hit_klassa(incident),
        nis2_covered=incident.controller_organisation.nis2_covered, rules=rules)
