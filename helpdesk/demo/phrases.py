"""Swedish phrases that synthetic tickets are written from.

Per demo system: how common its tickets are, typical problems (subject and a
sentence of description) and typical answers. Systems not listed here get
generic texts built from their name.
"""

# name: (relative ticket volume, [(subject, description)], [answer])
SYSTEMS = {
    "E-post och kalender": (10, [
        ("Outlook startar inte", "Outlook fastnar på 'Läser in profil' och stänger sedan ner sig."),
        ("Kan inte skicka mejl", "Mejlen blir liggande i utkorgen och skickas aldrig."),
        ("Delad brevlåda saknas", "Den delade brevlådan för vår enhet syns inte längre i Outlook."),
        ("Kalenderinbjudan kommer inte fram", "Mina kalenderinbjudningar kommer inte fram till externa mottagare."),
        ("Brevlådan är full", "Jag får meddelande om att brevlådan är full och kan inte ta emot mejl."),
    ], ["Vi har gett dig behörighet till brevlådan igen, starta om Outlook så dyker den upp.",
        "Vi har utökat din brevlåda. Töm gärna mappen Borttaget då och då.",
        "Vi har återskapat din Outlook-profil. Logga ut och in igen."]),
    "Telefoni och växel": (5, [
        ("Mobilen ringer inte", "Samtal till min mobil går direkt till röstbrevlådan."),
        ("Vidarekoppling fungerar inte", "Jag kan inte ställa in vidarekoppling från min anknytning."),
        ("Ny mobiltelefon", "Min tjänstetelefon har gått sönder och jag behöver en ny."),
        ("Fel namn i växeln", "Växeln presenterar mig med fel namn och titel."),
    ], ["Vi har rättat uppgifterna i växeln.",
        "Ny telefon är beställd och kan hämtas i receptionen om två dagar.",
        "Vidarekopplingen är nu aktiverad från växeln."]),
    "Nätverk och wifi": (6, [
        ("Inget wifi i konferensrummet", "Wifi-nätet syns inte i konferensrummet på plan 3."),
        ("VPN kopplar ner", "VPN-anslutningen bryts var tionde minut när jag arbetar hemifrån."),
        ("Långsamt nätverk", "Nätverket är mycket långsamt, det tar minuter att öppna filer på G:."),
        ("Nätverksuttag fungerar inte", "Nätverksuttaget vid mitt skrivbord ger ingen anslutning."),
    ], ["En accesspunkt var trasig och är nu utbytt.",
        "Vi har uppdaterat VPN-klienten på din dator.",
        "Uttaget var inte patchat, det är åtgärdat nu."]),
    "Klientdatorer": (14, [
        ("Datorn startar inte", "Min bärbara dator startar inte efter uppdateringen i natt."),
        ("Datorn är mycket långsam", "Datorn har blivit väldigt långsam, det tar lång tid att starta program."),
        ("Blåskärm", "Datorn får blåskärm flera gånger om dagen."),
        ("Ny dator till nyanställd", "Vi behöver en bärbar dator med dockningsstation till en nyanställd."),
        ("Skärmen flimrar", "Den externa skärmen flimrar och blir svart ibland."),
        ("Installera program", "Jag behöver få ett program installerat som inte finns i Företagsportalen."),
    ], ["Vi har installerat om datorn, dina filer i OneDrive finns kvar.",
        "Dockningsstationen var trasig och är utbytt.",
        "Programmet finns nu i Företagsportalen, installera det därifrån.",
        "Vi har uppdaterat drivrutinerna för grafikkortet."]),
    "Skrivare och utskrift": (9, [
        ("Skrivaren skriver inte ut", "Skrivaren i korridoren tar emot jobben men skriver inte ut något."),
        ("Pappersstopp i kopiatorn", "Det är pappersstopp i kopiatorn och det går inte att få bort."),
        ("Skanna till e-post fungerar inte", "När jag skannar till e-post kommer inget fram."),
        ("Skrivaren saknas i listan", "Skrivaren på vår enhet finns inte med när jag ska skriva ut."),
        ("Slut på toner", "Skrivaren säger att tonern är slut, var beställer vi ny?"),
    ], ["Toner är beställd och kommer med nästa leverans.",
        "Tekniker från leverantören har bytt fixeringsenheten.",
        "Skrivaren är tillagd i din utskriftskö igen."]),
    "Dokument- och ärendehantering (diariet)": (3, [
        ("Kan inte registrera handling", "Jag får fel när jag försöker registrera en inkommande handling i diariet."),
        ("Behörighet till diariet", "Jag behöver behörighet att se ärenden för min nämnd i diariet."),
        ("Sökningen i diariet hittar inget", "Sökningen i ärendehanteringen ger inga träffar trots att ärendet finns."),
    ], ["Behörigheten är tilldelad, den gäller från nästa inloggning.",
        "Sökindexet är återuppbyggt och sökningen fungerar igen."]),
    "Microsoft 365 (Teams, OneDrive)": (12, [
        ("Teams visar ingen bild", "I Teamsmöten syns varken min eller andras kamerabild."),
        ("OneDrive synkar inte", "OneDrive säger att synkroniseringen är pausad och filerna uppdateras inte."),
        ("Kan inte dela fil i Teams", "Jag får felet 'Åtkomst nekad' när jag delar en fil i en Teamskanal."),
        ("Excel kraschar", "Excel stänger sig själv när jag öppnar vår budgetfil."),
        ("Nytt team för projekt", "Vi vill ha ett nytt team i Teams för ett projekt med fem deltagare."),
    ], ["Teamet är skapat och du är ägare.",
        "Vi har återställt OneDrive-klienten, synkroniseringen är igång igen.",
        "Uppdatera Office via Företagsportalen så ska felet försvinna."]),
    "Inloggning och behörigheter": (12, [
        ("Glömt lösenord", "Jag har glömt mitt lösenord och kommer inte in på datorn."),
        ("Kontot är låst", "Mitt konto är låst efter för många felaktiga inloggningar."),
        ("SITHS-kortet fungerar inte", "Datorn läser inte mitt SITHS-kort och jag kommer inte in i journalen."),
        ("Tvåfaktorsinloggning på ny telefon", "Jag har bytt telefon och behöver flytta tvåfaktorsinloggningen."),
        ("Konto till nyanställd", "Vi behöver ett konto och e-post till en nyanställd som börjar på måndag."),
    ], ["Kontot är upplåst, byt gärna lösenord via självservicen.",
        "Vi har nollställt MFA, registrera den nya telefonen vid nästa inloggning.",
        "Kontot är skapat, inloggningsuppgifter skickas till chefen."]),
    "Intranät": (2, [
        ("Sidan på intranätet går inte att redigera", "Jag får inte upp redigeringsläget för vår enhets sida."),
        ("Fel i telefonlistan", "Min titel och mitt nummer är fel i telefonlistan på intranätet."),
    ], ["Du har nu redaktörsbehörighet för sidan.", "Uppgifterna uppdateras från personalsystemet i natt."]),
    "Webbplats exempelby.se": (2, [
        ("E-tjänsten visar fel", "E-tjänsten för ansökan visar ett felmeddelande för medborgarna."),
        ("Publicera nyhet", "Jag behöver hjälp att publicera en nyhet på webbplatsen."),
    ], ["E-tjänsten är omstartad och fungerar igen.", "Nyheten är publicerad."]),
    "Lönesystem": (5, [
        ("Fel på lönespecifikationen", "Min OB-ersättning saknas på lönespecen."),
        ("Kan inte registrera frånvaro", "Jag får fel när jag registrerar sjukfrånvaro i lönesystemet."),
        ("Semesterdagar stämmer inte", "Antalet sparade semesterdagar stämmer inte med förra året."),
        ("Attestera tidrapporter", "Som ny chef kan jag inte attestera mina medarbetares tidrapporter."),
    ], ["Lönekontoret har rättat ersättningen, den kommer med nästa lön.",
        "Du har nu attestbehörighet för din enhet."]),
    "Ekonomisystem": (4, [
        ("Faktura fastnar i attestflödet", "En leverantörsfaktura har fastnat och går inte att attestera."),
        ("Behörighet i ekonomisystemet", "Jag behöver behörighet till rapporterna för mitt ansvar."),
        ("Rapporten visar fel belopp", "Uppföljningsrapporten visar fel belopp för oktober."),
    ], ["Fakturan är flyttad till rätt attestant.", "Behörigheten är tilldelad."]),
    "E-handel och inköp": (2, [
        ("Kan inte lägga beställning", "Varukorgen töms när jag försöker skicka beställningen."),
        ("Leverantör saknas i e-handeln", "Vår avtalsleverantör av kontorsmaterial finns inte i e-handeln."),
    ], ["Leverantören är upplagd i e-handelssystemet.", "Felet är rättat, prova att beställa igen."]),
    "Skolplattform": (6, [
        ("Vårdnadshavare kommer inte in", "En vårdnadshavare kan inte logga in i skolplattformen med BankID."),
        ("Betyg går inte att spara", "Jag kan inte spara betygen för min klass i skolplattformen."),
        ("Elev saknas i gruppen", "En ny elev syns inte i min undervisningsgrupp."),
        ("Frånvaroanmälan fungerar inte", "Frånvaroanmälan från vårdnadshavare kommer inte fram till mentorn."),
    ], ["Eleven är tillagd i gruppen från elevregistret.",
        "Vårdnadshavarens koppling är rättad, inloggningen fungerar nu."]),
    "Elevdatorer": (5, [
        ("Chromebook kommer inte ut på nätet", "Elevernas Chromebooks kommer inte ut på nätet i klassrummet."),
        ("Trasig skärm på elevdator", "En elev har tappat sin dator och skärmen är spräckt."),
        ("iPad låst", "Elevens iPad är låst med en kod som ingen minns."),
    ], ["Datorn är skickad på reparation, eleven får en lånedator.",
        "Läsplattan är återställd från hanteringssystemet."]),
    "Schemaläggning skola": (2, [
        ("Schemat visar fel sal", "Schemat visar fel sal för matematiken på torsdagar."),
        ("Schemat syns inte för eleverna", "Eleverna ser inte sitt nya schema i appen."),
    ], ["Schemat är publicerat på nytt."]),
    "Förskoleappen": (2, [
        ("Närvaro syns inte", "Barnens närvaro syns inte i förskoleappen i dag."),
        ("Vårdnadshavare kan inte lägga schema", "Vårdnadshavare får fel när de lägger in schematider."),
    ], ["Leverantören har åtgärdat felet i appen."]),
    "Verksamhetssystem socialtjänst": (6, [
        ("Kan inte spara biståndsbeslut", "När jag sparar ett beslut får jag felet 'Sessionen har gått ut'."),
        ("Journalanteckning försvann", "En journalanteckning jag skrev i går går inte att hitta."),
        ("Behörighet till verksamhetssystemet", "Ny socialsekreterare behöver behörighet till verksamhetssystemet."),
        ("Utskrift av utredning fungerar inte", "Det går inte att skriva ut utredningen, inget händer."),
    ], ["Behörigheten är beslutad av systemförvaltaren och upplagd.",
        "Anteckningen låg sparad som utkast och är nu återställd."]),
    "Trygghetslarm": (2, [
        ("Larm kommer inte fram", "Ett trygghetslarm hos en brukare når inte larmcentralen."),
        ("Nytt trygghetslarm", "En brukare har beviljats trygghetslarm som behöver installeras."),
    ], ["Larmet är testat och fungerar, batteriet var slut.", "Installationen är bokad."]),
    "Journalsystem hälso- och sjukvård": (3, [
        ("Läkemedelslistan laddas inte", "Läkemedelslistan i journalen laddas inte."),
        ("Signering fungerar inte", "Jag kan inte signera mina anteckningar med SITHS-kortet."),
    ], ["Certifikatet på ditt SITHS-kort var spärrat, det är förnyat.",
        "Leverantören har rättat felet i läkemedelsmodulen."]),
    "Bygglovssystem": (2, [
        ("Bygglovssystemet är långsamt", "Det tar flera minuter att öppna ett bygglovsärende."),
        ("Kan inte skicka beslut", "Beslutet går inte att skicka till sökanden."),
    ], ["Servern har fått mer minne och systemet går snabbare."]),
    "GIS och kartor": (1, [
        ("Kartlager saknas", "Lagret med detaljplaner syns inte i kartan."),
    ], ["Lagret är publicerat igen."]),
    "Miljö- och hälsoskyddsregister": (1, [
        ("Inspektionsrapport går inte att skapa", "Jag kan inte skapa en inspektionsrapport för livsmedelskontroll."),
    ], ["Mallen för rapporten är uppdaterad."]),
    "Bibliotekssystem": (1, [
        ("Utlåningen fungerar inte", "Självbetjäningsautomaten på biblioteket tar inte emot lån."),
    ], ["Automaten är omstartad och fungerar igen."]),
    "Lokalbokning": (1, [
        ("Bokningen syns inte", "En bokning av idrottshallen syns inte i lokalbokningen."),
    ], ["Bokningen är återskapad."]),
    "Driftövervakning VA": (1, [
        ("Larm från pumpstation saknas", "Vi får inga larm från pumpstationen vid reningsverket."),
    ], ["Kommunikationen till stationen är återställd."]),
    "Fastighetssystem": (2, [
        ("Felanmälan från hyresgäst syns inte", "Felanmälningar från hyresgäster syns inte i fastighetssystemet."),
        ("Hyresavtal går inte att skriva ut", "Det går inte att skriva ut nya hyresavtal."),
    ], ["Integrationen mot felanmälan är omstartad."]),
}

