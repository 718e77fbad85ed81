// The coaching view: a verdict per Key Result with its reasons, and its proposals to shape.

import { h, replaceKeepingFocus } from "./dom.js";
import { disagreements, opinionView, reviewMark } from "./opinion.js";
import { proposalView } from "./proposal.js";
import { DISMISSED } from "./state.js";
import { kindWords, plural } from "./words.js";

/**
 * Render the analysis into `container`; keep every view in step with `choices`.
 * ctx: {choices, onCheck(state), announce(text)}.
 */
export function renderCoaching(container, ctx) {
  const { analysis } = ctx.choices;
  const views = new Map();
  const lists = new Map();
  const titles = new Map();
  const setIssues = analysis.issues.filter((issue) => !issue.objective_id);

  const objectives = analysis.objectives.map((objective) => {
    const titleBox = h("div", { class: "objective__head" });
    titles.set(objective.id, { box: titleBox, objective });
    renderTitle(titleBox, objective, ctx);
    const notes = analysis.issues.filter((issue) => issue.objective_id === objective.id);
    return h(
      "section",
      { class: "objective", "aria-label": `Objective: ${objective.title}` },
      titleBox,
      notes.length ? h("ul", { class: "set-notes" }, notes.map((issue) => h("li", {}, issue.message))) : null,
      h("ol", { class: "krs" }, objective.key_results.map((kr) => keyResultCard(kr, ctx, views, lists))),
    );
  });

  const notes = setIssues.map((issue) => h("li", {}, issue.message));
  container.replaceChildren(
    summary(analysis),
    ...(notes.length ? [h("ul", { class: "set-notes" }, notes)] : []),
    ...objectives,
  );

  ctx.choices.subscribe((state, detail) => {
    if (!state) {
      for (const { box, objective } of titles.values()) renderTitle(box, objective, ctx);
      return;
    }
    if (detail.valueOnly) {
      views.get(state.key)?.sync();
      return;
    }
    rerenderProposals(state.keyResult.id, ctx, views, lists);
  });
}

function summary(analysis) {
  const s = analysis.summary;
  return h(
    "p",
    { class: "summary" },
    h("strong", {}, plural(s.key_results, "Key Result")),
    ": ",
    h("span", { class: "summary__item summary__item--result" }, s.results === 1 ? "1 measures a result" : `${s.results} measure results`),
    " · ",
    h("span", { class: "summary__item summary__item--action" }, `${s.actions} ${s.actions === 1 ? "is an action" : "are actions"}`),
    " · ",
    plural(s.proposals, "proposal"),
    disagreementNote(analysis),
  );
}

/** " · the model reads 2 differently (1 to review)", only when a model disagreed with the rules. */
function disagreementNote(analysis) {
  const { disagreed, review } = disagreements(analysis);
  if (!disagreed) return null;
  return h(
    "span",
    { class: "summary__item summary__item--opinion" },
    ` · the model reads ${disagreed} differently`,
    review ? ` (${review} to review)` : "",
  );
}

function renderTitle(box, objective, ctx) {
  const used = ctx.choices.suggestedTitles.has(objective.id);
  const project = objective.issues.map((issue) => issue.message);
  const children = [
    h("p", { class: "objective__kicker" }, "Objective"),
    h("h3", { class: "objective__title" }, used ? objective.suggestion : objective.title),
  ];
  if (objective.suggestion) {
    const key = `${objective.id}:title`;
    children.push(
      h(
        "div",
        { class: "objective__suggestion" },
        project.length ? h("p", { class: "reason" }, project.join(" ")) : null,
        h("p", {}, used ? "Was: " : "A result-style wording: ", h("q", {}, used ? objective.title : objective.suggestion)),
        h(
          "button",
          {
            type: "button",
            class: "button button--secondary button--small",
            dataset: { focus: key },
            onclick: () => ctx.choices.useSuggestedTitle(objective.id, !used),
          },
          used ? "Keep my wording" : "Use this wording",
        ),
      ),
    );
  } else if (project.length) {
    children.push(h("p", { class: "reason" }, project.join(" ")));
  }
  const focused = document.activeElement;
  const key = box.contains(focused) ? focused.dataset.focus : undefined;
  box.replaceChildren(...children.filter(Boolean));
  if (key) box.querySelector(`[data-focus="${CSS.escape(key)}"]`)?.focus();
}

function keyResultCard(kr, ctx, views, lists) {
  const isAction = kr.label === "action";
  const states = ctx.choices.proposalsOf(kr.id);
  const list = h("div", { class: "proposals" });
  lists.set(kr.id, list);
  for (const state of states) {
    const view = proposalView(state, { ...ctx, total: states.length, repeated: repeatsReason(states, state) });
    views.set(state.key, view);
    list.append(view.element);
  }
  const reasons = kr.issues.map((issue) => h("li", { class: `reason--${issue.severity}` }, issue.message));
  return h(
    "li",
    { class: `kr kr--${isAction ? "action" : "result"}`, dataset: { kr: kr.id } },
    h(
      "div",
      { class: "kr__head" },
      h("span", { class: `badge badge--${isAction ? "action" : "result"}` }, isAction ? "Action" : "Result"),
      reviewMark(kr),
      h("span", { class: "kr__kind" }, kindWords(kr.kind), kr.time_frame ? h("span", { class: "kr__time" }, ` · ${kr.time_frame}`) : null),
    ),
    h("p", { class: "kr__text" }, kr.text),
    reasons.length
      ? h("div", { class: "kr__why" }, h("p", { class: "kr__why-title" }, isAction ? "Why it is an action" : "What would make it sharper"), h("ul", { class: "reasons" }, reasons))
      : h("p", { class: "kr__ok" }, "Measures a change, with what a reader needs to judge it."),
    opinionView(kr),
    kr.fallback ? h("p", { class: "note" }, "The model gave no usable proposal; these come from the offline engine.") : null,
    kr.errors.length ? h("details", { class: "note" }, h("summary", {}, "What went wrong on the way"), h("ul", {}, kr.errors.map((e) => h("li", {}, e)))) : null,
    states.length ? h("p", { class: "proposals__title" }, isAction ? "Measure the result instead" : "Complete it") : null,
    list,
  );
}

function rerenderProposals(keyResultId, ctx, views, lists) {
  const states = ctx.choices.proposalsOf(keyResultId);
  const list = lists.get(keyResultId);
  if (!list) return;
  for (const state of states) {
    const old = views.get(state.key);
    const view = proposalView(state, { ...ctx, total: states.length, repeated: repeatsReason(states, state) });
    views.set(state.key, view);
    if (old && old.element.isConnected) replaceKeepingFocus(old.element, view.element);
    else list.append(view.element);
  }
}

/** Whether an earlier proposal still shown gives the same reason (then it is not repeated). */
function repeatsReason(states, state) {
  return states
    .slice(0, states.indexOf(state))
    .some((other) => other.status !== DISMISSED && other.proposal.rationale === state.proposal.rationale);
}
