"""The demo organisation, Exempelby kommun, as data."""

KOMMUN = {"name": "Exempelby kommun", "kind": "kommun", "org_number": "212000-0000"}
BOLAG = {"name": "Exempelby Bostäder AB", "kind": "bolag", "org_number": "556000-0000"}

# (key, name, short name, organisation)
DEPARTMENTS = [
    ("klk", "Kommunledningskontoret", "KLK", "kommun"),
    ("buf", "Barn- och utbildningsförvaltningen", "BUF", "kommun"),
    ("soc", "Socialförvaltningen", "SOC", "kommun"),
    ("mbf", "Miljö- och byggförvaltningen", "MBF", "kommun"),
    ("kff", "Kultur- och fritidsförvaltningen", "KFF", "kommun"),
    ("tf", "Tekniska förvaltningen", "TF", "kommun"),
    ("bost", "Exempelby Bostäder AB", "EBAB", "bolag"),
]

# (key, name, department, e-mail, is the central service desk)
GROUPS = [
    ("desk", "Servicedesk", "klk", "servicedesk@exempelby.se", True),
    ("drift", "IT-drift", "klk", "itdrift@exempelby.se", False),
    ("ekon", "Ekonomi- och lönesystem", "klk", "ekonomisystem@exempelby.se", False),
    ("skolit", "Skol-IT", "buf", "skolit@exempelby.se", False),
    ("socsys", "Verksamhetssystem Socialförvaltningen", "soc", "socsystem@exempelby.se", False),
    ("mbfsys", "Systemförvaltning Miljö och bygg", "mbf", "mbfsystem@exempelby.se", False),
    ("tfdrift", "Teknisk drift och VA", "tf", "tekniskdrift@exempelby.se", False),
    ("bostit", "Bostäder IT", "bost", "it@exempelbybostader.se", False),
    ("sec", "Informationssäkerhet", "klk", "informationssakerhet@exempelby.se", False),
]
SECURITY_GROUP = "sec"  # the security officers' group: every security incident goes here

# (username, full name, department, roles, groups (lead marked with *), title)
USERS = [
    ("anna", "Anna Lindqvist", "soc", [], [], "Biståndshandläggare"),
    ("erik", "Erik Johansson", "klk", ["agent"], ["desk"], "Servicedesktekniker"),
    ("sara", "Sara Nilsson", "soc", ["agent"], ["*socsys"], "Systemförvaltare, gruppledare"),
    ("olle", "Olle Berg", "soc", ["system_admin"], [], "Systemförvaltare verksamhetssystem"),
    ("maria", "Maria Ek", "klk", ["manager", "system_owner"], [], "IT-chef"),
    ("ines", "Ines Karlsson", "klk", ["security_officer"], ["*sec"], "Informationssäkerhetssamordnare"),
    ("admin", "Systemadministratör", "klk", ["admin"], [], "IT-enheten"),
    ("lena", "Lena Andersson", "klk", ["agent"], ["*desk", "drift"], "Servicedeskansvarig"),
    ("johan", "Johan Persson", "buf", ["agent"], ["*skolit"], "IT-pedagog"),
    ("per", "Per Svensson", "klk", ["agent"], ["*ekon"], "Systemförvaltare ekonomi och lön"),
    ("ahmed", "Ahmed Hassan", "mbf", ["agent", "system_admin"], ["*mbfsys"], "GIS-ingenjör"),
    ("karin", "Karin Holm", "soc", ["manager", "system_owner"], [], "Socialchef"),
    ("bo", "Bo Gustafsson", "tf", ["agent"], ["*tfdrift"], "Drifttekniker VA"),
    ("elin", "Elin Forsberg", "bost", ["agent"], ["*bostit"], "IT-samordnare"),
    ("fatima", "Fatima Ali", "buf", [], [], "Lärare"),
    ("goran", "Göran Lund", "mbf", [], [], "Bygglovshandläggare"),
    ("helena", "Helena Åberg", "kff", [], [], "Bibliotekarie"),
]

