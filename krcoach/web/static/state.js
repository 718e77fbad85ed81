// What the user decided about an analysis: placeholder values, edits, accepted or dismissed proposals.

export const OPEN = "open";
export const ACCEPTED = "accepted";
export const DISMISSED = "dismissed";

/** One proposal as the user is shaping it. */
export class ProposalState {
  constructor(keyResult, index, proposal) {
    this.key = `${keyResult.id}#${index}`;
    this.keyResult = keyResult;
    this.index = index;
    this.proposal = proposal;
    this.values = {};
    this.edited = null;
    this.status = OPEN;
    this.check = null; // the last re-check: {state: "checking"|"done"|"failed", report, text, error}
  }

  /** The text with its placeholders, as proposed or as edited. */
  template() {
    return this.edited ?? this.proposal.text;
  }

  /** The placeholders this text has, in the order they appear (each once). */
  placeholders() {
    const text = this.template();
    return this.proposal.placeholders
      .filter((placeholder) => text.includes(placeholder))
      .sort((a, b) => text.indexOf(a) - text.indexOf(b));
  }

  /** Placeholders the user has not filled yet. */
  pending() {
    return this.placeholders().filter((placeholder) => !this.value(placeholder));
  }

  value(placeholder) {
    return (this.values[placeholder] || "").trim();
  }

  /** The text with every filled placeholder replaced by the user's value. */
  text() {
    return this.segments()
      .map((part) => (part.placeholder ? this.value(part.placeholder) || part.placeholder : part.text))
      .join("");
  }

  /** The template cut into plain text and placeholders: [{text}, {placeholder}, …]. */
  segments() {
    const names = this.placeholders();
    if (names.length === 0) return [{ text: this.template() }];
    const pattern = new RegExp(`(${names.map(escapeRegExp).join("|")})`);
    return this.template()
      .split(pattern)
      .filter((part) => part !== "")
      .map((part) => (names.includes(part) ? { placeholder: part } : { text: part }));
  }
}

/** Every choice over one analysis; listeners hear about each change. */
export class Choices {
  constructor(analysis) {
    this.analysis = analysis;
    this.byKeyResult = new Map();
    this.suggestedTitles = new Set();
    this.listeners = new Set();
    for (const objective of analysis.objectives) {
      for (const keyResult of objective.key_results) {
        const states = keyResult.proposals.map((proposal, index) => new ProposalState(keyResult, index, proposal));
        this.byKeyResult.set(keyResult.id, states);
      }
    }
  }

  proposalsOf(keyResultId) {
    return this.byKeyResult.get(keyResultId) || [];
  }

  /** The proposal accepted for this Key Result, if any. */
  accepted(keyResultId) {
    return this.proposalsOf(keyResultId).find((state) => state.status === ACCEPTED) || null;
  }

  setStatus(state, status) {
    if (status === ACCEPTED) {
      for (const other of this.proposalsOf(state.keyResult.id)) {
        if (other.status === ACCEPTED) other.status = OPEN;
      }
    }
    state.status = status;
    this.changed(state);
  }

  setValue(state, placeholder, value) {
    state.values[placeholder] = value;
    state.check = null;
    this.changed(state, { valueOnly: true });
  }

  setEdited(state, text) {
    state.edited = text;
    state.values = {};
    state.check = null;
    this.setStatus(state, ACCEPTED);
  }

  setCheck(state, check) {
    state.check = check;
    this.changed(state);
  }

  useSuggestedTitle(objectiveId, used) {
    if (used) this.suggestedTitles.add(objectiveId);
    else this.suggestedTitles.delete(objectiveId);
    this.changed(null);
  }

  subscribe(listener) {
    this.listeners.add(listener);
  }

  changed(state, detail = {}) {
    for (const listener of this.listeners) listener(state, detail);
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
