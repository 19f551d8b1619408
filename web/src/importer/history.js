// history.js — past imports, from the API's list endpoint (GET /api/v1/import):
// filterable by type and status (filter[types], filter[statuses]), sorted by creation date
// (sort=created_at / -created_at), a page at a time (per_page, page). Each row's error
// report downloads with the token, through the API client.

import { ImportApiClient } from '../api-client.js';
import { field, h, select, uid } from './dom.js';
import { formatDate, formatNumber } from './strings.js';

const PER_PAGE = 10;
const STATUSES = ['uploaded', 'mapped', 'processing', 'completed', 'failed'];

/**
 * @param {import('../importer.js').StepContext} ctx
 */
export function renderHistory(ctx) {
  const { t } = ctx;
  const heading = h('h3', { id: uid('h'), text: t('historyHeading') });
  const n = (x) => formatNumber(x ?? 0, ctx.locale);
  const query = { type: ctx.config.fixedType ?? '', status: '', sort: '-created_at', page: 1 };
  let seq = 0;
  let client = null;

  const typeSelect = select([{ value: '', label: t('historyAll') }, ...(ctx.types ?? []).map((x) => ({ value: x.type, label: x.label || x.type }))],
    query.type, { on: { change: () => { query.type = typeSelect.value; query.page = 1; load(); } } });
  const statusSelect = select([{ value: '', label: t('historyAll') }, ...STATUSES.map((s) => ({ value: s, label: t(`status_${s}`) }))],
    '', { on: { change: () => { query.status = statusSelect.value; query.page = 1; load(); } } });
  const sortSelect = select([{ value: '-created_at', label: t('historySortNewest') }, { value: 'created_at', label: t('historySortOldest') }],
    query.sort, { on: { change: () => { query.sort = sortSelect.value; query.page = 1; load(); } } });
  const refresh = h('button', { type: 'button', text: t('historyRefresh'), on: { click: () => load() } });
  const status = h('p', { class: 'history-status', attrs: { role: 'status' } });
  const body = h('div', { class: 'history-body' });
  const prev = h('button', { type: 'button', text: t('historyPrev'), on: { click: () => { query.page--; load(true); } } });
  const next = h('button', { type: 'button', text: t('historyNext'), on: { click: () => { query.page++; load(true); } } });
  const pageLabel = h('span', { class: 'page' });
  const pager = h('nav', { class: 'pager', attrs: { 'aria-label': t('historyPagination') } }, prev, pageLabel, next);

  async function load(fromPager = false) {
    const api = ctx.api();
    const mine = ++seq;
    if (!api) {
      client = null;
      status.textContent = t('historyNeedsConnection');
      body.replaceChildren();
      pager.hidden = true;
      return;
    }
    client = new ImportApiClient({ baseUrl: api.baseUrl, token: api.token, accountUuid: api.account });
    status.textContent = t('historyLoading');
    el.setAttribute('aria-busy', 'true');
    try {
      const filter = {};
      if (query.type) filter.types = [query.type];
      if (query.status) filter.statuses = [query.status];
      const result = await client.list({ filter, sort: query.sort, perPage: PER_PAGE, page: query.page });
      if (mine !== seq) return;
      const meta = result.meta ?? { current_page: query.page, last_page: 1, total: result.data.length };
      status.textContent = t('historyTotal', { total: n(meta.total) });
      body.replaceChildren(result.data.length ? table(result.data) : h('p', { class: 'help', text: t('historyEmpty') }));
      pager.hidden = meta.last_page <= 1;
      pageLabel.textContent = t('historyPage', { page: n(meta.current_page), pages: n(meta.last_page) });
      prev.disabled = meta.current_page <= 1;
      next.disabled = meta.current_page >= meta.last_page;
      if (fromPager) {
        // Keep the focus on a pager button that is still usable.
        const target = prev.disabled ? next : next.disabled ? prev : null;
        if (target && el.getRootNode().activeElement?.disabled) target.focus();
      }
    } catch (error) {
      if (mine !== seq) return;
      status.textContent = '';
      body.replaceChildren(h('div', { class: 'notice danger', attrs: { role: 'alert' } }, h('p', { text: t('historyFailed', { message: error.message }) })));
      ctx.emit('error', { step: 'history', code: error?.name ?? 'error', message: error?.message ?? String(error), error });
    } finally {
      if (mine === seq) el.setAttribute('aria-busy', 'false');
    }
  }

  function table(imports) {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'history-table' },
      h('caption', { class: 'sr-only', text: t('historyHeading') }),
      h('thead', {}, h('tr', {}, ['historyColCreated', 'historyColType', 'historyColMode', 'historyColStatus', 'historyColRows', 'historyColFailed', 'historyColReport']
        .map((k) => h('th', { attrs: { scope: 'col', 'aria-sort': k === 'historyColCreated' ? (query.sort === '-created_at' ? 'descending' : 'ascending') : null }, text: t(k) })))),
      h('tbody', {}, imports.map((imp) => h('tr', { dataset: { uuid: imp.uuid ?? '' } },
        h('td', {}, h('time', { attrs: { datetime: imp.created_at ?? '' }, text: formatDate(imp.created_at, ctx.locale) })),
        h('td', { text: ctx.typeDef(imp.type)?.label ?? imp.type ?? '' }),
        h('td', { text: imp.mode ?? '' }),
        h('td', {}, h('span', { class: `status ${STATUSES.includes(imp.status) ? imp.status : ''}`, text: STATUSES.includes(imp.status) ? t(`status_${imp.status}`) : String(imp.status ?? '') })),
        h('td', { class: 'num', text: n(imp.total_jobs) }),
        h('td', { class: 'num', text: n(imp.failed_jobs) }),
        h('td', {}, imp.error_report?.download_url
          ? h('button', {
            type: 'button', class: 'link',
            text: t('historyReport'),
            attrs: { 'aria-label': `${t('historyReport')}: ${imp.error_report.filename ?? ''}` },
            on: { click: () => download(imp) },
          })
          : t('historyNoReport')))))));
  }

  async function download(imp) {
    try {
      const text = await client.downloadErrorReport(imp);
      const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }));
      const a = h('a', { href: url, class: 'sr-only', attrs: { download: imp.error_report.filename ?? `${imp.uuid}-errors.csv` } });
      el.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      ctx.fail('history', error);
    }
  }

  const el = h('section', { class: 'step step-history', attrs: { 'aria-labelledby': heading.id } },
    heading,
    h('div', { class: 'filters' },
      field(t('historyFilterType'), typeSelect),
      field(t('historyFilterStatus'), statusSelect),
      field(t('historySort'), sortSelect),
      refresh),
    status,
    body,
    pager,
    h('div', { class: 'actions' }, h('button', { type: 'button', text: t('back'), on: { click: () => ctx.back() } })));
  load();
  return { el, focus: heading, update: () => load() };
}