# (name, department, group, owner, admin, deputy, tier, K, R, T, S, common, keywords, description)
SYSTEMS = [
    ("E-post och kalender", "klk", "desk", "maria", "lena", "erik", "guld", 2, 2, 3, 2, True,
     "outlook exchange mejl mail kalender", "E-post, kalender och delade brevlådor (Exchange Online)."),
    ("Telefoni och växel", "klk", "desk", "maria", "lena", "erik", "guld", 1, 2, 3, 1, True,
     "telefon växel mobil samtal", "Växel, anknytningar och mobiltelefoni."),
    ("Nätverk och wifi", "klk", "drift", "maria", "lena", None, "guld", 1, 2, 3, 1, True,
     "nätverk wifi vpn internet", "Trådbundet nät, wifi och VPN."),
    ("Klientdatorer", "klk", "desk", "maria", "erik", "lena", "silver", 1, 1, 2, 1, True,
     "dator pc laptop windows bärbar", "Kommunens datorer och deras programvara."),
    ("Skrivare och utskrift", "klk", "desk", "maria", "erik", None, "brons", 1, 1, 1, 1, True,
     "skrivare utskrift scanner kopiator", "Skrivare, kopiatorer och skanning."),
    ("Dokument- och ärendehantering (diariet)", "klk", "desk", "maria", "lena", "erik", "silver", 3, 3, 2, 3, True,
     "diarium registrator ärendehantering public 360", "Kommunens diarium och ärendehanteringssystem."),
    ("Microsoft 365 (Teams, OneDrive)", "klk", "desk", "maria", "lena", "erik", "silver", 2, 2, 2, 2, True,
     "teams onedrive sharepoint office word excel", "Teams, OneDrive, SharePoint och Office-programmen."),
    ("Inloggning och behörigheter", "klk", "drift", "maria", "lena", None, "guld", 3, 3, 3, 3, True,
     "lösenord inloggning konto siths mfa", "Konton, lösenord, SITHS-kort och tvåfaktorsinloggning."),
    ("Intranät", "klk", "desk", "maria", "erik", None, "brons", 1, 1, 1, 1, True,
     "intranät insidan", "Kommunens intranät."),
    ("Webbplats exempelby.se", "klk", "desk", "maria", "lena", None, "silver", 0, 2, 2, 1, True,
     "webb hemsida webbplats", "Den externa webbplatsen och e-tjänsteplattformen."),
    ("Lönesystem", "klk", "ekon", "maria", "per", None, "silver", 3, 3, 2, 3, False,
     "lön lönespec heroma semester frånvaro", "Lön, frånvaro och schemaredovisning."),
    ("Ekonomisystem", "klk", "ekon", "maria", "per", None, "silver", 2, 3, 2, 3, False,
     "ekonomi faktura attest raindance", "Redovisning, attest och leverantörsfakturor."),
    ("E-handel och inköp", "klk", "ekon", "maria", "per", None, "brons", 1, 2, 1, 2, False,
     "beställning inköp e-handel", "Inköp och e-handel."),
    ("Skolplattform", "buf", "skolit", None, "johan", None, "silver", 3, 2, 2, 2, False,
     "skola elev vårdnadshavare betyg unikum", "Lärplattform, omdömen och kontakt med vårdnadshavare."),
    ("Elevdatorer", "buf", "skolit", None, "johan", None, "brons", 1, 1, 2, 1, False,
     "elev chromebook ipad", "Elevernas datorer och läsplattor."),
    ("Schemaläggning skola", "buf", "skolit", None, "johan", None, "brons", 1, 2, 2, 1, False,
     "schema skola24", "Scheman för skolorna."),
    ("Förskoleappen", "buf", "skolit", None, "johan", None, "brons", 2, 2, 2, 2, False,
     "förskola närvaro tempus", "Närvaro och schema i förskolan."),
    ("Verksamhetssystem socialtjänst", "soc", "socsys", "karin", "olle", "sara", "guld", 4, 3, 3, 4, False,
     "lifecare treserva journal biståndsbeslut", "Dokumentation och beslut inom socialtjänsten."),
    ("Trygghetslarm", "soc", "socsys", "karin", "olle", "sara", "guld", 3, 3, 4, 3, False,
     "larm trygghetslarm hemtjänst", "Trygghetslarm och larmmottagning för hemtjänsten."),
    ("Journalsystem hälso- och sjukvård", "soc", "socsys", "karin", "olle", "sara", "guld", 4, 4, 3, 4, False,
     "journal hsl sjuksköterska läkemedel", "Journalföring för kommunal hälso- och sjukvård."),
    ("Bygglovssystem", "mbf", "mbfsys", None, "ahmed", None, "silver", 2, 3, 2, 2, False,
     "bygglov ärende byggr", "Handläggning av bygglov och anmälningar."),
    ("GIS och kartor", "mbf", "mbfsys", None, "ahmed", None, "brons", 1, 2, 1, 1, False,
     "gis karta kartor", "Kartor och geografisk information."),
    ("Miljö- och hälsoskyddsregister", "mbf", "mbfsys", None, "ahmed", None, "brons", 2, 2, 1, 2, False,
     "miljö tillsyn livsmedel ecos", "Tillsyn inom miljö, hälsoskydd och livsmedel."),
    ("Bibliotekssystem", "kff", "desk", None, "erik", None, "brons", 1, 1, 1, 1, False,
     "bibliotek lån koha", "Utlåning och katalog på biblioteken."),
    ("Lokalbokning", "kff", "desk", None, "erik", None, "brons", 1, 1, 1, 1, False,
     "bokning lokal idrottshall", "Bokning av lokaler och idrottshallar."),
    ("Driftövervakning VA", "tf", "tfdrift", None, "bo", None, "guld", 2, 4, 4, 3, False,
     "scada va vatten avlopp pumpstation", "Styr- och övervakningssystem för vatten och avlopp."),
    ("Fastighetssystem", "bost", "bostit", None, "elin", None, "silver", 2, 2, 2, 2, False,
     "hyresgäst felanmälan fastighet vitec", "Hyresavtal, fastigheter och felanmälan för hyresgäster."),
]

