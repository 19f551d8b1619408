// virtual-table.js — a scrolling grid that only builds the rows on screen, so 100,000 (or
// millions of) rows scroll as smoothly as ten. Rows have one fixed height (measured once
// from the CSS); a small pool of row elements is reused as the view moves. Past the
// browser's largest element height the scroll range is scaled, so any row count works.
//
// Accessible as an ARIA grid: the scroll box is the one tab stop; Up/Down, PageUp/PageDown,
// Home/End move the active row (aria-activedescendant, with a visible outline and marker),
// Enter or a click reports it. aria-rowcount/aria-rowindex give the real position.

import { h, uid } from './dom.js';

/** Stay well under Chromium's ~33.5 million px element height. */
const MAX_SCROLL_PX = 8_000_000;
const OVERSCAN = 6;

export class VirtualTable {
  /**
   * @param {{columns: Array<{label: string, width: string}>, label: string,
   *   renderRow: (cells: HTMLElement[], index: number, rowEl: HTMLElement) => void,
   *   onActivate?: (index: number) => void, onActiveChange?: (index: number) => void,
   *   emptyText?: string}} options
   */
  constructor({ columns, label, renderRow, onActivate, onActiveChange, emptyText = '' }) {
    this.columns = columns;
    this.renderRow = renderRow;
    this.onActivate = onActivate;
    this.onActiveChange = onActiveChange;
    this.count = 0;
    this.active = -1;
    this.rowHeight = 0;
    this.id = uid('grid');
    /** @type {Array<{el: HTMLElement, cells: HTMLElement[], index: number}>} */
    this.pool = [];
    this.scheduled = false;

    const headerCells = columns.map((c) => h('div', { class: 'vt-cell vt-headcell', attrs: { role: 'columnheader' }, text: c.label }));
    this.headRow = h('div', { class: 'vt-row vt-headrow', attrs: { role: 'row', 'aria-rowindex': 1 } }, headerCells);
    this.body = h('div', { class: 'vt-body', attrs: { role: 'rowgroup' } });
    this.spacer = h('div', { class: 'vt-spacer' }, this.body);
    this.empty = h('p', { class: 'vt-empty', text: emptyText, hidden: true });
    this.viewport = h('div', {
      class: 'vt-viewport',
      id: this.id,
      tabIndex: 0,
      attrs: { role: 'grid', 'aria-label': label, 'aria-colcount': columns.length, 'aria-rowcount': 1 },
      on: {
        scroll: () => this.schedule(),
        keydown: (e) => this.onKey(e),
        click: (e) => this.onClick(e),
        focus: () => {
          if (this.active < 0 && this.count > 0) this.setActive(0, false);
        },
      },
    }, h('div', { class: 'vt-head', attrs: { role: 'rowgroup' } }, this.headRow), this.spacer);
    this.el = h('div', { class: 'vt' }, this.viewport, this.empty);
    const template = columns.map((c) => c.width).join(' ');
    this.el.style.setProperty('--vt-columns', template);
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.viewport);
  }

  /** Shows `count` rows (the caller's renderRow maps positions to its data). */
  setCount(count) {
    this.count = count;
    this.active = count > 0 ? Math.min(Math.max(this.active, -1), count - 1) : -1;
    this.viewport.setAttribute('aria-rowcount', String(count + 1));
    this.empty.hidden = count > 0;
    this.viewport.scrollTop = 0;
    for (const slot of this.pool) slot.index = -1;
    this.updateActiveDescendant();
    this.render();
  }

  /** Re-renders the visible rows (their data changed). */
  refresh() {
    for (const slot of this.pool) slot.index = -1;
    this.render();
  }

  destroy() {
    this.resizeObserver.disconnect();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  measure() {
    if (this.rowHeight > 0) return;
    const probe = this.makeSlot();
    probe.el.style.setProperty('visibility', 'hidden');
    this.body.append(probe.el);
    const height = probe.el.getBoundingClientRect().height;
    probe.el.remove();
    if (height > 0) this.rowHeight = height;
  }

  geometry() {
    this.measure();
    const rowHeight = this.rowHeight || 48;
    const viewportHeight = Math.max(0, this.viewport.clientHeight - this.headRow.getBoundingClientRect().height);
    const full = this.count * rowHeight;
    const total = Math.min(full, MAX_SCROLL_PX);
    const ratio = total > viewportHeight && full > viewportHeight ? (full - viewportHeight) / (total - viewportHeight) : 1;
    return { rowHeight, viewportHeight, full, total, ratio };
  }

  makeSlot() {
    const cells = this.columns.map(() => h('div', { class: 'vt-cell', attrs: { role: 'gridcell' } }));
    const el = h('div', { class: 'vt-row', attrs: { role: 'row' } }, cells);
    return { el, cells, index: -1 };
  }

  render() {
    const g = this.geometry();
    this.spacer.style.setProperty('height', `${g.total}px`);
    if (this.count === 0) {
      for (const slot of this.pool) slot.el.hidden = true;
      return;
    }
    const scrollTop = this.viewport.scrollTop;
    const virtualTop = scrollTop * g.ratio;
    const first = Math.max(0, Math.floor(virtualTop / g.rowHeight) - OVERSCAN);
    const visible = Math.ceil(g.viewportHeight / g.rowHeight) + 2 * OVERSCAN + 1;
    const last = Math.min(this.count - 1, first + visible - 1);
    const needed = last - first + 1;
    while (this.pool.length < needed) {
      const slot = this.makeSlot();
      this.pool.push(slot);
      this.body.append(slot.el);
    }
    // Keep rows that are still visible in their slots; give the others the free slots.
    const wanted = new Set();
    for (let i = first; i <= last; i++) wanted.add(i);
    const free = [];
    for (const slot of this.pool) {
      if (slot.index >= first && slot.index <= last && wanted.has(slot.index)) wanted.delete(slot.index);
      else free.push(slot);
    }
    for (const index of wanted) {
      const slot = free.pop();
      slot.index = index;
      slot.el.id = `${this.id}-r${index}`;
      slot.el.setAttribute('aria-rowindex', String(index + 2));
      slot.el.dataset.index = String(index);
      this.renderRow(slot.cells, index, slot.el);
    }
    for (const slot of free) {
      slot.index = -1;
      slot.el.hidden = true;
      slot.el.removeAttribute('id');
    }
    // Scaled scrolling: place rows relative to where the viewport really is.
    const offset = scrollTop - virtualTop;
    for (const slot of this.pool) {
      if (slot.index < 0) continue;
      slot.el.hidden = false;
      slot.el.style.setProperty('transform', `translateY(${offset + slot.index * g.rowHeight}px)`);
      const isActive = slot.index === this.active;
      slot.el.classList.toggle('vt-active', isActive);
      slot.el.setAttribute('aria-selected', isActive ? 'true' : 'false');
    }
    this.updateActiveDescendant();
  }

  updateActiveDescendant() {
    const id = this.active >= 0 ? `${this.id}-r${this.active}` : null;
    if (id && this.pool.some((s) => s.index === this.active)) this.viewport.setAttribute('aria-activedescendant', id);
    else this.viewport.removeAttribute('aria-activedescendant');
  }

  /** Makes row `index` the active one and scrolls it into view. */
  setActive(index, notify = true) {
    if (this.count === 0) return;
    const i = Math.max(0, Math.min(this.count - 1, index));
    this.active = i;
    const g = this.geometry();
    const virtualTop = this.viewport.scrollTop * g.ratio;
    const top = i * g.rowHeight;
    let target = null;
    if (top < virtualTop) target = top;
    else if (top + g.rowHeight > virtualTop + g.viewportHeight) target = top + g.rowHeight - g.viewportHeight;
    if (target !== null) this.viewport.scrollTop = Math.max(0, target / g.ratio);
    this.render();
    if (notify) this.onActiveChange?.(i);
  }

  /** Scrolls so row `index` is at the top (tests and "go to line" use it). */
  scrollToIndex(index) {
    const g = this.geometry();
    this.viewport.scrollTop = (Math.max(0, Math.min(this.count - 1, index)) * g.rowHeight) / g.ratio;
    this.render();
  }

  onKey(e) {
    if (this.count === 0) return;
    const g = this.geometry();
    const page = Math.max(1, Math.floor(g.viewportHeight / g.rowHeight) - 1);
    const moves = {
      ArrowDown: this.active + 1,
      ArrowUp: this.active - 1,
      PageDown: this.active + page,
      PageUp: this.active - page,
      Home: 0,
      End: this.count - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.setActive(moves[e.key]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      if (this.active >= 0) {
        e.preventDefault();
        this.onActivate?.(this.active);
      }
    }
  }

  onClick(e) {
    const rowEl = /** @type {HTMLElement} */ (e.target).closest?.('.vt-row[data-index]');
    if (!rowEl || !this.body.contains(rowEl)) return;
    const index = Number(rowEl.dataset.index);
    this.setActive(index);
    this.onActivate?.(index);
    this.viewport.focus({ preventScroll: true });
  }
}
