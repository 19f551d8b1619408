// chart.js — a horizontal bar chart in plain SVG: one bar per column or rule, the count
// written beside each bar (so the length is never the only signal), the label on the left.
// Each bar is a button: click, Enter or Space filters the failed-rows table to it.

import { h, svg, uid } from './dom.js';

const BAR = 22;
const GAP = 8;
const LABEL_WIDTH = 190;
const COUNT_WIDTH = 70;
const WIDTH = 560;

/**
 * @param {{title: string, items: Array<{key: string, label: string, count: number}>,
 *   describe: (item: {label: string, count: number}) => string,
 *   onPick?: (key: string) => void, selected?: string|null, maxItems?: number, kind?: string}} options
 *   `kind` prefixes each bar's data-key ("rule:email"), so two charts never share one
 * @returns {HTMLElement}
 */
export function barChart({ title, items, describe, onPick, selected = null, maxItems = 12, kind = 'bar' }) {
  const shown = items.slice(0, maxItems);
  const titleId = uid('chart-title');
  const max = Math.max(1, ...shown.map((i) => i.count));
  const height = shown.length * (BAR + GAP) + GAP;
  const barSpace = WIDTH - LABEL_WIDTH - COUNT_WIDTH;
  const chart = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${WIDTH} ${Math.max(height, BAR + 2 * GAP)}`,
    width: WIDTH,
    height: Math.max(height, BAR + 2 * GAP),
    role: 'group',
    'aria-labelledby': titleId,
  });
  shown.forEach((item, n) => {
    const y = GAP + n * (BAR + GAP);
    const length = Math.max(2, Math.round((item.count / max) * barSpace));
    const isSelected = selected === item.key;
    const g = svg('g', {
      class: isSelected ? 'bar selected' : 'bar',
      tabindex: onPick ? 0 : null,
      role: onPick ? 'button' : 'img',
      'aria-label': describe(item),
      'aria-pressed': onPick ? String(isSelected) : null,
      'data-key': `${kind}:${item.key}`,
    },
    svg('title', { text: describe(item) }),
    svg('rect', { class: 'bar-hit', x: 0, y: y - GAP / 2, width: WIDTH, height: BAR + GAP }),
    svg('text', { class: 'bar-label', x: LABEL_WIDTH - 8, y: y + BAR / 2, 'text-anchor': 'end', 'dominant-baseline': 'central', text: clip(item.label, 28) }),
    svg('rect', { class: 'bar-fill', x: LABEL_WIDTH, y, width: length, height: BAR, rx: 3 }),
    svg('text', { class: 'bar-count', x: LABEL_WIDTH + length + 6, y: y + BAR / 2, 'dominant-baseline': 'central', text: item.count.toLocaleString() }));
    if (onPick) {
      g.addEventListener('click', () => onPick(item.key));
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onPick(item.key);
        }
      });
    }
    chart.append(g);
  });
  const more = items.length > shown.length ? h('p', { class: 'help', text: `+ ${items.length - shown.length} more` }) : null;
  return h('figure', { class: 'chart-figure' }, h('figcaption', { id: titleId, text: title }), chart, more);
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
