// dom.js — the few DOM helpers the importer's parts share. Text only ever goes in as
// text (textContent / text nodes): nothing from a file, the engine or a server is parsed
// as HTML. Styles are never set through attributes (the page's CSP may forbid inline
// styles); sizes go through CSSOM (`el.style.setProperty`), which a CSP allows.

const SVG_NS = 'http://www.w3.org/2000/svg';

let nextId = 0;
/** A document-unique id for label/aria wiring inside a shadow root. */
export function uid(prefix = 'pfi') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Creates an element. `props`: `class`, `text` (textContent), `on` ({event: handler}),
 * `attrs` ({name: value}, null/false skips), `dataset`, and any other key is set as a
 * property (value, checked, disabled, hidden, tabIndex, …). Children: nodes or strings
 * (as text), arrays flattened, null/false skipped.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  append(el, children);
  return el;
}

/**
 * Creates an SVG element; `props` as for h() but every plain key is an attribute.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {SVGElement}
 */
export function svg(tag, props = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    else if (key === 'class') el.setAttribute('class', value);
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function apply(el, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    switch (key) {
      case 'class':
        if (value) el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
        break;
      case 'text':
        el.textContent = value === null ? '' : String(value);
        break;
      case 'on':
        for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
        break;
      case 'attrs':
        for (const [name, v] of Object.entries(value)) {
          if (v === null || v === undefined || v === false) continue;
          el.setAttribute(name, v === true ? '' : String(v));
        }
        break;
      case 'dataset':
        for (const [name, v] of Object.entries(value)) el.dataset[name] = String(v);
        break;
      default:
        el[key] = value;
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Removes every child. */
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** A visually hidden span, read by screen readers. */
export function srOnly(text) {
  return h('span', { class: 'sr-only', text });
}

/**
 * A labelled form control: `<div class="field"><label for>…</label>control help</div>`.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [help]
 */
export function field(label, control, help) {
  control.id ||= uid('ctl');
  const helpEl = help ? h('p', { class: 'help', id: uid('help'), text: help }) : null;
  if (helpEl) control.setAttribute('aria-describedby', helpEl.id);
  return h('div', { class: 'field' }, h('label', { attrs: { for: control.id }, text: label }), control, helpEl);
}

/**
 * A <select> from [{value, label, disabled?}]; `selected` picks the initial value.
 * @param {Array<{value: string, label: string, disabled?: boolean}>} options
 * @param {string} [selected]
 * @param {Record<string, any>} [props]
 */
export function select(options, selected, props = {}) {
  const el = /** @type {HTMLSelectElement} */ (h('select', props));
  for (const o of options) {
    const option = h('option', { value: o.value, text: o.label, disabled: !!o.disabled });
    if (o.value === selected) option.selected = true;
    el.append(option);
  }
  return el;
}

/** Runs `fn` after the browser has had a chance to paint / handle input. */
export function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Yields to the event loop (input, rendering) between pieces of long work. */
export function yieldToPage() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Moves focus to `el` (made focusable for the purpose) without scrolling jumps. */
export function focusHeading(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: false });
}
