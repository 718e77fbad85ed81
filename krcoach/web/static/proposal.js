// One proposal: its text with inline inputs for the placeholders; accept, edit, dismiss, ask, re-check.

import { focusKey, h, uid } from "./dom.js";
import { ACCEPTED, DISMISSED, OPEN } from "./state.js";
import { renderConversation } from "./conversation.js";
import { kindWords, placeholderName, plural } from "./words.js";

/**
 * A view of one proposal: {element, sync}. `sync()` refreshes the parts that follow typed values in place
 * (so typing never loses focus); status changes re-render the whole view.
 * ctx: {choices, total, repeated (an earlier proposal gives the same reason), onCheck(state), announce(text)}.
 */
export function proposalView(state, ctx) {
  if (state.status === DISMISSED) return dismissedView(state, ctx);
  const key = state.key;
  const accepted = state.status === ACCEPTED;
  const inputs = [];
  const pendingNote = h("p", { class: "proposal__pending" });
  const checkButton = button("Check the wording", `${key}:check-now`, () => ctx.onCheck(state), "secondary");
  const askButton = button("Ask me, step by step", `${key}:ask`, () => openConversation(state, ctx), "secondary");

  const body = state.editing ? editor(state, ctx) : h("p", { class: "proposal__text" }, textWithInputs(state, ctx, inputs));
  const heading = accepted
    ? h("p", { class: "proposal__status proposal__status--accepted" }, "✓ Accepted", state.edited ? " (your edit)" : "", " — in your OKRA set")
    : h("p", { class: "proposal__status" }, ctx.total > 1 ? `Proposal ${state.index + 1} of ${ctx.total}` : "Proposal");

  const buttons = state.editing
    ? null
    : h(
        "div",
        { class: "proposal__buttons" },
        accepted
          ? button("Undo accept", `${key}:undo`, () => reopen(state, ctx, `${key}:accept`), "quiet")
          : button("Accept", `${key}:accept`, () => accept(state, ctx), "primary"),
        button("Edit", `${key}:edit`, () => startEditing(state, ctx), "secondary"),
        accepted ? null : button("Dismiss", `${key}:dismiss`, () => dismiss(state, ctx), "quiet"),
        askButton,
        checkButton,
      );

  const element = h(
    "article",
    { class: `proposal${accepted ? " proposal--accepted" : ""}`, dataset: { proposal: key } },
    heading,
    body,
    state.editing ? null : pendingNote,
    ctx.repeated ? null : h("p", { class: "proposal__why" }, state.proposal.rationale),
    buttons,
    checkView(state),
    state.conversation ? renderConversation(state, ctx) : null,
  );

  function sync() {
    for (const input of inputs) {
      const value = state.values[input.dataset.placeholder] || "";
      if (input.value !== value) input.value = value;
      fit(input);
    }
    const pending = state.pending();
    pendingNote.textContent = pending.length
      ? `${plural(pending.length, "value")} only you know: ${pending.map(placeholderName).join(", ")}.`
      : state.placeholders().length
        ? "All values filled in."
        : "";
    pendingNote.hidden = !pendingNote.textContent;
    askButton.hidden = pending.length === 0 || Boolean(state.conversation);
    checkButton.hidden = pending.length > 0 || (state.placeholders().length === 0 && !state.edited);
  }
  sync();
  return { element, sync };
}

function button(label, focusKey, onclick, variant) {
  return h("button", { type: "button", class: `button button--${variant} button--small`, dataset: { focus: focusKey }, onclick }, label);
}

/** The proposal text, each placeholder an input the user can type into. */
function textWithInputs(state, ctx, inputs) {
  const summary = state.template().replace(/\s+/g, " ").slice(0, 60);
  return state.segments().map((part) => {
    if (!part.placeholder) return part.text;
    const name = placeholderName(part.placeholder);
    const input = h("input", {
      type: "text",
      class: "placeholder-input",
      placeholder: name,
      autocomplete: "off",
      spellcheck: "false",
      "aria-label": `${name} for “${summary}…”`,
      dataset: { placeholder: part.placeholder, focus: `${state.key}:ph:${part.placeholder}` },
    });
    input.addEventListener("input", () => {
      for (const twin of inputs) if (twin !== input && twin.dataset.placeholder === part.placeholder) twin.value = input.value;
      ctx.choices.setValue(state, part.placeholder, input.value);
    });
    inputs.push(input);
    return input;
  });
}

