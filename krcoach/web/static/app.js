// The coaching page: read a draft, ask the API, show the coaching, the OKRA view and the exports.

import { analyseKeyResult, analyseSet, health, parseDraft } from "./api.js";
import { announce, focusKey, h } from "./dom.js";
import { DraftEditor } from "./draft.js";
import { showEngine } from "./engine.js";
import { FORMATS, copyText, download, fileName } from "./export.js";
import { finalSet, renderOkra } from "./okra.js";
import { disagreements } from "./opinion.js";
import { renderCoaching } from "./results.js";
import { Choices } from "./state.js";
import { plural } from "./words.js";

const $ = (id) => document.getElementById(id);
const page = {
  form: $("draft-form"),
  analyse: $("analyse"),
  error: $("draft-error"),
  status: $("draft-status"),
  outline: $("outline-text"),
  fileInput: $("file-input"),
  dropzone: $("dropzone"),
  live: $("results-live"),
  empty: $("results-empty"),
  coaching: $("coaching"),
  resultsHeading: $("results-heading"),
  okraPanel: $("okra-panel"),
  okra: $("okra"),
  exportStatus: $("export-status"),
  engine: $("engine"),
  announcer: $("announcer"),
};
const editor = new DraftEditor($("objectives"));
let choices = null;

editor.add();
health().then((answer) => showEngine(page.engine, { engine: answer.engine }), () => {});

$("add-objective").addEventListener("click", () => editor.add(null, { focus: true }));
page.form.addEventListener("submit", (event) => {
  event.preventDefault();
  analyse();
});
$("read-outline").addEventListener("click", () => readDraft(page.outline.value, null, "the outline"));
$("choose-file").addEventListener("click", () => page.fileInput.click());
page.fileInput.addEventListener("change", () => {
  const [file] = page.fileInput.files;
  if (file) readDraft(file, file.name, file.name);
  page.fileInput.value = "";
});
wireDropzone();
$("copy").addEventListener("click", copyFinalSet);
$("download").addEventListener("click", downloadFinalSet);

async function analyse() {
  clearError();
  if (editor.isEmpty()) {
    showError("Nothing to coach yet", "Type an Objective and its Key Results, or bring a file.");
    editor.cards[0].title.focus();
    return;
  }
  const { okrSet, cards } = editor.toRequest();
  setBusy(true);
  try {
    show(await analyseSet(okrSet));
  } catch (error) {
    showError(error.title, error.detail, fieldMessages(error.errors, cards));
  } finally {
    setBusy(false);
  }
}

function show(analysis) {
  choices = new Choices(analysis);
  const ctx = { choices, onCheck: recheck, announce: (text) => announce(page.announcer, text) };
  page.empty.hidden = true;
  renderCoaching(page.coaching, ctx);
  page.okraPanel.hidden = false;
  renderOkra(page.okra, finalSet(choices));
  choices.subscribe(() => renderOkra(page.okra, finalSet(choices)));
  showEngine(page.engine, analysis.meta);
  const s = analysis.summary;
  const { disagreed, review } = disagreements(analysis);
  const opinion = disagreed
    ? ` The model reads ${disagreed} differently${review ? `, ${review} to review` : ""}.`
    : "";
  announce(page.announcer, `Coached ${plural(s.key_results, "Key Result")}: ${s.results} results, ${s.actions} actions.${opinion}`);
  page.resultsHeading.setAttribute("tabindex", "-1");
  page.resultsHeading.focus();
}

/** Ask the API whether the filled-in text of a proposal reads as a result now. */
async function recheck(state) {
  const text = state.text();
  const objective = choices.analysis.objectives.find((o) => o.id === state.keyResult.objective_id);
  choices.setCheck(state, { state: "checking", text });
  focusKey(`${state.key}:check`);
  try {
    const report = await analyseKeyResult(text, objective ? objective.title : null);
    if (state.text() !== text) return;
    choices.setCheck(state, { state: "done", report, text });
    const verdict = report.key_result.label === "result" ? "It reads as a result now." : "It still reads as an action.";
    announce(page.announcer, verdict);
  } catch (error) {
    choices.setCheck(state, { state: "failed", text, error: error.detail || error.message });
  }
}