# (position, name, field, value (department key for departments), target group)
ROUTING_RULES = [
    (10, "Bostadsbolagets anställda", "requester_department", "bost", "bostit"),
    (20, "Skolfrågor", "keyword", "elev, skola, chromebook, vårdnadshavare", "skolit"),
    (30, "Lön och frånvaro", "keyword", "lön, lönespec, semesterlön, frånvaro", "ekon"),
    (40, "Nätverk", "keyword", "wifi, nätverk, vpn", "drift"),
    (50, "Skol-IT:s brevlåda", "mailbox", "skolit", "skolit"),
]

# (requester, system or None, subject, body, impact, urgency, hours ago, agent actions)
TICKETS = [
    ("anna", "Verksamhetssystem socialtjänst", "Kan inte spara biståndsbeslut",
     "När jag sparar ett beslut i verksamhetssystemet får jag felet 'Sessionen har gått ut'. Det gäller alla beslut sedan i morse.",
     2, 1, 3, ["claim:sara", "reply:sara:Vi tittar på det. Gäller det även dina kollegor?"]),
    ("anna", "Skrivare och utskrift", "Skrivaren på plan 2 skriver ut tomma sidor",
     "Skrivaren vid fikarummet på plan 2 matar ut tomma sidor.", 2, 3, 26, ["claim:erik", "status:erik:waiting_supplier"]),
    ("fatima", "Elevdatorer", "Elevernas Chromebooks kommer inte åt wifi",
     "Sedan i går kommer ingen Chromebook i klass 4B ut på nätet.", 1, 2, 5, []),
    ("goran", "Bygglovssystem", "Bygglovssystemet är mycket långsamt",
     "Det tar flera minuter att öppna ett ärende.", 2, 2, 30, ["claim:ahmed"]),
    ("helena", None, "Ny medarbetare behöver dator och konto",
     "Vi får en ny bibliotekarie den 1 december som behöver dator, konto och e-post.", 3, 3, 50, []),
    ("anna", "E-post och kalender", "Delad kalender syns inte",
     "Gruppens delade kalender har försvunnit ur Outlook.", 3, 3, 120,
     ["claim:erik", "reply:erik:Nu ska kalendern synas igen. Starta om Outlook.", "status:erik:solved"]),
    ("fatima", "Lönesystem", "Fel på lönespecifikationen",
     "Min OB-ersättning för oktober saknas på lönespecen.", 3, 3, 70, []),
    ("goran", "Klientdatorer", "Datorn startar inte",
     "Min bärbara dator startar inte efter uppdateringen i natt.", 3, 1, 2, []),
]

# (name, address, default group, closed-ticket policy)
MAILBOXES = [
    ("servicedesk", "servicedesk@exempelby.se", "desk", "reopen"),
    ("skolit", "skolit@exempelby.se", "skolit", "new_linked"),
]

# Systems whose incidents are handled around the clock.
ROUND_THE_CLOCK_SYSTEMS = ["Trygghetslarm", "Driftövervakning VA"]
