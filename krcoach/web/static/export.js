// The final set as Markdown (readable, and readable back by krcoach) or as OKR set JSON; copy or download.

import { shortName } from "./okra.js";

/** A Markdown outline: Objectives, their Key Results, then their Actions with the Key Results they move. */
export function toMarkdown(set) {
  const lines = [`# ${set.name || "OKRs"}`];
  for (const objective of set.objectives) {
    lines.push("", `## Objective: ${objective.title}`);
    for (const [label, value] of [["Owner", objective.owner], ["Team", objective.team], ["Period", objective.period]]) {
      if (value) lines.push(`${label}: ${value}`);
    }
    lines.push("", "Key Results:");
    for (const kr of objective.keyResults) lines.push(`- KR${kr.number}: ${kr.text}`);
    if (objective.actions.length) {
      lines.push("", "Actions:");
      for (const action of objective.actions) {
        const moves = action.moves.map((id) => shortName(objective, id)).join(", ");
        lines.push(moves ? `- ${action.text} (moves ${moves})` : `- ${action.text}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The OKR set JSON the API and the CLI read (Actions as their text). */
export function toJson(set) {
  const document = { schema_version: set.schemaVersion };
  if (set.name) document.name = set.name;
  document.objectives = set.objectives.map((objective) => {
    const out = { id: objective.id, title: objective.title };
    for (const name of ["owner", "team", "period"]) if (objective[name]) out[name] = objective[name];
    out.key_results = objective.keyResults.map((kr) => ({ id: kr.id, text: kr.text }));
    out.actions = objective.actions.map((action) => action.text);
    return out;
  });
  return `${JSON.stringify(document, null, 2)}\n`;
}

export const FORMATS = {
  md: { render: toMarkdown, type: "text/markdown", extension: "md", name: "Markdown" },
  json: { render: toJson, type: "application/json", extension: "json", name: "JSON" },
};

/** Put text on the clipboard (the Clipboard API, else a selected textarea). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }
}

/** Offer text as a file download. */
export function download(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from the set's name: "growth-team-okrs-q2.md". */
export function fileName(set, extension) {
  const slug = (set.name || "okrs")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${slug || "okrs"}.${extension}`;
}