# Tickets without a system: questions and orders the service desk triages.
NO_SYSTEM = [
    ("Ny medarbetare behöver dator och konto", "Vi får en ny medarbetare som behöver dator, konto och e-post."),
    ("Flytt av arbetsplats", "Vår enhet flyttar och behöver hjälp att flytta datorer och skrivare."),
    ("Fråga om programvara", "Vilket program ska vi använda för att göra enkäter?"),
    ("Behörighet till gemensam mapp", "Jag behöver behörighet till enhetens gemensamma mapp."),
    ("Något fungerar inte", "Jag vet inte vilket system det gäller men inget fungerar som det ska."),
    ("Beställning av headset", "Jag behöver ett nytt headset till datorn."),
]
NO_SYSTEM_ANSWERS = ["Vi har ordnat det, hör av dig om något mer behövs.",
                     "Beställningen är lagd och levereras inom en vecka."]

GREETINGS = ("Hej!", "Hej,", "Hejsan!", "God morgon!", "Hej servicedesk!", "Hej IT,")
DETAILS = (
    "Det började i morse.", "Felet kommer varje gång jag försöker.",
    "Jag har startat om datorn men det hjälper inte.", "Samma sak händer för flera kollegor.",
    "Det fungerade i går.", "Det har hänt några gånger den här veckan.",
    "Jag har provat en annan dator med samma resultat.", "Jag bifogar en skärmbild.",
)
PLACES = (
    "kommunhuset plan 2", "Norrskolan", "Söderskolan", "äldreboendet Solgården", "äldreboendet Björkhagen",
    "biblioteket i centrum", "förskolan Trollstigen", "hemtjänsten Väster", "reningsverket",
    "stadshuset", "Tekniska kontoret", "fritidsgården Kupolen", "Ekbackens gymnasium",
)
URGENCY_TEXT = {1: "Jag kan inte arbeta alls just nu.", 2: "Det går att jobba men tar mycket längre tid.",
                3: "Det är inte bråttom."}
