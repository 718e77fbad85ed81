// Words the page shows for the API's codes, and the questions it asks for placeholders.

const KINDS = {
  milestone: "milestone",
  activity_quota: "activity quota",
  task: "task",
  performance_measure: "performance measure",
  measure_without_target: "measure without a target",
  vague: "vague",
};

/** "activity quota" for "activity_quota". */
export function kindWords(kind) {
  return KINDS[kind] || kind.replace(/_/g, " ");
}

/** "baseline" for "[baseline]". */
export function placeholderName(placeholder) {
  return placeholder.replace(/^\[|\]$/g, "").trim();
}

const NOUNS = /^(share|median|average|mean|number|count|rate|percentage|proportion|time|cost|value)\b/i;

/** The word for what the Key Result measures, to phrase questions: "share", "median" … or "level". */
function measureNoun(text) {
  const match = text.trim().match(NOUNS);
  return match ? match[1].toLowerCase() : "level";
}

/** The question asked for one placeholder of a proposal, and a hint on how to answer it. */
export function questionFor(placeholder, text) {
  const name = placeholderName(placeholder);
  const noun = measureNoun(text);
  const unit = "Type it as you would write it, with its unit.";
  switch (name.toLowerCase()) {
    case "baseline":
      return { text: `What is the ${noun} today? (${name})`, hint: unit };
    case "target":
      return { text: `What ${noun} do you want to reach? (${name})`, hint: unit };
    case "deadline":
      return { text: `By when should it get there? (${name})`, hint: "A date or a period, as your team says it." };
    case "cadence":
      return { text: `How often will you measure it? (${name})`, hint: "For example: weekly, by month." };
    default:
      return { text: `What should replace ${placeholder}? (${name})`, hint: "Only what you know; skip if unsure." };
  }
}

/** "1 value" / "3 values". */
export function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