function editor(state, ctx) {
  const id = uid("edit");
  const area = h("textarea", { id, class: "field__input proposal__editor", rows: 3, dataset: { focus: `${state.key}:editor` } });
  area.value = state.draftText ?? state.text();
  area.addEventListener("input", () => (state.draftText = area.value));
  const save = () => {
    const text = area.value.trim();
    if (!text) {
      area.setAttribute("aria-invalid", "true");
      area.focus();
      return;
    }
    state.editing = false;
    state.draftText = null;
    ctx.choices.setEdited(state, text);
    focusKey(`${state.key}:undo`);
    ctx.announce("Your wording is saved and accepted.");
  };
  const cancel = () => {
    state.editing = false;
    state.draftText = null;
    ctx.choices.changed(state);
    focusKey(`${state.key}:edit`);
  };
  area.addEventListener("keydown", (event) => {
    if (event.key === "Escape") cancel();
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) save();
  });
  return h(
    "div",
    { class: "proposal__edit" },
    h("label", { class: "field__label", for: id }, "Your wording ", h("span", { class: "muted" }, "— keep [placeholders] you cannot fill yet")),
    area,
    h(
      "div",
      { class: "proposal__buttons" },
      button("Save and accept", `${state.key}:save`, save, "primary"),
      button("Cancel", `${state.key}:cancel`, cancel, "quiet"),
    ),
  );
}

function dismissedView(state, ctx) {
  const element = h(
    "article",
    { class: "proposal proposal--dismissed", dataset: { proposal: state.key } },
    h("p", { class: "proposal__dismissed-text" }, "Dismissed: ", h("s", {}, state.text())),
    button("Undo", `${state.key}:restore`, () => reopen(state, ctx, `${state.key}:dismiss`), "quiet"),
  );
  return { element, sync() {} };
}

/** The last re-check of the filled-in text, in words. */
function checkView(state) {
  const check = state.check;
  if (!check) return null;
  const attributes = { class: "check", role: "status", tabindex: "-1", dataset: { focus: `${state.key}:check` } };
  if (check.state === "checking") return h("div", { ...attributes, class: "check check--busy" }, "Checking the wording…");
  if (check.state === "failed") return h("div", { ...attributes, class: "check check--failed" }, `Could not check it: ${check.error}`);
  const kr = check.report.key_result;
  const isResult = kr.label === "result";
  return h(
    "div",
    { ...attributes, class: `check check--${isResult ? "result" : "action"}` },
    h(
      "p",
      { class: "check__verdict" },
      h("span", { class: `badge badge--${isResult ? "result" : "action"}` }, isResult ? "Result" : "Action"),
      isResult ? ` Reads as a result now — ${kindWords(kr.kind)}.` : ` Still reads as an action — ${kindWords(kr.kind)}.`,
    ),
    kr.issues.length ? h("ul", { class: "reasons reasons--small" }, kr.issues.map((issue) => h("li", {}, issue.message))) : null,
  );
}

function reopen(state, ctx, focus) {
  ctx.choices.setStatus(state, OPEN);
  focusKey(focus);
}

function accept(state, ctx) {
  ctx.choices.setStatus(state, ACCEPTED);
  focusKey(`${state.key}:undo`);
  const pending = state.pending().length;
  ctx.announce(pending ? `Accepted. ${plural(pending, "value")} still to fill in.` : "Accepted. It is in your OKRA set.");
}

function dismiss(state, ctx) {
  ctx.choices.setStatus(state, DISMISSED);
  focusKey(`${state.key}:restore`);
  ctx.announce("Proposal dismissed.");
}

function startEditing(state, ctx) {
  state.editing = true;
  state.conversation = null;
  ctx.choices.changed(state);
  focusKey(`${state.key}:editor`);
}

function openConversation(state, ctx) {
  state.conversation = { skipped: [], total: state.pending().length, error: "" };
  ctx.choices.changed(state);
  focusKey(`${state.key}:answer`);
}

/** Make an inline input as wide as its value (or its placeholder). */
function fit(input) {
  input.size = Math.max(input.value.length, input.placeholder.length, 4) + 1;
}
