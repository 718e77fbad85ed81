"""What the model engine rejected in each reply, and what asking again gave: reported on every Key Result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from krcoach.domain.analysis import ReaskOutcome, RejectedProposal, RejectionReason
from krcoach.llm.errors import CallTimeout, DeadlineExceeded, LLMError, ReplyRefused


@dataclass(slots=True)
class Judged:
    """One reply, judged: how many proposals passed per Key Result id, and the rejected ones."""

    usable: bool
    passed: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, list[Rejection]] = field(default_factory=dict)

    def reject(self, kr_id: str, reason: RejectionReason, detail: str, text: str | None) -> None:
        self.rejected.setdefault(kr_id, []).append(Rejection(reason, detail, text))


@dataclass(frozen=True, slots=True)
class Rejection:
    """One rejected proposal: why, in words, and its text unless it must not be quoted."""

    reason: RejectionReason
    detail: str
    text: str | None


REASK_WORDS = {
    ReaskOutcome.PASSED: "the new proposals passed",
    ReaskOutcome.REJECTED_AGAIN: "rejected again",
    ReaskOutcome.MISSING: "the new reply had no proposal for it",
    ReaskOutcome.UNUSABLE: "the new reply could not be read",
    ReaskOutcome.REFUSED: "the model refused",
    ReaskOutcome.TIMEOUT: "no answer in time",
    ReaskOutcome.FAILED: "the call failed",
}


def _failure_outcome(failure: LLMError) -> ReaskOutcome:
    if isinstance(failure, ReplyRefused):
        return ReaskOutcome.REFUSED
    if isinstance(failure, CallTimeout | DeadlineExceeded):
        return ReaskOutcome.TIMEOUT
    return ReaskOutcome.FAILED


def _next_outcome(judged: Sequence[Judged], index: int, kr_id: str, failure: LLMError | None) -> ReaskOutcome | None:
    """What the reply after reply `index` gave for a Key Result; None when the model was not asked again."""
    if index + 1 < len(judged):
        after = judged[index + 1]
        if not after.usable:
            return ReaskOutcome.UNUSABLE
        if after.rejected.get(kr_id):
            return ReaskOutcome.REJECTED_AGAIN
        return ReaskOutcome.PASSED if after.passed.get(kr_id) else ReaskOutcome.MISSING
    return _failure_outcome(failure) if failure is not None else None


def rejections(engine: str, judged: Sequence[Judged], failure: LLMError | None) -> dict[str, list[RejectedProposal]]:
    """Every rejected proposal of every reply, by Key Result id, with what re-asking gave."""
    rejected: dict[str, list[RejectedProposal]] = {}
    for index, one in enumerate(judged):
        for kr_id, rejections in one.rejected.items():
            for rejection in rejections:
                outcome = None
                if rejection.reason is not RejectionReason.NOT_REQUESTED:
                    outcome = _next_outcome(judged, index, kr_id, failure)
                rejected.setdefault(kr_id, []).append(
                    RejectedProposal(
                        engine=engine,
                        reason=rejection.reason,
                        reasked=outcome is not None,
                        reask=outcome,
                        detail=rejection.detail,
                        text=rejection.text,
                        attempt=index + 1,
                    )
                )
    return rejected
