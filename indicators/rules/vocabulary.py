"""Every Swedish label and fixed order for a code, in one place.

The codes themselves are the schema's (``db/models.py``: what the database accepts); this
module says how each one reads to a person and in which order lists show them. Pages,
files, PDFs and messages take their words from here, so a label cannot drift between two
places (tests/rules/test_vocabulary.py fails if another module defines such a mapping).
"""
from __future__ import annotations

from db.models import (
    ACTION_STATUSES, DIRECTIONS, GENDERS, MEETING_KINDS, ORG_KINDS, PERIODICITIES, ROLES, SOURCE_KINDS,
    VALUE_STATUSES,
)

# --- breakdowns ------------------------------------------------------------------------
GENDER_LABELS = {"T": "Totalt", "K": "Kvinnor", "M": "Män"}
GENDER_ORDER = {code: position for position, code in enumerate(GENDERS)}  # T, K, M
# Words accepted for a gender in forms and files (lower case).
GENDER_WORDS = {
    "t": "T", "totalt": "T", "total": "T", "samtliga": "T", "alla": "T",
    "k": "K", "kvinnor": "K", "kvinna": "K", "flickor": "K",
    "m": "M", "män": "M", "man": "M", "pojkar": "M",
}

# --- the catalogue ---------------------------------------------------------------------
DIRECTION_LABELS = {"higher": "högre är bättre", "lower": "lägre är bättre", "none": "ingen målriktning"}
PERIODICITY_LABELS = {"year": "år", "halfyear": "halvår", "quarter": "kvartal"}
SOURCE_LABELS = {"own": "egen uppgift", "kolada": "Kolada", "scb": "SCB", "survey": "enkät"}
# Words accepted for the coded fields in the catalogue workbook (the first is what the export writes).
CATALOGUE_FILE_WORDS = {
    "direction": {"higher": ["högre", "higher", DIRECTION_LABELS["higher"]],
                  "lower": ["lägre", "lower", DIRECTION_LABELS["lower"]],
                  "none": ["ingen", "none", DIRECTION_LABELS["none"], "ingen riktning"]},
    "periodicity": {code: [label, code] for code, label in PERIODICITY_LABELS.items()},
    "source_kind": {"own": ["egen", "own", SOURCE_LABELS["own"]], "kolada": ["kolada"], "scb": ["scb"],
                    "survey": ["enkät", "survey", "enkat"]},
}
# Kolada's terms of use ask for "Källa: Kolada" wherever its values are shown.
SOURCE_ATTRIBUTIONS = {"kolada": "Källa: Kolada", "scb": "Källa: SCB"}
VALUE_STATUS_LABELS = {"preliminär": "preliminär", "slutlig": "slutlig"}
ORG_KIND_LABELS = {"nämnd": "nämnd", "förvaltning": "förvaltning", "fullmäktige": "fullmäktige"}
ACTION_STATUS_LABELS = {"planerad": "planerad", "pågående": "pågående", "genomförd": "genomförd", "pausad": "pausad"}
MEETING_KIND_LABELS = {"ordinarie": "Ordinarie möte", "extra": "Extra möte"}
# The program's own words (Program för inkludering och social sammanhållning).
PROGRAM_GOAL_RULE = "Varje åtgärd ska motiveras av ett eller flera av programmets mål"

# --- status against targets and trend ---------------------------------------------------
MET, ON_TRACK, AT_RISK, OFF_TRACK = "mål nått", "på väg", "viss risk", "inte på väg"
NO_VALUE, NO_TARGET = "saknar värde", "saknar mål"
STATUSES = (MET, ON_TRACK, AT_RISK, OFF_TRACK, NO_VALUE, NO_TARGET)
# Icon + text, never colour alone. Okabe–Ito palette (safe for colour-blind viewers).
STATUS_ICONS = {MET: "✔", ON_TRACK: "●", AT_RISK: "▲", OFF_TRACK: "✖", NO_VALUE: "○", NO_TARGET: "–"}
STATUS_COLOURS = {
    MET: "#009E73", ON_TRACK: "#0072B2", AT_RISK: "#E69F00",
    OFF_TRACK: "#D55E00", NO_VALUE: "#999999", NO_TARGET: "#BBBBBB",
}
IMPROVED, UNCHANGED, WORSENED, NOT_ASSESSABLE = "förbättring", "oförändrat", "försämring", "kan inte bedömas"
INCREASE, DECREASE = "ökning", "minskning"  # change of an indicator without a target direction
TREND_ARROWS = {IMPROVED: "↑", UNCHANGED: "→", WORSENED: "↓", NOT_ASSESSABLE: "·"}
# Meeting mode: a change read in the indicator's desired direction, as arrow + word.
TREND_CHANGE_WORDS = {IMPROVED: ("▲", "bättre"), WORSENED: ("▼", "sämre"), UNCHANGED: ("→", "oförändrat"),
                INCREASE: ("▲", "ökning"), DECREASE: ("▼", "minskning"), NOT_ASSESSABLE: ("·", "kan inte bedömas")}
