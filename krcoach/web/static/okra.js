// The final set and its OKRA view: the API's OKRA links, with the user's accepted rewrites in place.

import { h } from "./dom.js";

export const REWRITTEN = "rewritten";
export const KEPT = "kept";
export const STILL_ACTION = "action";

/**
 * The set as the user decided it: accepted (or edited) rewrites replace their Key Results; every other
 * Key Result stays as written. Actions come from the API's OKRA view: planned ones are kept, and the work of
 * a Key Result is kept as an Action once a rewrite replaced it.
 */
export function finalSet(choices) {
  const { analysis } = choices;
  const objectives = analysis.objectives.map((objective, index) => {
    const okra = analysis.okra.find((candidate) => candidate.id === objective.id) || analysis.okra[index];
    const suggested = Boolean(objective.suggestion) && choices.suggestedTitles.has(objective.id);
    const keyResults = objective.key_results.map((keyResult, position) => {
      const accepted = choices.accepted(keyResult.id);
      const base = { id: keyResult.id, number: position + 1, label: keyResult.label };
      if (accepted) {
        return { ...base, text: accepted.text(), status: REWRITTEN, replaces: keyResult.text, pending: accepted.pending() };
      }
      const status = keyResult.label === "action" ? STILL_ACTION : KEPT;
      return { ...base, text: keyResult.text, status, replaces: null, pending: [] };
    });
    const rewritten = new Set(keyResults.filter((kr) => kr.status === REWRITTEN).map((kr) => kr.id));
    const actions = (okra ? okra.actions : [])
      .filter((action) => !action.from_key_result || rewritten.has(action.from_key_result))
      .map((action) => ({ id: action.id, text: action.text, moves: action.moves }));
    return {
      id: objective.id,
      title: suggested ? objective.suggestion : objective.title,
      replacesTitle: suggested ? objective.title : null,
      owner: objective.owner,
      team: objective.team,
      period: objective.period,
      keyResults,
      actions,
    };
  });
  return { schemaVersion: analysis.schema_version, name: analysis.name, objectives };
}

/** "KR2" for a Key Result id of this Objective, else the id itself. */
export function shortName(objective, keyResultId) {
  const keyResult = objective.keyResults.find((kr) => kr.id === keyResultId);
  return keyResult ? `KR${keyResult.number}` : keyResultId;
}

/** The OKRA view: Objective → Key Results → the Actions that move each; shared Actions after. */
export function renderOkra(container, set) {
  const tree = h(
    "ol",
    { class: "okra-tree" },
    set.objectives.map((objective) => okraObjective(objective)),
  );
  container.replaceChildren(tree);
}

function okraObjective(objective) {
  const single = (action) => action.moves.length === 1;
  const shared = objective.actions.filter((action) => !single(action));
  return h(
    "li",
    { class: "okra-objective" },
    h("p", { class: "okra-objective__kicker" }, "Objective"),
    h("p", { class: "okra-objective__title" }, objective.title),
    objective.replacesTitle ? h("p", { class: "okra-replaces" }, `was: ${objective.replacesTitle}`) : null,
    h(
      "ol",
      { class: "okra-krs" },
      objective.keyResults.map((kr) =>
        okraKeyResult(
          kr,
          objective.actions.filter((action) => single(action) && action.moves[0] === kr.id),
        ),
      ),
    ),
    shared.length
      ? h(
          "div",
          { class: "okra-shared" },
          h("p", { class: "okra-actions__title" }, "Actions for several Key Results"),
          h(
            "ul",
            { class: "okra-actions" },
            shared.map((action) =>
              h(
                "li",
                {},
                action.text,
                " ",
                h("span", { class: "muted" }, `moves ${action.moves.map((id) => shortName(objective, id)).join(", ")}`),
              ),
            ),
          ),
        )
      : null,
  );
}

function okraKeyResult(kr, actions) {
  const isAction = kr.status === STILL_ACTION;
  return h(
    "li",
    { class: `okra-kr okra-kr--${isAction ? "action" : "result"}`, dataset: { kr: kr.id } },
    h(
      "div",
      { class: "okra-kr__head" },
      h("span", { class: `badge badge--${isAction ? "action" : "result"}` }, isAction ? "Action" : "Result"),
      h("span", { class: "okra-kr__name" }, `KR${kr.number}`),
      kr.status === REWRITTEN ? h("span", { class: "tag" }, "rewritten") : null,
    ),
    h("p", { class: "okra-kr__text" }, withPlaceholders(kr.text, kr.pending)),
    kr.pending.length
      ? h("p", { class: "okra-note" }, `Still to fill in: ${kr.pending.join(", ")}`)
      : null,
    isAction ? h("p", { class: "okra-note" }, "Still an action — accept a proposal for it to measure its result instead.") : null,
    actions.length
      ? h(
          "div",
          { class: "okra-actions-box" },
          h("p", { class: "okra-actions__title" }, actions.length === 1 ? "Action" : "Actions"),
          h("ul", { class: "okra-actions" }, actions.map((action) => h("li", {}, action.text))),
        )
      : null,
  );
}

/** Text with its unfilled placeholders marked. */
export function withPlaceholders(text, placeholders) {
  if (!placeholders.length) return text;
  const pattern = new RegExp(`(${placeholders.map((p) => p.replace(/[[\]]/g, "\\$&")).join("|")})`);
  return text
    .split(pattern)
    .filter(Boolean)
    .map((part) => (placeholders.includes(part) ? h("mark", { class: "placeholder-mark" }, part) : part));
}
