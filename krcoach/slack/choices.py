"""What a coaching message becomes after "Use this rewrite" (pure functions over Block Kit)."""

from __future__ import annotations

from collections.abc import Sequence

from krcoach.slack.blocks import (
    OKRA_BLOCK,
    Block,
    SlackMessage,
    context,
    highlight,
    key_result_block_id,
    rewrite_chosen_message,
    section,
)
from krcoach.slack.values import ButtonValueError, ChosenRewrite, decode_okra, encode_okra

_PREFIX = "kr|"


def message_with_choice(blocks: Sequence[Block] | None, choice: ChosenRewrite) -> SlackMessage:
    """The replacement for the message whose "Use this rewrite" was clicked.

    A review of several Key Results (when Slack sent its blocks back: not for ephemeral messages) keeps the others
    and swaps this one's rewrites for the chosen one, also in the OKRA button (its diagnosis and the model's second
    opinion stay); otherwise the message becomes the chosen rewrite with the Action kept.
    """
    if not blocks or len(_key_result_ids(blocks)) < 2:
        return rewrite_chosen_message(choice)
    prefix = key_result_block_id(choice.key_result_id, "")
    replaced: list[Block] = []
    chosen_shown = False
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block_id.startswith(prefix) and block_id not in {prefix + "diagnosis", prefix + "opinion"}:
            if not chosen_shown:
                replaced.extend(_chosen_blocks(choice))
                chosen_shown = True
            continue
        replaced.append(_with_choice_in_okra(block, choice) if block_id == OKRA_BLOCK else block)
    return SlackMessage(f"Rewrite chosen for {choice.key_result_id}: {choice.text}"[:3000], replaced)


def _chosen_blocks(choice: ChosenRewrite) -> list[Block]:
    block_id = key_result_block_id(choice.key_result_id, "chosen")
    text = f":white_check_mark: *Chosen rewrite:* {highlight(choice.text, choice.placeholders)}"
    blocks = [section(text, block_id=block_id)]
    if choice.placeholders:
        names = ", ".join(f"`{p}`" for p in choice.placeholders)
        blocks.append(context(f"Fill in {names} with your own numbers.", block_id=block_id + "-note"))
    return blocks


def _with_choice_in_okra(block: Block, choice: ChosenRewrite) -> Block:
    """The "Show the OKRA set" block, its value showing the chosen rewrite as the Key Result."""
    elements = block.get("elements") or []
    if not elements or "value" not in elements[0]:
        return block
    try:
        snapshot = decode_okra(str(elements[0]["value"]))
    except ButtonValueError:
        return block
    for objective in snapshot.objectives:
        for key_result in objective.key_results:
            if key_result.id == choice.key_result_id:
                key_result.text, key_result.placeholders = choice.text, list(choice.placeholders)
                key_result.origin, key_result.replaces = "proposal", choice.original
    button = {**elements[0], "value": encode_okra(snapshot.objectives, snapshot.omitted)}
    return {**block, "elements": [button, *elements[1:]]}


def _key_result_ids(blocks: Sequence[Block]) -> set[str]:
    ids = (str(block.get("block_id", "")) for block in blocks)
    return {block_id[len(_PREFIX) :].rpartition("|")[0] for block_id in ids if block_id.startswith(_PREFIX)}