# ... and its colour on screen (Streamlit's Markdown colour names; the word says it without colour).
TREND_CHANGE_COLOURS = {IMPROVED: "green", WORSENED: "red"}

# --- people and the audit trail ---------------------------------------------------------
ROLE_LABELS = {"admin": "Processtöd (admin)", "official": "Tjänsteperson (rapportör)", "viewer": "Arbetsgrupp (läsare)"}
AUDIT_ACTION_LABELS = {
    "create": "skapad", "update": "ändrad", "delete": "borttagen", "refused": "nekad",
    "login": "inloggning", "login_failed": "misslyckad inloggning",
    "lock": "period låst", "unlock": "period upplåst", "import": "import",
    "publish": "publicerad", "withdraw": "tillbakadragen",
    "open_round": "rapportomgång öppnad", "submit": "klarmarkerad", "approve": "godkänd", "reopen": "återöppnad",
}
# The fields of a value in its audit trail (Historik, Ändringshistorik).
VALUE_FIELD_LABELS = {"value": "värde", "comment": "kommentar", "status": "preliminär/slutlig",
                      "missing_reason": "skäl till att värdet saknas", "count_n": "antal i underlaget",
                      "source_status": "källans status", "source": "källa"}
YES_NO = {True: "ja", False: "nej"}
# The free-text fields of the catalogue, actions and meetings, as refusals name them.
TEXT_FIELD_LABELS = {"code": "koden", "name": "namnet", "short_name": "kortnamnet", "description": "beskrivningen",
                     "title": "rubriken", "agenda": "dagordningen", "notes": "anteckningarna",
                     "decisions": "besluten", "attendee": "deltagarens namn", "indicator": "indikatorkoden",
                     "cost_estimate": "kostnaden"}
# What an official chooses for the stored comment when a value is corrected.
COMMENT_KEEP, COMMENT_EDIT, COMMENT_REMOVE = "keep", "edit", "remove"
COMMENT_REVIEW_LABELS = {COMMENT_KEEP: "Behåll kommentaren", COMMENT_EDIT: "Ändra kommentaren",
                         COMMENT_REMOVE: "Ta bort kommentaren"}
# Words accepted for the choice in files and the command line (lower case).
COMMENT_REVIEW_WORDS = {"keep": COMMENT_KEEP, "behåll": COMMENT_KEEP, "behall": COMMENT_KEEP,
                        "edit": COMMENT_EDIT, "ändra": COMMENT_EDIT, "andra": COMMENT_EDIT,
                        "remove": COMMENT_REMOVE, "ta bort": COMMENT_REMOVE, "ta-bort": COMMENT_REMOVE}

# --- reporting rounds and e-mail ---------------------------------------------------------
SUBMISSION_STATE_LABELS = {"open": "pågår", "submitted": "klarmarkerad", "approved": "godkänd"}
MESSAGE_KIND_LABELS = {"invitation": "inbjudan", "reminder": "påminnelse", "overdue": "försenad",
                       "confirmation": "bekräftelse"}
OUTBOX_STATE_LABELS = {"pending": "väntar på att skickas", "sent": "skickad"}

# --- the long format (files officials fill in) -------------------------------------------
LONG_COLUMNS = ["indikator", "period", "kön", "område", "värde", "kommentar"]
LONG_HEADERS = {"indikator": "Indikator", "period": "Period", "kön": "Kön", "område": "Område",
                "värde": "Värde", "kommentar": "Kommentar"}
SUPPRESSED = "–"  # a value withheld by the disclosure rule, or none at all
PROTECTED_MARK = "🔒 skyddas vid publicering"  # a withheld value shown to someone allowed to see it


def label(mapping: dict[str, str], code: object) -> str:
    """The label for a code; an unknown code is shown as it is rather than as 'None'."""
    return mapping.get(code, "" if code is None else str(code))


def _every_code_has_a_label() -> None:
    for codes, labels in ((GENDERS, GENDER_LABELS), (DIRECTIONS, DIRECTION_LABELS),
                          (PERIODICITIES, PERIODICITY_LABELS), (SOURCE_KINDS, SOURCE_LABELS),
                          (VALUE_STATUSES, VALUE_STATUS_LABELS), (ORG_KINDS, ORG_KIND_LABELS),
                          (ACTION_STATUSES, ACTION_STATUS_LABELS), (MEETING_KINDS, MEETING_KIND_LABELS),
                          (ROLES, ROLE_LABELS)):
        missing = set(codes) - set(labels)
        assert not missing, f"codes without a Swedish label: {sorted(missing)}"


_every_code_has_a_label()
