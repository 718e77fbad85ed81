// The service's API, from the same origin. Failures become ApiError with the problem+json detail.

export class ApiError extends Error {
  constructor(status, title, detail, errors = []) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
}

async function call(path, init) {
  let response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: "application/json", ...init.headers } });
  } catch {
    throw new ApiError(0, "The service cannot be reached", "Check that krcoach serve is running, then try again.");
  }
  if (response.ok) return response.json();
  throw await problemOf(response);
}

async function problemOf(response) {
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(
    response.status,
    problem.title || `Request failed (${response.status})`,
    problem.detail || response.statusText,
    Array.isArray(problem.errors) ? problem.errors : [],
  );
}

/** Diagnose and coach a whole OKR set (the OKRSet JSON). */
export function analyseSet(okrSet) {
  return call("/v1/okr-sets/analyze", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(okrSet),
  });
}

/** Diagnose one Key Result (its Objective sharpens the proposals). */
export function analyseKeyResult(keyResult, objective) {
  return call("/v1/key-results/analyze", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(objective ? { key_result: keyResult, objective } : { key_result: keyResult }),
  });
}

/** Read a file's text (or a pasted outline) into an OKR set on the server. */
export function parseDraft(text, filename) {
  const query = filename ? `?filename=${encodeURIComponent(filename)}` : "";
  return call(`/v1/drafts/parse${query}`, {
    method: "POST",
    headers: { "Content-Type": "text/plain; charset=utf-8" },
    body: text,
  });
}

/** Which engine answers (before any analysis). */
export function health() {
  return call("/healthz", { method: "GET", headers: {} });
}
