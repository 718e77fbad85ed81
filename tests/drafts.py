"""Drafts several test modules send through the model path."""

from __future__ import annotations

from krcoach.domain.okr import OKRSet

ONBOARDING_DRAFT = OKRSet.model_validate(
    {
        "objectives": [
            {
                "title": "Redesign the onboarding experience",
                "key_results": [
                    {"text": "Launch the redesigned onboarding flow by 30 June"},
                    {"text": "Run 20 customer interviews by end of Q2"},
                    {"text": "Increase week-1 activation from 22% to 35% by end of Q2"},
                ],
            },
            {"title": "Customers stay with us", "key_results": [{"text": "Hire 4 support agents"}]},
        ]
    }
)
"""Two Objectives: three Key Results (two actions, one result with numbers) and one action alone."""
