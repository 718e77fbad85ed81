// The draft editor: one card per Objective (title + Key Results, one per line) <-> the API's OKRSet JSON.

import { h, uid } from "./dom.js";

const BULLET = /^\s*(?:[-*+•]|\d+[.)])\s+/;

export class DraftEditor {
  constructor(container) {
    this.container = container;
    this.name = null;
    this.cards = [];
  }

  /** Add an empty Objective card (or one filled from an Objective of the API). */
  add(objective = null, { focus = false } = {}) {
    const card = new ObjectiveCard(objective, () => this.remove(card));
    this.cards.push(card);
    this.container.append(card.element);
    this.renumber();
    if (focus) card.title.focus();
    return card;
  }

  remove(card) {
    const index = this.cards.indexOf(card);
    card.element.remove();
    this.cards.splice(index, 1);
    if (this.cards.length === 0) this.add();
    this.renumber();
    const next = this.cards[Math.min(index, this.cards.length - 1)];
    next.title.focus();
  }

  renumber() {
    this.cards.forEach((card, index) => card.number(index + 1, this.cards.length > 1));
  }

  /** Replace the whole draft by an OKRSet read from a file. */
  load(okrSet) {
    for (const card of this.cards) card.element.remove();
    this.cards = [];
    this.name = okrSet.name || null;
    for (const objective of okrSet.objectives) this.add(objective);
  }

  /** Nothing typed yet. */
  isEmpty() {
    return this.cards.every((card) => card.isEmpty());
  }

  /** The OKRSet JSON the API takes, and the card behind each Objective sent. */
  toRequest() {
    const used = this.cards.filter((card) => !card.isEmpty());
    const okrSet = { objectives: used.map((card) => card.toObjective()) };
    if (this.name) okrSet.name = this.name;
    return { okrSet, cards: used };
  }

  clearInvalid() {
    for (const card of this.cards) card.markInvalid(null);
  }
}

class ObjectiveCard {
  constructor(objective, onRemove) {
    this.extras = extrasOf(objective);
    const titleId = uid("objective-title");
    const krsId = uid("objective-krs");
    const metaId = uid("objective-meta");
    this.legend = h("legend", { class: "objective-card__legend" });
    this.title = h("input", {
      id: titleId,
      class: "field__input",
      type: "text",
      autocomplete: "off",
      placeholder: "e.g. New customers succeed without our help",
    });
    this.keyResults = h("textarea", {
      id: krsId,
      class: "field__input",
      rows: 4,
      "aria-describedby": metaId,
      placeholder: "Launch the redesigned onboarding flow by 30 June\nRun 20 customer interviews by end of Q2",
    });
    this.removeButton = h("button", { type: "button", class: "button button--quiet button--small", onclick: onRemove });
    this.meta = h("p", { class: "objective-card__meta", id: metaId }, metaText(this.extras));
    this.element = h(
      "fieldset",
      { class: "objective-card" },
      this.legend,
      h("label", { class: "field__label", for: titleId }, "Objective"),
      this.title,
      h("label", { class: "field__label", for: krsId }, "Key Results ", h("span", { class: "muted" }, "— one per line")),
      this.keyResults,
      this.meta,
      h("div", { class: "objective-card__remove" }, this.removeButton),
    );
    if (objective) {
      this.title.value = objective.title || "";
      this.keyResults.value = (objective.key_results || []).map((kr) => kr.text).join("\n");
    }
    this.keyResults.addEventListener("input", () => this.grow());
    window.requestAnimationFrame(() => this.grow());
  }

  /** Tall enough for what is typed (up to a limit), so nothing hides behind a scroll bar. */
  grow() {
    const area = this.keyResults;
    area.style.height = "auto";
    area.style.height = `${Math.min(area.scrollHeight + 2, 420)}px`;
  }

  number(n, removable) {
    this.legend.textContent = `Objective ${n}`;
    this.removeButton.textContent = "Remove";
    this.removeButton.setAttribute("aria-label", `Remove Objective ${n}`);
    this.removeButton.hidden = !removable;
  }

  lines() {
    return this.keyResults.value
      .split("\n")
      .map((line) => line.replace(BULLET, "").trim())
      .filter(Boolean);
  }

  isEmpty() {
    return !this.title.value.trim() && this.lines().length === 0 && this.extras.actions.length === 0;
  }

  toObjective() {
    const objective = { title: this.title.value.trim(), key_results: this.lines().map((text) => ({ text })) };
    for (const name of ["id", "owner", "team", "period"]) {
      if (this.extras[name]) objective[name] = this.extras[name];
    }
    if (this.extras.actions.length) objective.actions = this.extras.actions;
    return objective;
  }

  /** Mark the title or the Key Results field invalid (null clears both); returns the field. */
  markInvalid(part) {
    for (const field of [this.title, this.keyResults]) field.removeAttribute("aria-invalid");
    if (!part) return null;
    const field = part === "title" ? this.title : this.keyResults;
    field.setAttribute("aria-invalid", "true");
    return field;
  }
}

function extrasOf(objective) {
  return {
    id: objective?.id || null,
    owner: objective?.owner || null,
    team: objective?.team || null,
    period: objective?.period || null,
    actions: objective?.actions ? [...objective.actions] : [],
  };
}

function metaText(extras) {
  const parts = [];
  if (extras.owner) parts.push(`Owner: ${extras.owner}`);
  if (extras.team) parts.push(`Team: ${extras.team}`);
  if (extras.period) parts.push(`Period: ${extras.period}`);
  const count = extras.actions.length;
  if (count) parts.push(`${count} planned Action${count === 1 ? "" : "s"} kept`);
  return parts.join(" · ");
}
