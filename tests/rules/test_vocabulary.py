"""One vocabulary: every Swedish label and fixed order for a code lives in
indicators/rules/vocabulary.py. These tests fail when another module defines its own."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from db import models
from indicators.rules import vocabulary

ROOT = Path(__file__).resolve().parents[2]
VOCABULARY = ROOT / "indicators" / "rules" / "vocabulary.py"
SOURCES = sorted(
    [p for folder in ("indicators", "pages", "ui", "seed") for p in (ROOT / folder).rglob("*.py")]
    + [ROOT / name for name in ("app.py", "cli.py", "bootstrap.py")]
)
CODE_SETS = {
    "gender": set(models.GENDERS), "direction": set(models.DIRECTIONS), "periodicity": set(models.PERIODICITIES),
    "source": set(models.SOURCE_KINDS), "role": set(models.ROLES), "meeting kind": set(models.MEETING_KINDS),
    "organisation kind": set(models.ORG_KINDS), "action status": set(models.ACTION_STATUSES),
    "status": set(vocabulary.STATUSES), "audit action": set(vocabulary.AUDIT_ACTION_LABELS),
    "submission state": set(models.SUBMISSION_STATES), "message kind": set(models.MESSAGE_KINDS),
    "outbox state": set(models.OUTBOX_STATES),
}
LABEL_MAPPINGS = [getattr(vocabulary, name) for name in dir(vocabulary)
                  if name.endswith("_LABELS") and isinstance(getattr(vocabulary, name), dict)]
# Labels of more than one word are specific enough to recognise as a copy.
PHRASES = {label for mapping in LABEL_MAPPINGS for label in mapping.values() if " " in label}
PHRASES |= {s for s in vocabulary.STATUSES if " " in s} | {vocabulary.NOT_ASSESSABLE}


def _constant(node: ast.AST) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _label_dicts(tree: ast.AST):
    """Dict literals keyed by the codes of one vocabulary set, with text or order values."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict) or len(node.keys) < 2:
            continue
        keys = [_constant(k) for k in node.keys]
        values = [_constant(v) for v in node.values]
        if not all(isinstance(k, str) for k in keys):
            continue
        is_order = all(isinstance(v, int) for v in values) and sorted(values) == list(range(len(values)))
        is_text = all(isinstance(v, str) and not v.startswith("#") for v in values)
        if not (is_order or is_text):
            continue  # colours, styles and quantities per code are not vocabulary
        for kind, codes in CODE_SETS.items():
            if set(keys) <= codes:
                yield node.lineno, kind


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_but_the_vocabulary_maps_codes_to_labels_or_order(path):
    if path == VOCABULARY:
        return
    found = [f"line {line}: a {kind} mapping" for line, kind in _label_dicts(ast.parse(path.read_text("utf-8")))]
    assert not found, f"{path.relative_to(ROOT)} defines its own labels or order; use indicators/rules/vocabulary.py: {found}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_but_the_vocabulary_spells_out_a_label(path):
    if path == VOCABULARY:
        return
    literals = {n.value for n in ast.walk(ast.parse(path.read_text("utf-8")))
                if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    copied = sorted(literals & PHRASES)
    assert not copied, f"{path.relative_to(ROOT)} writes out vocabulary labels {copied}; import them instead"


def test_every_code_of_the_schema_has_a_label_and_an_order():
    assert list(vocabulary.GENDER_ORDER) == list(models.GENDERS)
    for codes, labels in ((models.DIRECTIONS, vocabulary.DIRECTION_LABELS), (models.ROLES, vocabulary.ROLE_LABELS),
                          (models.PERIODICITIES, vocabulary.PERIODICITY_LABELS),
                          (models.SOURCE_KINDS, vocabulary.SOURCE_LABELS),
                          (models.MEETING_KINDS, vocabulary.MEETING_KIND_LABELS),
                          (models.SUBMISSION_STATES, vocabulary.SUBMISSION_STATE_LABELS),
                          (models.MESSAGE_KINDS, vocabulary.MESSAGE_KIND_LABELS),
                          (models.OUTBOX_STATES, vocabulary.OUTBOX_STATE_LABELS)):
        assert set(codes) == set(labels)
    assert set(vocabulary.STATUS_ICONS) == set(vocabulary.STATUSES)


def test_the_check_recognises_a_copied_mapping():
    tree = ast.parse('LABELS = {"higher": "uppåt", "lower": "nedåt"}\nORDER = {"T": 0, "K": 1, "M": 2}')
    assert [kind for _line, kind in _label_dicts(tree)] == ["direction", "gender"]
