"""Swedish names and job titles for synthetic employees."""

FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Christina", "Lena", "Emma", "Kerstin", "Marie",
    "Malin", "Ingrid", "Jenny", "Hanna", "Linda", "Annika", "Susanne", "Elin", "Monica", "Birgitta",
    "Sofia", "Johanna", "Camilla", "Ulla", "Helena", "Ida", "Julia", "Amanda", "Therese", "Åsa",
    "Fatima", "Amira", "Leila", "Maja", "Elsa", "Agnes", "Ebba", "Lisa", "Frida", "Märta",
    "Lars", "Mikael", "Anders", "Johan", "Per", "Erik", "Karl", "Peter", "Thomas", "Jan",
    "Daniel", "Fredrik", "Hans", "Bengt", "Mats", "Magnus", "Andreas", "Stefan", "Mattias", "Jonas",
    "Niklas", "Björn", "Henrik", "Marcus", "Martin", "Oskar", "Alexander", "Ali", "Mohammed", "Ahmed",
    "Göran", "Ulf", "Sven", "Kjell", "Leif", "Olle", "Viktor", "Emil", "Axel", "Hugo",
)

LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson",
    "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson", "Lindqvist", "Lindgren", "Berg",
    "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund",
    "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Ali", "Engström",
    "Mohamed", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk", "Bergman", "Gunnarsson",
    "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström", "Holmberg",
    "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Nordström", "Mårtensson",
    "Lundström", "Hassan", "Viklund", "Björklund", "Eliasson", "Pålsson", "Berggren", "Sandström",
    "Lund", "Nordin", "Ström", "Åberg", "Hermansson", "Ekström", "Holmgren", "Falk",
)

# Job titles by department short name; others get the generic list.
TITLES = {
    "KLK": ("Ekonom", "HR-konsult", "Kommunikatör", "Registrator", "Löneadministratör", "Utredare"),
    "BUF": ("Lärare", "Förskollärare", "Barnskötare", "Rektor", "Elevassistent", "Skoladministratör"),
    "SOC": ("Undersköterska", "Biståndshandläggare", "Socialsekreterare", "Sjuksköterska",
            "Enhetschef", "Vårdbiträde"),
    "MBF": ("Bygglovshandläggare", "Miljöinspektör", "Livsmedelsinspektör", "Mätningsingenjör"),
    "KFF": ("Bibliotekarie", "Fritidsledare", "Kultursekreterare", "Badmästare"),
    "TF": ("Drifttekniker", "VA-ingenjör", "Fastighetsskötare", "Gatuingenjör"),
    "EBAB": ("Bovärd", "Uthyrare", "Fastighetsförvaltare", "Kundtjänstmedarbetare"),
}
GENERIC_TITLES = ("Handläggare", "Administratör", "Samordnare")

# Relative head count per department short name (a kommun's schools and care are the bulk).
DEPARTMENT_WEIGHTS = {"KLK": 8, "BUF": 36, "SOC": 30, "MBF": 4, "KFF": 6, "TF": 9, "EBAB": 7}

_FOLD = str.maketrans("åäöéüÅÄÖÉÜ", "aaoeuAAOEU")


def ascii_fold(text: str) -> str:
    """A name as used in user names and e-mail addresses: lower case, no diacritics."""
    return text.translate(_FOLD).lower().replace(" ", "")