/** Read a file (or the pasted outline) on the server into the editor; on error the editor is untouched. */
async function readDraft(body, filename, label) {
  clearError();
  if (typeof body === "string" && !body.trim()) {
    showError("Nothing to read", "Paste an outline first.");
    page.outline.focus();
    return;
  }
  announce(page.status, `Reading ${label}…`);
  try {
    const okrSet = await parseDraft(body, filename);
    editor.load(okrSet);
    const krs = okrSet.objectives.reduce((sum, objective) => sum + objective.key_results.length, 0);
    const counted = `${plural(okrSet.objectives.length, "Objective")} and ${plural(krs, "Key Result")}`;
    announce(page.status, `Read ${counted} from ${label}. Check them, then coach.`);
  } catch (error) {
    announce(page.status, "");
    showError(`${label} cannot be read`, error.detail || error.message);
  }
}

function wireDropzone() {
  const zone = page.dropzone;
  const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      zone.classList.add("bring--over");
    });
  }
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("bring--over");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("bring--over");
    const [file] = event.dataTransfer.files;
    if (file) readDraft(file, file.name, file.name);
  });
  // A file dropped anywhere else must not replace the page (and what was typed).
  for (const name of ["dragover", "drop"]) window.addEventListener(name, (event) => event.preventDefault());
}

function setBusy(busy) {
  page.analyse.disabled = busy;
  page.analyse.textContent = busy ? "Coaching…" : "Coach my Key Results";
  page.live.setAttribute("aria-busy", String(busy));
  page.live.classList.toggle("is-busy", busy);
  page.coaching.classList.toggle("is-stale", busy);
  const loading = page.live.querySelector(".loading");
  if (busy && !loading) {
    page.live.append(h("p", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Reading your Key Results…"));
  } else if (!busy && loading) {
    loading.remove();
  }
}

function showError(title, detail, items = []) {
  const parts = [h("p", { class: "alert__title" }, title)];
  if (items.length) parts.push(h("ul", {}, items.map((item) => h("li", {}, item))));
  else if (detail) parts.push(h("p", {}, detail));
  page.error.replaceChildren(...parts);
  page.error.hidden = false;
}

function clearError() {
  page.error.hidden = true;
  page.error.replaceChildren();
  editor.clearInvalid();
}

/** "Objective 2, Key Result 3: …" for each invalid field of a 422; marks the field invalid. */
function fieldMessages(errors, cards) {
  let first = null;
  const messages = errors.map((error) => {
    const parts = error.field.split(".");
    const o = parts.indexOf("objectives");
    const card = o >= 0 ? cards[Number(parts[o + 1])] : null;
    if (!card) return `${error.field}: ${error.message}`;
    const where = [`Objective ${editor.cards.indexOf(card) + 1}`];
    const k = parts.indexOf("key_results");
    if (k >= 0 && parts[k + 1] !== undefined) where.push(`Key Result ${Number(parts[k + 1]) + 1}`);
    else if (parts[o + 2] === "title") where.push("title");
    const field = card.markInvalid(k >= 0 ? "key_results" : "title");
    first = first || field;
    return `${where.join(", ")}: ${error.message}`;
  });
  first?.focus();
  return messages;
}

function currentFormat() {
  return FORMATS[document.querySelector('input[name="export-format"]:checked').value];
}

async function copyFinalSet() {
  if (!choices) return;
  const format = currentFormat();
  const done = await copyText(format.render(finalSet(choices)));
  announce(page.exportStatus, done ? `Copied as ${format.name}.` : "The browser did not allow copying.");
}

function downloadFinalSet() {
  if (!choices) return;
  const format = currentFormat();
  const set = finalSet(choices);
  const name = fileName(set, format.extension);
  download(format.render(set), name, format.type);
  announce(page.exportStatus, `Downloaded ${name}.`);
}
