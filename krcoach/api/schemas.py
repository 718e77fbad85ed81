"""Request and response bodies of the API that are not the core schemas (those are in `krcoach.domain`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from krcoach.domain.analysis import AnalysisMeta, KeyResultAnalysis, OkraObjective
from krcoach.domain.okr import Text


class KeyResultRequest(BaseModel):
    """One Key Result to coach, with the Objective it serves when known (it sharpens the proposals)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "key_result": "Launch the redesigned onboarding flow by 30 June",
                    "objective": "New customers succeed without our help",
                }
            ]
        },
    )

    key_result: Annotated[Text, Field(description="The Key Result as written (at most 1,000 characters).")]
    objective: Annotated[Text | None, Field(default=None, description="Its Objective, if any.")] = None


class KeyResultReport(BaseModel):
    """The diagnosis of one Key Result, its proposals, and where its work goes in the OKRA view."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_result": {
                        "id": "O1.KR1",
                        "objective_id": "O1",
                        "text": "Launch the redesigned onboarding flow by 30 June",
                        "label": "action",
                        "kind": "milestone",
                        "confidence": 0.9,
                        "needs_work": True,
                        "time_frame": "by 30 June",
                        "issues": [],
                        "proposals": [
                            {
                                "text": "Share of new customers completing onboarding without contacting support, "
                                "by month: from [baseline] to [target] by 30 June",
                                "rationale": "A better onboarding flow shows up as customers finishing it alone.",
                                "placeholders": ["[baseline]", "[target]"],
                                "engine": "rules",
                            }
                        ],
                        "errors": [],
                        "fallback": False,
                    },
                    "objective_suggestion": None,
                    "okra": {"id": "O1", "title": "New customers succeed without our help"},
                    "meta": {"engine": "rules"},
                }
            ]
        }
    )

    key_result: KeyResultAnalysis
    objective_suggestion: str | None = Field(
        default=None, description="A result-style Objective, when the one given reads as a project."
    )
    okra: OkraObjective = Field(description="The Objective in the OKRA view: result Key Results, then Actions.")
    meta: AnalysisMeta


class JobCreated(BaseModel):
    """A batch job was accepted (or, with the same Idempotency-Key, found)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "5f0c…", "status_url": "/v1/jobs/5f0c…"}]})

    id: str
    status_url: str
    result_url: str
