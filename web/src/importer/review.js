// review.js — step 4: what the check found. Counts; bar charts of problems per column and
// per rule (a bar filters the table); the failed rows in a virtual-scrolled grid with each
// message beside its cell, filterable by column and rule; the full messages of the active
// row; the first clean records as they will be sent; the error report to download. In
// validate mode this is the end: nothing has left the machine.

import { barChart } from './chart.js';
import { headRecords } from './csv.js';
import { clear, field, h, select, uid } from './dom.js';
import { ROW_FIELD } from './messages.js';
import { fieldTitle } from './schema.js';
import { formatNumber } from './strings.js';
import { VirtualTable } from './virtual-table.js';

const PREVIEW_ROWS = 10;

/**
 * @param {import('../importer.js').StepContext} ctx
 */
export function renderReview(ctx) {
  const { t, state } = ctx;
  const v = state.validation;
  const summary = v.summary;
  const pre = summary.preflight ?? {};
  const def = ctx.typeDef(state.type);
  const fieldByName = new Map(def.fields.map((f) => [f.name, f]));
  const n = (x) => formatNumber(x ?? 0, ctx.locale);
  const heading = h('h3', { id: uid('h'), text: t('reviewHeading') });
  const disposers = [];

  const clean = pre.clean_rows ?? 0;
  const failed = summary.failed_jobs ?? 0;
  const counts = h('ul', { class: 'counts' },
    h('li', { class: 'rows' }, h('span', { class: 'n', text: n(summary.total_jobs) }), t('countRows')),
    h('li', { class: 'clean' }, h('span', { class: 'n', text: n(clean) }), t('countClean')),
    h('li', { class: 'failed' }, h('span', { class: 'n', text: n(failed) }), t('countFailed')),
    h('li', { class: 'warnings' }, h('span', { class: 'n', text: n(pre.warning_count) }), t('countWarnings')));

  const notes = [];
  if (state.mode === 'validate') notes.push(h('p', { class: 'notice success validate-only' }, h('span', { class: 'title', text: t('reviewValidateDone') })));
  if (failed === 0) notes.push(h('p', { class: 'notice success' }, h('span', { class: 'title', text: t('reviewAllClean') })));
  else if (clean === 0) notes.push(h('p', { class: 'notice warning' }, h('span', { class: 'title', text: t('reviewNoneClean') })));

  // Who a field is to people: its column header when it has one, else its label.
  const headerOfField = new Map([...state.fieldOfHeader].filter(([, f]) => f).map(([hd, f]) => [f, hd]));
  const labelOf = (f) => (f === ROW_FIELD ? t('wholeRow') : headerOfField.get(f) ?? (fieldByName.get(f) ? fieldTitle(fieldByName.get(f)) : f));

  // Filters (set by the selects or by a click on a bar).
  const filter = { field: null, rule: null };
  const columnSelect = select([{ value: '', label: t('filterAll') }], '', { on: { change: () => setFilter({ field: columnSelect.value || null }) } });
  const ruleSelect = select([{ value: '', label: t('filterAll') }], '', { on: { change: () => setFilter({ rule: ruleSelect.value || null }) } });
  const clearFilter = h('button', { type: 'button', text: t('filterClear'), on: { click: () => setFilter({ field: null, rule: null }) } });
  const showing = h('p', { class: 'showing', attrs: { 'aria-live': 'polite' } });

  const charts = h('div', { class: 'charts' });
  const drawCharts = () => {
    clear(charts);
    if (!failed) return;
    const byField = (pre.errors_by_field ?? []).map((e) => ({ key: e.field, label: labelOf(e.field), count: e.count }));
    const byRule = (pre.errors_by_rule ?? []).map((e) => ({ key: e.rule, label: e.rule, count: e.count }));
    charts.append(
      barChart({
        title: t('chartByColumn'), items: byField, selected: filter.field, kind: 'field',
        describe: (i) => t('chartShowOnly', { label: i.label, count: i.count }),
        onPick: (key) => setFilter({ field: filter.field === key ? null : key, rule: null }, true),
      }),
      barChart({
        title: t('chartByRule'), items: byRule, selected: filter.rule, kind: 'rule',
        describe: (i) => t('chartShowOnly', { label: i.label, count: i.count }),
        onPick: (key) => setFilter({ rule: filter.rule === key ? null : key, field: null }, true),
      }));
  };

  const warnings = (pre.warnings ?? []).length
    ? h('details', { class: 'warnings-list' }, h('summary', { text: `${t('warningsHeading')} (${n(pre.warning_count)})` }),
      h('ul', {}, pre.warnings.map((w) => h('li', {},
        w.message ?? '', w.lines?.length ? ` — ${t('warningLines', { lines: w.lines.slice(0, 20).join(', ') })}${w.lines.length > 20 ? '…' : ''}` : ''))))
    : null;

  // The failed rows.
  const tableBox = h('div', { class: 'failed-table' });
  const detail = h('div', { class: 'row-detail', attrs: { 'aria-live': 'off' } }, h('p', { class: 'help', text: t('rowDetailNone') }));
  /** @type {VirtualTable|null} */
  let table = null;
  /** @type {Uint32Array|null} */
  let order = null;
  const rowAt = (position) => (order ? order[position] : position);

  const showDetail = (position) => {
    const rows = state.failedRows;
    if (!rows || position < 0) return;
    const row = rows.row(rowAt(position));
    detail.replaceChildren(
      h('h5', { text: t('rowDetailHeading', { line: row.line }) }),
      h('ul', {}, row.messages.map((m) => h('li', {}, h('strong', { text: `${labelOf(m.field)} · ${m.rule}: ` }), m.text))));
  };

  const buildTable = () => {
    const rows = state.failedRows;
    const columns = [
      { label: t('tableLine'), width: '6.5rem' },
      ...rows.headers.map((hd) => ({ label: hd, width: 'var(--pfi-column-width, 13rem)' })),
      { label: t('tableRowProblems'), width: '22rem' },
    ];
    table = new VirtualTable({
      columns,
      label: t('tableLabel'),
      emptyText: t('tableEmpty'),
      onActivate: showDetail,
      onActiveChange: showDetail,
      renderRow: (cells, position, rowEl) => {
        const row = rows.row(rowAt(position));
        cells[0].textContent = String(row.line);
        const placed = new Set();
        const extraMessages = [];
        for (const m of row.messages) {
          const column = rows.columnOf(m.field);
          if (column === undefined) extraMessages.push(m);
          else placed.add(column);
        }
        for (let c = 0; c < rows.headers.length; c++) {
          const cell = cells[c + 1];
          const value = row.cells[c];
          const here = placed.has(c) ? row.messages.filter((m) => rows.columnOf(m.field) === c) : [];
          cell.replaceChildren(h('span', { class: value === '' ? 'value blank' : 'value', text: value === '' ? '(blank)' : value }));
          for (const m of here) cell.append(h('span', { class: 'msg', text: m.text }));
          cell.classList.toggle('bad', here.length > 0);
          cell.title = here.length ? `${value}\n${here.map((m) => m.text).join('\n')}` : value;
          if (here.length) cell.setAttribute('aria-invalid', 'true');
          else cell.removeAttribute('aria-invalid');
        }
        const last = cells[cells.length - 1];
        last.replaceChildren(...extraMessages.map((m) => h('span', { class: 'msg', text: m.text })));
        if (row.extra.length) last.append(h('span', { class: 'value', text: `+ ${row.extra.join(', ')}` }));
        last.classList.toggle('bad', extraMessages.length > 0);
        last.title = extraMessages.map((m) => m.text).join('\n');
        rowEl.dataset.line = String(row.line);
      },
    });
    disposers.push(() => table.destroy());
    // Filter choices, with their counts.
    const fieldOptions = [...rows.rowsByField].sort((a, b) => b[1] - a[1])
      .map(([f, count]) => ({ value: f, label: `${labelOf(f)} (${n(count)})` }));
    const ruleOptions = [...rows.messagesByRule].sort((a, b) => b[1] - a[1])
      .map(([r, count]) => ({ value: r, label: `${r} (${n(count)})` }));
    columnSelect.replaceChildren(...select([{ value: '', label: t('filterAll') }, ...fieldOptions], filter.field ?? '').children);
    ruleSelect.replaceChildren(...select([{ value: '', label: t('filterAll') }, ...ruleOptions], filter.rule ?? '').children);
    columnSelect.value = filter.field ?? '';
    ruleSelect.value = filter.rule ?? '';
    tableBox.replaceChildren(table.el);
    applyFilter();
  };

  function applyFilter() {
    const rows = state.failedRows;
    if (!rows || !table) return;
    order = rows.filter(filter);
    const shown = order ? order.length : rows.count;
    table.setCount(shown);
    showing.textContent = t('filterShowing', { shown: n(shown), total: n(rows.count) });
    clearFilter.disabled = !filter.field && !filter.rule;
  }

  function setFilter(change, fromChart = false) {
    Object.assign(filter, change);
    columnSelect.value = filter.field ?? '';
    ruleSelect.value = filter.rule ?? '';
    applyFilter();
    if (fromChart) {
      const active = el.getRootNode().activeElement;
      const key = active?.getAttribute?.('data-key');
      drawCharts();
      if (key) charts.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
    } else {
      drawCharts();
    }
  }

  // The error report.
  const report = v.errorReport;
  let reportLink = null;
  if (report) {
    const url = URL.createObjectURL(report);
    disposers.push(() => URL.revokeObjectURL(url));
    reportLink = h('p', { class: 'download' },
      h('a', { class: 'button', href: url, attrs: { download: report.name || 'errors.csv' }, text: t('downloadReport') }),
      h('span', { class: 'help', text: ` ${t('downloadReportHint')}` }));
  }

  // The first clean records, from the first batch.
  const preview = h('div', { class: 'preview' });
  const loadPreview = async () => {
    const headingEl = h('h4', { text: state.mode === 'validate' ? t('previewValidateHeading') : t('previewHeading') });
    preview.replaceChildren(headingEl);
    let first = null;
    try {
      for await (const batch of v.batches()) {
        first = batch;
        break;
      }
    } catch {
      first = null;
    }
    if (!first) {
      preview.append(h('p', { class: 'help', text: t('previewEmpty') }));
      return;
    }
    const records = await headRecords(first.blob, PREVIEW_ROWS + 1);
    const [header, ...body] = records;
    preview.append(h('div', { class: 'table-wrap' }, h('table', { class: 'preview-table' },
      h('caption', { class: 'sr-only', text: headingEl.textContent }),
      h('thead', {}, h('tr', {}, header.map((c) => h('th', { attrs: { scope: 'col' }, text: c })))),
      h('tbody', {}, body.map((r) => h('tr', {}, r.map((c) => h('td', { text: c }))))))));
  };

  const nextActions = h('div', { class: 'actions' },
    h('button', { type: 'button', text: t('back'), on: { click: () => ctx.go('map') } }),
    h('button', { type: 'button', text: t('startOver'), on: { click: () => ctx.reset() } }),
    h('span', { class: 'spacer' }),
    state.mode !== 'validate' && clean > 0
      ? h('button', {
        type: 'button', class: 'primary start-import',
        text: t(state.mode === 'update' ? 'importCleanUpdate' : 'importClean', { count: n(clean) }),
        on: { click: () => ctx.go('import') },
      })
      : null);

  const failedSection = failed
    ? h('div', { class: 'failed' },
      h('h4', { text: t('failedRowsHeading') }),
      charts,
      h('div', { class: 'filters' }, field(t('filterColumn'), columnSelect), field(t('filterRule'), ruleSelect), clearFilter),
      showing,
      tableBox,
      detail)
    : null;

  const el = h('section', { class: 'step step-review', attrs: { 'aria-labelledby': heading.id } },
    heading, counts, notes, reportLink, warnings, failedSection, preview, nextActions);

  drawCharts();
  if (failed) {
    if (state.failedRows) buildTable();
    else tableBox.append(h('p', { class: 'busy', attrs: { role: 'status' }, text: t('tableLoading') }));
  }
  loadPreview();

  return {
    el,
    focus: heading,
    update: () => {
      if (failed && state.failedRows && !table) buildTable();
    },
    dispose: () => disposers.forEach((d) => d()),
    /** For tests and hosts: the grid. */
    get table() {
      return table;
    },
  };
}
