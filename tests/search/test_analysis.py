"""Tests for registry.search.analysis: the one mapping from words to index terms."""

import pytest

from registry.search import Synonyms
from registry.search.analysis import Normaliser, exact_key, fold_spelling
from tests.search.entries import SYNONYMS_FILE


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser(Synonyms.load(SYNONYMS_FILE).spellings)


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("immunisation", "immunization"),
        ("organisations", "organizations"),
        ("standardised", "standardized"),
        ("analyse", "analyze"),
        ("paediatric", "pediatric"),
        ("paediatrics", "pediatrics"),
        ("paediatrician", "pediatrician"),
        ("anaesthetist", "anesthetist"),
        ("haematology", "hematology"),
        ("oesophageal", "esophageal"),
        ("centre", "center"),
        ("centres", "centers"),
        ("programme", "program"),
        ("licence", "license"),
        ("licensing", "licencing"),
        ("catalogue", "catalog"),
        ("behavioural", "behavioral"),
    ],
)
def test_spelling_variants_share_a_term(
    normaliser: Normaliser, british: str, american: str
) -> None:
    assert normaliser.term(british) == normaliser.term(american)


def test_spelling_fold_keeps_organisation_apart_from_organ(normaliser: Normaliser) -> None:
    # porter2 alone stems "organization" to "organ".
    assert normaliser.term("organization") != normaliser.term("organ")


@pytest.mark.parametrize("word", ["size", "seize", "prize", "citizen"])
def test_ize_rule_leaves_short_and_unrelated_words(word: str) -> None:
    assert fold_spelling(word) == word


def test_stemming_uses_porter2(normaliser: Normaliser) -> None:
    assert normaliser.term("running") == normaliser.term("run")
    assert normaliser.term("prescriptions") == normaliser.term("prescription")


def test_stop_words_have_no_term(normaliser: Normaliser) -> None:
    assert normaliser.terms("the and of a") == []


def test_ampersand_and_plus_words_stay_whole(normaliser: Normaliser) -> None:
    assert normaliser.terms("A&E and dm+d") == ["a&e", "dm+d"]


def test_exact_key_ignores_case_accents_and_punctuation() -> None:
    assert exact_key("  GOV.UK  Notify ") == exact_key("gov uk notify")
    assert exact_key("Café-Système") == "cafe systeme"