IMPACT_TEXT = {1: "Hela arbetsplatsen är drabbad.", 2: "Flera av oss på enheten har samma problem.", 3: ""}
CLOSINGS = ("Tack på förhand!", "Mvh", "Vänliga hälsningar", "Tacksam för snabb hjälp.", "Tack!")
ACKS = ("Tack för ditt ärende.", "Tack för att du hörde av dig.", "Vi har tittat på det.")
QUESTIONS = (
    "Kan du skicka en skärmbild på felmeddelandet?", "Vilket datornamn står på etiketten under datorn?",
    "Gäller det även dina kollegor?", "När kan vi nå dig på telefon för att felsöka tillsammans?",
)
NOTES = (
    "Kontrollerat i loggarna, felet syns från klockan {hour}.", "Eskalerat till leverantören, deras ärende {code}.",
    "Samma fel som i flera andra ärenden i dag, troligen en störning.", "Ringt användaren, inget svar.",
    "Behörigheten godkänd av systemförvaltaren.",
)
REQUESTER_REPLIES = (
    "Tack, nu fungerar det igen!", "Det fungerar tyvärr fortfarande inte.", "Här kommer skärmbilden.",
    "Jag sitter i {place} hela dagen, ring gärna.", "Ja, det gäller alla på enheten.",
)
SIGNATURES = ("Vänliga hälsningar", "Mvh", "Hälsningar")
