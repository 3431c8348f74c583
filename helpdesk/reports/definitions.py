"""The key figures of the monthly SLA report, defined once as data.

Every figure rests on a *population*: a set of tickets with a plain-language
definition. A count figure is the size of its population; a share divides one
population by another; a time figure is a statistic of a column over its
population. The report links every figure to its population's ticket list, so
what a number counts can always be looked at (helpdesk.reports.queries has the
SQL of each population, under the same key).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

COUNT, SHARE, DURATION, TOTAL, AVERAGE = "count", "share", "duration", "total", "average"
MEDIAN, P90 = (1, 2), (9, 10)  # nearest rank: the value at position ceil(n * a / b)


@dataclass(frozen=True)
class Population:
    key: str
    title: object
    definition: object


@dataclass(frozen=True)
class Figure:
    key: str
    title: object
    definition: object
    kind: str  # COUNT, SHARE, DURATION (a rank statistic), TOTAL (a sum), AVERAGE
    population: str  # the tickets behind the figure (the denominator of a share)
    numerator: str | None = None  # SHARE: the population counted above the line
    column: str | None = None  # DURATION/TOTAL/AVERAGE: what is measured
    rank: tuple | None = None  # DURATION: MEDIAN or P90
    goal: bool = False  # compared with the goal for the share within target


@dataclass(frozen=True)
class Dimension:
    key: str
    title: object
    definition: object


POPULATIONS = {p.key: p for p in [
    Population("opened", _l("Inkomna ärenden"), _l(
        "Ärenden som registrerades under månaden, oavsett kanal och typ. Dubbletter som senare "
        "sammanfogats med ett annat ärende räknas också, eftersom de kom in.")),
    Population("closed", _l("Avslutade ärenden"), _l(
        "Ärenden som markerades som lösta under månaden och som fortfarande är lösta eller stängda. "
        "Tidpunkten är när ärendet senast markerades som löst (eller stängt, om det stängdes utan att "
        "först lösas). Ett ärende som öppnas igen räknas i den månad det löses på nytt. Sammanfogade "
        "dubbletter räknas med.")),
    Population("backlog", _l("Öppna vid månadens slut"), _l(
        "Ärenden som registrerades före månadsskiftet och inte avslutades före det (avslutad som i "
        "Avslutade ärenden). Därför gäller alltid: öppna vid månadens slut = öppna vid förra månadens "
        "slut + inkomna − avslutade.")),
    Population("responded", _l("Mätta första svar"), _l(
        "Ärenden vars svarstid slutade under månaden: när en handläggare svarade anmälaren första gången "
        "(ett svar eller ett loggat telefonsamtal), eller när ärendet löstes innan någon hade svarat. "
        "Sammanfogade dubbletter ingår inte.")),
    Population("responded_in_time", _l("Första svar inom målet"), _l(
        "De mätta första svaren vars svarstid inte var längre än servicenivåns mål för första svar.")),
    Population("resolved", _l("Mätta lösningar"), _l(
        "Avslutade ärenden under månaden utom sammanfogade dubbletter: de ärenden vars lösningstid mäts.")),
    Population("resolved_in_time", _l("Lösta inom målet"), _l(
        "De mätta lösningarna vars lösningstid inte var längre än servicenivåns mål för lösning.")),
    Population("paused", _l("Pausade ärenden"), _l(
        "Mätta lösningar där lösningstiden någon gång stod still för att ärendet väntade på anmälaren "
        "eller på en leverantör.")),
    Population("reopened", _l("Återöppnade ärenden"), _l(
        "Mätta lösningar som någon gång öppnats igen efter att ha varit lösta eller stängda, till exempel "
        "när anmälaren svarade att felet finns kvar.")),
    Population("response_breached", _l("Överskridna svarstider"), _l(
        "Ärenden vars mål för första svar passerades under månaden, även om ärendet fortfarande är öppet. "
        "Tidpunkten är när målet passerades; strax därefter får de ansvariga e-post om överskriden tid. "
        "Sammanfogade dubbletter ingår inte.")),
    Population("resolution_breached", _l("Överskridna lösningstider"), _l(
        "Ärenden vars mål för lösning passerades under månaden, även om ärendet fortfarande är öppet. "
        "Sammanfogade dubbletter ingår inte.")),
    Population("breached", _l("Ärenden med överskriden tid"), _l(
        "Ärenden med en överskriden svarstid eller lösningstid under månaden (ett ärende räknas en gång "
        "även om båda målen passerades). Orsaken är den som handläggaren skrev in för ärendet.")),
    Population("rated", _l("Svar om nöjdhet"), _l(
        "Anmälarnas svar på frågan om hur ärendet sköttes (1 mycket missnöjd – 5 mycket nöjd) som "
        "lämnades under månaden. Varje ärende kan få ett svar.")),
    Population("satisfied", _l("Nöjda svar"), _l("Svar om nöjdhet med betyget 4 eller 5.")),
]}

FIGURES = {f.key: f for f in [
    Figure("opened", POPULATIONS["opened"].title, POPULATIONS["opened"].definition, COUNT, "opened"),
    Figure("closed", POPULATIONS["closed"].title, POPULATIONS["closed"].definition, COUNT, "closed"),
    Figure("backlog", POPULATIONS["backlog"].title, POPULATIONS["backlog"].definition, COUNT, "backlog"),
    Figure("responded", POPULATIONS["responded"].title, POPULATIONS["responded"].definition, COUNT,
           "responded"),
    Figure("responded_in_time", POPULATIONS["responded_in_time"].title,
           POPULATIONS["responded_in_time"].definition, COUNT, "responded_in_time"),
    Figure("response_share", _l("Första svar inom målet, andel"), _l(
        "Första svar inom målet delat med mätta första svar, i procent."),
        SHARE, "responded", numerator="responded_in_time", goal=True),
    Figure("response_median", _l("Svarstid, median"), _l(
        "Medianen av svarstiden för de mätta första svaren. Svarstiden är den servicetid som gick från "
        "registreringen till första svaret, utan tid då ärendet väntade på anmälaren eller var löst. "
        "Medianen är värdet på plats ⌈n/2⌉ när de n tiderna sorteras från kortast till längst (vid jämnt "
        "antal den kortare av de två mittersta)."),
        DURATION, "responded", column="sla_first_response_seconds", rank=MEDIAN),
    Figure("response_p90", _l("Svarstid, 90:e percentil"), _l(
        "Värdet på plats ⌈0,9·n⌉ bland de sorterade svarstiderna: minst 9 av 10 mätta första svar kom "
        "inom den tiden."),
        DURATION, "responded", column="sla_first_response_seconds", rank=P90),
    Figure("resolved", POPULATIONS["resolved"].title, POPULATIONS["resolved"].definition, COUNT, "resolved"),
    Figure("resolved_in_time", POPULATIONS["resolved_in_time"].title,
           POPULATIONS["resolved_in_time"].definition, COUNT, "resolved_in_time"),
    Figure("resolution_share", _l("Lösta inom målet, andel"), _l(
        "Lösta inom målet delat med mätta lösningar, i procent."),
        SHARE, "resolved", numerator="resolved_in_time", goal=True),
    Figure("resolution_median", _l("Lösningstid, median"), _l(
        "Medianen av lösningstiden för de mätta lösningarna. Lösningstiden är den servicetid som gick från "
        "registreringen till att ärendet löstes, utan tid då ärendet väntade på anmälaren eller en "
        "leverantör och utan tid då det var löst innan det öppnades igen. Median som för svarstiden."),
        DURATION, "resolved", column="sla_resolution_seconds", rank=MEDIAN),
    Figure("resolution_p90", _l("Lösningstid, 90:e percentil"), _l(
        "Värdet på plats ⌈0,9·n⌉ bland de sorterade lösningstiderna: minst 9 av 10 mätta lösningar "
        "kom inom den tiden."),
        DURATION, "resolved", column="sla_resolution_seconds", rank=P90),
    Figure("paused", POPULATIONS["paused"].title, POPULATIONS["paused"].definition, COUNT, "paused"),
    Figure("paused_time", _l("Pausad tid, summa"), _l(
        "Summan av den servicetid som lösningstiden stod still i de pausade ärendena. Den ingår inte "
        "i lösningstiden."),
        TOTAL, "paused", column="sla_paused_seconds"),
    Figure("reopened", POPULATIONS["reopened"].title, POPULATIONS["reopened"].definition, COUNT, "reopened"),
    Figure("reopen_share", _l("Återöppnade, andel"), _l(
        "Återöppnade ärenden delat med mätta lösningar, i procent."),
        SHARE, "resolved", numerator="reopened"),
    Figure("response_breached", POPULATIONS["response_breached"].title,
           POPULATIONS["response_breached"].definition, COUNT, "response_breached"),
    Figure("resolution_breached", POPULATIONS["resolution_breached"].title,
           POPULATIONS["resolution_breached"].definition, COUNT, "resolution_breached"),
    Figure("breached", POPULATIONS["breached"].title, POPULATIONS["breached"].definition, COUNT, "breached"),
    Figure("rated", POPULATIONS["rated"].title, POPULATIONS["rated"].definition, COUNT, "rated"),
    Figure("satisfied", POPULATIONS["satisfied"].title, POPULATIONS["satisfied"].definition, COUNT, "satisfied"),
    Figure("rating_average", _l("Nöjdhet, medelbetyg"), _l(
        "Medelvärdet av svaren om nöjdhet (1–5), med en decimal."),
        AVERAGE, "rated", column="score"),
    Figure("satisfied_share", _l("Nöjda, andel"), _l(
        "Andelen svar om nöjdhet som var 4 eller 5, i procent."),
        SHARE, "rated", numerator="satisfied"),
]}

# The figures in each table row of the breakdowns, and in the 12-month trend.
BREAKDOWN_FIGURES = ("opened", "closed", "backlog", "response_share", "response_median", "resolution_share",
                     "resolution_median", "resolution_p90", "resolution_breached", "reopen_share")
TREND_FIGURES = ("opened", "closed", "backlog", "response_share", "resolution_share")

DIMENSIONS = {d.key: d for d in [
    Dimension("department", _l("Förvaltning (handläggande)"), _l(
        "Förvaltningen som ärendets supportgrupp hör till, det vill säga den som handlägger ärendet nu.")),
    Dimension("requester_department", _l("Anmälarens förvaltning"), _l(
        "Förvaltningen som anmälaren tillhörde när ärendet registrerades.")),
    Dimension("system", _l("System"), _l(
        "Systemet som ärendet gäller nu; Inget system när anmälaren inte valde något.")),
    Dimension("group", _l("Supportgrupp"), _l("Supportgruppen som har ärendet nu.")),
    Dimension("priority", _l("Prioritet"), _l("Ärendets prioritet nu, 1 kritisk till 4 låg.")),
    Dimension("channel", _l("Kanal"), _l("Hur ärendet kom in: webb, e-post, telefon eller API.")),
    Dimension("weekday", _l("Veckodag"), _l("Veckodagen då ärendet registrerades, i svensk tid.")),
    Dimension("hour", _l("Timme"), _l("Timmen då ärendet registrerades, i svensk tid (9 betyder 09.00–09.59).")),
    Dimension("weekday_hour", _l("Veckodag och timme"), _l("Veckodag och timme tillsammans, i svensk tid.")),
    Dimension("reason", _l("Orsak"), _l(
        "Orsaken som handläggaren skrev in till det överskridna målet; Ingen orsak angiven annars.")),
]}
BREAKDOWNS = ("department", "requester_department", "system", "group", "priority")

# Terms used in several definitions, shown first on the definitions page.
TERMS = [
    (_l("Månad"), _l(
        "En kalendermånad i svensk tid, från midnatt den första till midnatt den första nästa månad.")),
    (_l("Servicetid"), _l(
        "Öppettiderna i kalendern för ärendets system (annars organisationens kalender), utan helgdagar och "
        "med lokala avvikelser som halvdagar. För system med service dygnet runt räknas all tid. Alla "
        "svars- och lösningstider räknas i servicetid.")),
    (_l("Mål"), _l(
        "Servicenivåns mål för första svar och för lösning, som beror på systemets servicenivå (guld, "
        "silver eller brons) och ärendets prioritet. Tiden jämförs med det mål som gällde för ärendets "
        "prioritet när tiden räknades senast.")),
    (_l("Urval"), _l(
        "Rapporten räknar bara ärenden du har rätt att se och som hör till ditt ansvarsområde: en chef ser "
        "ärenden hos förvaltningens supportgrupper och på förvaltningens system, en systemägare sina "
        "system, en handläggare sina grupper och system, servicedesken och administratörer alla ärenden utom "
        "sekretessmarkerade, och informationssäkerhetssamordnare alla ärenden. Sekretessmarkerade ärenden "
        "räknas bara för den som får se dem.")),
    (_l("Nuvarande läge"), _l(
        "Siffrorna räknas från ärendenas historik som den ser ut när rapporten tas fram. Om ett ärende "
        "öppnas igen efter månadsskiftet flyttas det från den månad det först löstes till den månad det "
        "löses på nytt. Förvaltning, system, grupp och prioritet är ärendets nuvarande.")),
]
