// validate.js — step 3: the check running in the worker. A progress bar with the percent,
// rows per second and the time left, a cancel button, and a polite live region that
// announces the progress now and then (not on every tick, so a screen reader can keep up).

import { h, uid } from './dom.js';
import { formatDuration, formatNumber } from './strings.js';

/** Announce at most this often. */
const ANNOUNCE_EVERY_MS = 5000;

/**
 * Percent, rate and time left from a progress snapshot (web/src/preflight.d.ts Progress).
 * @param {{bytesRead: number, totalBytes: number, rows: number, rowsPerSecond: number, bytesPerSecond: number, done?: boolean}} p
 */
export function progressFigures(p) {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : p.done ? 1 : 0;
  const percent = p.done ? 100 : Math.min(99, Math.floor(fraction * 100));
  const secondsLeft = p.bytesPerSecond > 0 ? (p.totalBytes - p.bytesRead) / p.bytesPerSecond : null;
  return { fraction, percent, secondsLeft };
}

/**
 * @param {import('../importer.js').StepContext} ctx
 */
export function renderValidate(ctx) {
  const { t } = ctx;
  const heading = h('h3', { id: uid('h'), text: t('validateHeading') });
  const bar = h('progress', { max: 100, value: 0, id: uid('bar') });
  const percent = h('span', { class: 'percent', text: t('progressPercent', { percent: 0 }) });
  const rows = h('span', { class: 'rows' });
  const rate = h('span', { class: 'rate' });
  const left = h('span', { class: 'left' });
  const live = h('p', { class: 'sr-only', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
  const problem = h('div', { class: 'validate-problem' });
  const cancel = h('button', { type: 'button', text: t('cancel'), on: { click: () => ctx.cancelValidation() } });
  let lastAnnounce = 0;
  let lastPercentAnnounced = -1;

  const update = () => {
    const v = ctx.state.validating;
    const p = v?.progress;
    if (v?.error) {
      problem.replaceChildren(h('div', { class: 'notice danger', attrs: { role: 'alert' } },
        h('p', { class: 'title', text: t('errorHeading') }), h('p', { text: t('validateFailed', { message: v.error.message }) })));
      cancel.hidden = true;
    }
    if (!p) return;
    const f = progressFigures(p);
    bar.value = f.percent;
    bar.setAttribute('aria-valuetext', t('progressPercent', { percent: f.percent }));
    percent.textContent = t('progressPercent', { percent: f.percent });
    rows.textContent = t('rowsChecked', { rows: formatNumber(p.rows, ctx.locale), failed: formatNumber(p.failedRows, ctx.locale) });
    rate.textContent = t('rowsPerSecond', { rate: formatNumber(Math.round(p.rowsPerSecond), ctx.locale) });
    left.textContent = f.secondsLeft === null ? t('timeLeftUnknown') : t('timeLeft', { time: formatDuration(f.secondsLeft) });
    const now = Date.now();
    if (now - lastAnnounce >= ANNOUNCE_EVERY_MS && f.percent !== lastPercentAnnounced) {
      lastAnnounce = now;
      lastPercentAnnounced = f.percent;
      live.textContent = t('validateAnnounce', { percent: f.percent, rows: formatNumber(p.rows, ctx.locale) });
    }
  };

  const el = h('section', { class: 'step step-validate', attrs: { 'aria-labelledby': heading.id, 'aria-busy': 'true' } },
    heading,
    h('p', { text: t('validateIntro') }),
    h('div', { class: 'progress' },
      h('label', { attrs: { for: bar.id }, text: t('progressLabel') }),
      bar,
      h('div', { class: 'numbers' }, percent, rows, rate, left)),
    live,
    problem,
    h('div', { class: 'actions' }, cancel));
  update();
  return { el, focus: heading, update };
}
