// The model's second opinion on a Key Result's label: shown only where it disagrees with the rules' verdict,
// which still decides the OKRA view. Nothing is shown without a model (the offline engine gives no opinion).

import { h } from "./dom.js";
import { kindWords } from "./words.js";

const LABELS = { action: "Action", result: "Result" };

/** The opinion when a model gave one that differs from the rules' label, else null. */
export function disagreement(kr) {
  const opinion = kr.second_opinion;
  return opinion && !opinion.agrees ? opinion : null;
}

/** How many Key Results the model reads differently, and how many of those are marked for review. */
export function disagreements(analysis) {
  let disagreed = 0;
  let review = 0;
  for (const objective of analysis.objectives) {
    for (const kr of objective.key_results) {
      const opinion = disagreement(kr);
      if (!opinion) continue;
      disagreed += 1;
      if (opinion.review) review += 1;
    }
  }
  return { disagreed, review };
}

/** The "Review" mark beside the verdict: the rules read a result, the model an action. */
export function reviewMark(kr) {
  const opinion = disagreement(kr);
  if (!opinion || !opinion.review) return null;
  return h(
    "span",
    { class: "badge badge--review" },
    "Review",
    h("span", { class: "visually-hidden" }, ": the model reads it as an action"),
  );
}

/** Both labels with both reasons, under the diagnosis; null when the model agrees or gave no opinion. */
export function opinionView(kr) {
  const opinion = disagreement(kr);
  if (!opinion) return null;
  const model = modelName(opinion.engine);
  return h(
    "section",
    { class: `opinion${opinion.review ? " opinion--review" : ""}`, "aria-label": `Second opinion from ${model}` },
    h("p", { class: "opinion__title" }, "The model reads it differently"),
    h(
      "dl",
      { class: "opinion__labels" },
      h(
        "div",
        { class: "opinion__row opinion__row--rules" },
        h("dt", {}, "Rules: ", labelWord(kr.label), h("span", { class: "opinion__kind" }, ` (${kindWords(kr.kind)})`)),
        h("dd", {}, rulesReason(opinion.rules_reason)),
      ),
      h(
        "div",
        { class: "opinion__row opinion__row--model" },
        h("dt", {}, `Model (${model}): `, labelWord(opinion.label)),
        h("dd", {}, opinion.reason),
      ),
    ),
    h(
      "p",
      { class: "opinion__note" },
      opinion.review
        ? [
            h("strong", {}, "Review it: "),
            "if it says whether work was done, move it to the Actions and write a result in its place. ",
            "The rules' verdict decides the OKRA view until you do.",
          ]
        : "The rules' verdict decides the OKRA view.",
    ),
  );
}

function labelWord(label) {
  return h("span", { class: `opinion__label opinion__label--${label}` }, LABELS[label] || label);
}

/** "scripted" for "llm:scripted". */
function modelName(engine) {
  return (engine || "the model").replace(/^llm:/, "");
}

/** The reason part of "result (performance_measure): it measures …", capitalised; the whole text otherwise. */
export function rulesReason(text) {
  const reason = (text || "").replace(/^(action|result) \([a-z_]+\)(: )?/, "").trim();
  return reason ? reason.charAt(0).toUpperCase() + reason.slice(1) : text;
}
