// Which engine answered, and for a model what it cost: one quiet line in the header.

const NUMBER = new Intl.NumberFormat("en");

/** Show meta.engine ("rules" or "llm:<model>") and, for a model, its calls, tokens and cache hits. */
export function showEngine(element, meta) {
  const engine = meta.engine || "";
  element.hidden = !engine;
  if (!engine) return;
  const usage = meta.usage;
  if (engine === "rules") {
    element.textContent = "Engine: offline rules";
    element.title = "Coached by krcoach's own rules: no model, nothing leaves this machine.";
    element.dataset.engine = engine;
    return;
  }
  const parts = [`Engine: ${meta.model || engine.replace(/^llm:/, "")}`];
  if (usage) {
    const tokens = (usage.prompt_tokens || 0) + (usage.completion_tokens || 0);
    parts.push(`${NUMBER.format(usage.calls)} call${usage.calls === 1 ? "" : "s"}`, `${NUMBER.format(tokens)} tokens`);
    if (usage.cache_hits) parts.push(`${NUMBER.format(usage.cache_hits)} from cache`);
    element.title = `${engine}; ${NUMBER.format(usage.prompt_tokens)} prompt + ${NUMBER.format(
      usage.completion_tokens,
    )} completion tokens; ${NUMBER.format(Math.round(usage.latency_ms))} ms`;
  }
  element.textContent = parts.join(" · ");
  element.dataset.engine = engine;
}
