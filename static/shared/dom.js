// The DOM helpers both pages share (the recipients' page and the staff
// console). Elements are built with createElement and text nodes only (never
// innerHTML), so nothing from the API can become markup, and no inline style
// or handler attribute can slip in under the Content-Security-Policy.

/**
 * Creates an element. `attrs`: `class` (a string or an array; falsy entries
 * are dropped), `text`, `dataset`, `on` (event → handler, attached with
 * addEventListener), `value`/`checked`/`selected`/`disabled`/`required`/
 * `multiple` set as properties, `true` as an empty attribute, and anything
 * else as an attribute; null, undefined and false are skipped. `style` and
 * `on…` attributes are refused (the CSP forbids them). Children: nodes,
 * strings, numbers, arrays of them, and null/undefined/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) if (handler) el.addEventListener(event, handler);
    } else if (key === 'style' || key.startsWith('on')) throw new Error(`refused attribute ${key}`);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled' || key === 'required' || key === 'multiple') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (as `h` takes them) to an element; returns the element. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Removes every child of an element; returns the element. */
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let counter = 0;
/** A fresh id for label/field pairs. */
export function uid(prefix = 'f') {
  counter += 1;
  return `${prefix}-${counter}`;
}
