"""The measure library speaks the language of the domains real teams write OKRs in, and its keywords stay specific."""

from __future__ import annotations

import pytest

from krcoach.engines.rules.engine import LIBRARY_FIT_SCORE
from krcoach.engines.rules.library import _terms, default_library

LIBRARY = default_library()
KEYWORDS = {keyword for _, pattern in LIBRARY.patterns() for keyword in pattern.keywords}

# Words that occur in Key Results of every domain: as a keyword they would call a pattern on unrelated text.
GENERIC = [
    "team",
    "plan",
    "process",
    "project",
    "work",
    "new",
    "improve",
    "pipeline",
    "partner",
    "partners",
    "training",
    "research",
    "carbon",
    "design",
    "h1",
    "developers",
    "accuracy",
    "debt",
    "stars",
    "healthy",
    "tokens",
    "consistency",
    "standards",
    "activate",
    "calls",
    "opportunities",
    "interviews",
    "run",
    "runs",
    "fit",
    "health",
    "track",
    "dependencies",
    "transactions",
    "applicants",
    "maintained",
]


def test_the_library_has_domains_for_open_source_docs_personal_research_public_sector_and_design_systems() -> None:
    ids = {domain.id for domain in LIBRARY.domains}
    assert {
        "open_source_projects",
        "documentation",
        "engineering_quality",
        "research_data",
        "personal",
        "volunteer_programmes",
        "public_sector_digital",
        "oss_security",
        "design_systems",
    } <= ids


@pytest.mark.parametrize("word", GENERIC)
def test_no_keyword_is_a_word_every_domain_uses(word: str) -> None:
    assert word not in KEYWORDS


@pytest.mark.parametrize(
    ("objective", "key_result", "pattern_id"),
    [
        ("It is a joy to use go-ipfs programatically", "go-ipfs-api exposes the new Core API", "oss_api_ergonomics"),
        (
            "go-ipfs becomes a well maintained project",
            "Every issue gets triaged and labeled",
            "oss_maintainer_responsiveness",
        ),
        (
            "Better Contributors Onboarding",
            "Contribution information is integrated into the documentation",
            "oss_newcomer_path",
        ),
        (
            "Create a reliable end-to-end test suite",
            "Run the end-to-end tests against staging on every deploy",
            "eng_test_suite_health",
        ),
        (
            "The Reps program is the backbone for any mobilizing needs",
            "We documented what mobilizing Reps focus on",
            "vol_local_chapters",
        ),
        ("Be healthier and happier.", "Four six mile runs and one twelve mile run.", "pers_fitness_health"),
        ("Learn and grow intellectually.", "Finish 15 books.", "pers_learning_mastery"),
        ("Get back on the wagon with music", "Finish a track every month", "pers_creative_audience"),
        (
            "VP of Security: faster fixes for HackerOne bounties",
            "Triage every security report within a week",
            "sec_vulnerability_disclosure",
        ),
        (
            "Interop (Interoperability, Compatibility, Conformance)",
            "Upstream our flexbox tests to w3c",
            "oss_release_compatibility",
        ),
        ("Product teams adopt the design system", "Migrate all buttons to the new components", "ds_adoption"),
        (
            "Increase the visibility of our approach",
            "All documents are available in Chinese, Arabic and Spanish",
            "docs_localisation",
        ),
    ],
)
def test_real_wording_calls_the_pattern_of_its_domain(objective: str, key_result: str, pattern_id: str) -> None:
    best = LIBRARY.matches(objective, key_result)[0]
    assert best.pattern.id == pattern_id
    assert best.score >= LIBRARY_FIT_SCORE


@pytest.mark.parametrize(
    ("objective", "key_result", "pattern_id"),
    [
        ("Analysts trust the numbers they see", "Rebuild the data pipeline for the warehouse", "sales_pipeline"),
        ("Community projects get the funding they need", "Award grants to community partners", "part_sourced_revenue"),
        ("Learn Spanish this year", "Finish the training course and learn new skills", "ppl_skills_growth"),
        ("Fix foundational issues that inhibit Carbon adoption", "Document token naming conventions", "sus_emissions"),
        ("Peerpad works in every browser", "Peerpad runs on Firefox", "pers_fitness_health"),
        ("Security: gearing ratio for bounties", "Implement in H1", "sec_vulnerability_disclosure"),
    ],
)
def test_a_word_shared_with_another_domain_does_not_call_an_unrelated_pattern(
    objective: str, key_result: str, pattern_id: str
) -> None:
    fitting = [m.pattern.id for m in LIBRARY.matches(objective, key_result) if m.score >= LIBRARY_FIT_SCORE]
    assert pattern_id not in fitting


def test_every_keyword_can_match_text_it_is_written_in() -> None:
    """Keywords are matched as whole words: punctuation such as "gov.uk" or "l&d" would never match."""
    unmatchable = [keyword for keyword in KEYWORDS if keyword not in _terms(keyword)]
    assert unmatchable == []
