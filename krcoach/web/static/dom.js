// Small DOM helpers: build elements without innerHTML, keep focus across re-renders.

/**
 * Create an element: h("p", {class: "x", onclick: fn}, "text", child).
 * Attributes starting with "on" become listeners; null/false attributes are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replace `old` by `fresh`, moving focus to the element with the same data-focus key, if it had focus. */
export function replaceKeepingFocus(old, fresh) {
  const focused = document.activeElement;
  const key = old.contains(focused) ? focused.dataset.focus : undefined;
  old.replaceWith(fresh);
  if (key) {
    const target = fresh.querySelector(`[data-focus="${CSS.escape(key)}"]`);
    (target || fresh.querySelector("button, input, textarea") || fresh).focus();
  }
}

/** Focus the element with this data-focus key, if there is one. */
export function focusKey(key) {
  document.querySelector(`[data-focus="${CSS.escape(key)}"]`)?.focus();
}

/** A unique id for label/input pairs. */
let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

const pending = new WeakMap();

/** Announce `text` in a status element (cleared first so the same text is announced again; "" clears). */
export function announce(element, text) {
  window.clearTimeout(pending.get(element));
  element.textContent = "";
  if (text) pending.set(element, window.setTimeout(() => (element.textContent = text), 30));
}
