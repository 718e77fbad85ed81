// Conversational mode: ask for a proposal's placeholders one question at a time; fold each answer in.

import { focusKey, h, uid } from "./dom.js";
import { questionFor } from "./words.js";

/**
 * The question panel of a proposal (state.conversation = {skipped, total, error}). Answers are the user's
 * own words, put in place of the placeholder as typed; when none is left, ctx.onCheck re-checks the text.
 */
export function renderConversation(state, ctx) {
  const conversation = state.conversation;
  const answerId = uid("answer");
  const hintId = uid("answer-hint");
  const progress = h("p", { class: "conversation__progress" });
  const question = h("label", { class: "conversation__question", for: answerId });
  const hint = h("p", { class: "conversation__hint", id: hintId });
  const error = h("p", { class: "conversation__error", role: "alert" });
  const input = h("input", {
    id: answerId,
    type: "text",
    class: "field__input conversation__input",
    autocomplete: "off",
    "aria-describedby": hintId,
    dataset: { focus: `${state.key}:answer` },
  });
  let current = null;

  const ask = () => {
    current = next(state);
    if (!current) {
      finish(state, ctx);
      return;
    }
    const remaining = state.pending().filter((placeholder) => !conversation.skipped.includes(placeholder)).length;
    const asked = questionFor(current, state.template());
    progress.textContent = `Question ${Math.max(conversation.total - remaining + 1, 1)} of ${conversation.total}`;
    question.textContent = asked.text;
    hint.textContent = asked.hint;
    input.value = "";
    input.removeAttribute("aria-invalid");
    error.textContent = "";
  };

  const answer = (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) {
      input.setAttribute("aria-invalid", "true");
      error.textContent = "Type your answer, or choose Skip to leave it as a placeholder.";
      return;
    }
    ctx.choices.setValue(state, current, value);
    ask();
  };

  const skip = () => {
    conversation.skipped.push(current);
    ask();
    input.focus();
  };

  const stop = () => {
    state.conversation = null;
    ctx.choices.changed(state);
    focusKey(`${state.key}:ask`);
  };

  const element = h(
    "div",
    { class: "conversation", role: "group", "aria-label": "Fill in the proposal, one question at a time" },
    h(
      "div",
      { "aria-live": "polite", "aria-atomic": "true", class: "conversation__live" },
      progress,
      h("form", { class: "conversation__form", onsubmit: answer, novalidate: true }, question, hint,
        h("div", { class: "conversation__row" }, input,
          h("button", { type: "submit", class: "button button--primary button--small", dataset: { focus: `${state.key}:answer-submit` } }, "Answer"))),
    ),
    error,
    h(
      "div",
      { class: "conversation__row" },
      h("button", { type: "button", class: "button button--quiet button--small", onclick: skip }, "Skip"),
      h("button", { type: "button", class: "button button--quiet button--small", onclick: stop }, "Stop asking"),
    ),
  );
  ask();
  return element;
}

/** The next placeholder to ask about: the first one still open that was not skipped. */
function next(state) {
  const skipped = state.conversation ? state.conversation.skipped : [];
  return state.pending().find((placeholder) => !skipped.includes(placeholder)) || null;
}

function finish(state, ctx) {
  const skipped = state.conversation ? state.conversation.skipped : [];
  state.conversation = null;
  if (state.pending().length === 0) {
    ctx.onCheck(state);
    return;
  }
  ctx.choices.changed(state);
  ctx.announce(`${skipped.join(", ")} stay as placeholders until you know them.`);
  focusKey(`${state.key}:ask`);
}
