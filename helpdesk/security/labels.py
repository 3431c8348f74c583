"""Swedish names of the security vocabulary."""

from flask_babel import lazy_gettext as _l

from .models import Art34Decision, GdprRisk, SubmissionKind

MSB_LABELS = {
    1: _l("1 Störning i programvara eller hårdvara"),
    2: _l("2 Störning i driftmiljön"),
    3: _l("3 Förlust eller läckage av information"),
    4: _l("4 Förvanskning av information"),
    5: _l("5 Blockerad åtkomst till information"),
    6: _l("6 Säkerhetsbrist i en produkt"),
    7: _l("7 Angrepp"),
    8: _l("8 Användarfel"),
    9: _l("9 Störning i kritisk infrastruktur"),
    10: _l("10 Annan plötslig händelse som orsakar skada"),
}
DIMENSION_LABELS = {"k": _l("Konfidentialitet"), "r": _l("Riktighet"), "t": _l("Tillgänglighet"), "s": _l("Spårbarhet")}
RISK_LABELS = {
    GdprRisk.NONE: _l("Ingen risk – dokumenteras, anmäls inte"),
    GdprRisk.RISK: _l("Risk – anmäls till IMY"),
    GdprRisk.HIGH: _l("Hög risk – anmäls till IMY och de berörda informeras"),
}
ART34_LABELS = {
    Art34Decision.INFORM: _l("De registrerade informeras"),
    Art34Decision.NOT_REQUIRED: _l("Inte nödvändigt: ingen hög risk"),
    Art34Decision.ENCRYPTED: _l("Undantag: uppgifterna var krypterade (art. 34.3 a)"),
    Art34Decision.RISK_REMOVED: _l("Undantag: åtgärder har undanröjt den höga risken (art. 34.3 b)"),
    Art34Decision.PUBLIC_NOTICE: _l("Undantag: oproportionerlig ansträngning, offentligt meddelande (art. 34.3 c)"),
}
SUBMISSION_LABELS = {
    SubmissionKind.GDPR_NOTIFICATION: _l("Anmälan av personuppgiftsincident till IMY"),
    SubmissionKind.GDPR_SUPPLEMENT: _l("Komplettering till IMY"),
    SubmissionKind.NIS2_EARLY_WARNING: _l("NIS2: tidig varning (24 h)"),
    SubmissionKind.NIS2_NOTIFICATION: _l("NIS2: incidentanmälan (72 h)"),
    SubmissionKind.NIS2_INTERMEDIATE: _l("NIS2: delrapport på begäran"),
    SubmissionKind.NIS2_PROGRESS: _l("NIS2: lägesrapport (incidenten pågår)"),
    SubmissionKind.NIS2_FINAL: _l("NIS2: slutrapport"),
}
DEADLINE_LABELS = {
    "gdpr_notification": _l("Anmälan till IMY (72 timmar)"),
    "nis2_early_warning": _l("NIS2 tidig varning (24 timmar)"),
    "nis2_notification": _l("NIS2 incidentanmälan (72 timmar)"),
    "nis2_final": _l("NIS2 slutrapport (en månad)"),
}
