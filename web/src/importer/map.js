// map.js — step 2: every CSV header with the engine's suggested field and its confidence,
// a few sample values, a field picker (or "ignore"), and constant values for fields the
// file lacks. Required fields still unmapped (and fields chosen twice) are listed and keep
// the next step shut. A mapping used before for the same headers is offered again.

import { clear, field, h, select, uid } from './dom.js';
import { fieldTitle, isRequired } from './schema.js';

/** How many distinct sample values to show per column. */
const SAMPLES = 3;

/**
 * The problems that block validation: required fields neither mapped nor constant, and
 * fields chosen for more than one column.
 * @param {import('../importer.js').StepContext} ctx
 * @returns {{missing: import('./schema.js').FieldDef[], duplicates: Array<{field: string, headers: string[]}>}}
 */
export function mappingProblems(ctx) {
  const { state } = ctx;
  const def = ctx.typeDef(state.type);
  if (!def) return { missing: [], duplicates: [] };
  const headersOf = new Map();
  for (const [header, f] of state.fieldOfHeader) {
    if (!f) continue;
    if (!headersOf.has(f)) headersOf.set(f, []);
    headersOf.get(f).push(header);
  }
  const missing = def.fields.filter((f) => isRequired(f, state.mode) && !headersOf.has(f.name) && !hasConstant(state, f.name));
  const duplicates = [...headersOf].filter(([, hs]) => hs.length > 1).map(([f, hs]) => ({ field: f, headers: hs }));
  return { missing, duplicates };
}

function hasConstant(state, name) {
  return Object.hasOwn(state.constants, name) && state.constants[name] !== '';
}

/**
 * @param {import('../importer.js').StepContext} ctx
 */
export function renderMap(ctx) {
  const { t, state } = ctx;
  const def = ctx.typeDef(state.type);
  const s = state.suggestion;
  const heading = h('h3', { id: uid('h'), text: t('mapHeading') });
  const fieldByName = new Map(def.fields.map((f) => [f.name, f]));
  const suggestionOf = new Map((s.suggestions ?? []).map((x) => [x.header, x]));

  const problemsBox = h('div', { class: 'problems', attrs: { 'aria-live': 'polite' } });
  const constantsBox = h('div', { class: 'constants' });
  const rememberedBox = h('div', { class: 'remembered' });
  const next = h('button', { class: 'primary', type: 'button', text: t('checkRows'), on: { click: () => ctx.confirmMapping() } });

  const fieldOptions = (required) => [
    { value: '', label: t('ignore') },
    ...def.fields.map((f) => ({ value: f.name, label: `${fieldTitle(f)}${required(f) ? ` ${t('requiredMark')}` : ''}` })),
  ];
  /** @type {Map<string, {row: HTMLElement, picker: HTMLSelectElement}>} */
  const rows = new Map();

  const tbody = h('tbody', {}, s.headers.map((header, column) => {
    const sug = suggestionOf.get(header);
    const samples = distinctSamples(s.samples ?? [], column);
    const picker = select(fieldOptions((f) => isRequired(f, state.mode)), state.fieldOfHeader.get(header) ?? '', {
      attrs: { 'aria-label': t('fieldFor', { header }) },
      dataset: { header },
      on: {
        change: () => {
          state.fieldOfHeader.set(header, picker.value);
          ctx.mappingChanged();
          refresh();
        },
      },
    });
    const sugField = sug?.field ? fieldByName.get(sug.field) : null;
    const level = !sug?.field ? null : sug.confidence >= 0.8 ? 'confidenceHigh' : sug.confidence >= 0.5 ? 'confidenceMedium' : 'confidenceLow';
    const row = h('tr', { dataset: { header } },
      h('th', { attrs: { scope: 'row' }, text: header }),
      h('td', { class: 'samples' }, samples.length ? samples.map((v) => h('span', { text: v, title: v })) : h('span', { text: '—' })),
      h('td', { class: 'confidence' }, sugField
        ? [h('span', { class: 'sug-field', text: fieldTitle(sugField) }), h('br'),
          h('span', { class: 'level', text: `${t('confidence', { percent: Math.round(sug.confidence * 100) })} (${t(level)})` })]
        : h('span', { class: 'level', text: t('noSuggestion') })),
      h('td', {}, picker));
    rows.set(header, { row, picker });
    return row;
  }));
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'mapping' },
    h('caption', { class: 'sr-only', text: t('mapHeading') }),
    h('thead', {}, h('tr', {}, [t('colHeader'), t('colSamples'), t('colSuggestion'), t('colField')].map((c) => h('th', { attrs: { scope: 'col' }, text: c })))),
    tbody));

  function refresh() {
    const { missing, duplicates } = mappingProblems(ctx);
    const dupHeaders = new Set(duplicates.flatMap((d) => d.headers));
    for (const [header, { row, picker }] of rows) {
      row.classList.toggle('ignored', !picker.value);
      row.classList.toggle('problem', dupHeaders.has(header));
      picker.setAttribute('aria-invalid', dupHeaders.has(header) ? 'true' : 'false');
    }
    clear(problemsBox);
    if (missing.length || duplicates.length) {
      const box = h('div', { class: 'notice danger', attrs: { role: 'group', 'aria-label': t('requiredMissingHeading') } });
      if (missing.length) {
        box.append(h('p', { class: 'title', text: t('requiredMissingHeading') }),
          h('p', { class: 'missing', text: t('requiredMissing', { fields: missing.map((f) => fieldTitle(f)).join(', ') }) }));
      }
      for (const d of duplicates) {
        box.append(h('p', { class: 'duplicate', text: t('duplicateField', { field: fieldTitle(fieldByName.get(d.field)), headers: d.headers.join(', ') }) }));
      }
      problemsBox.append(box);
    } else {
      problemsBox.append(h('p', { class: 'notice success' }, h('span', { class: 'title', text: t('allRequiredMapped') })));
    }
    next.disabled = missing.length > 0 || duplicates.length > 0;
    renderConstants(ctx, constantsBox, missing, refresh);
  }

  async function offerRemembered() {
    clear(rememberedBox);
    const r = state.remembered;
    if (!r || state.rememberedDismissed) return;
    const same = [...state.fieldOfHeader].every(([header, f]) => (r.mapping.get(header) ?? '') === (f ?? ''));
    if (same) {
      if (state.rememberedApplied) rememberedBox.append(h('p', { class: 'notice success', attrs: { role: 'status' } }, h('span', { class: 'title', text: t('rememberedApplied') })));
      return;
    }
    const use = h('button', {
      type: 'button', class: 'primary', text: t('rememberedUse'),
      on: {
        click: () => {
          for (const header of s.headers) {
            const f = r.mapping.get(header) ?? '';
            state.fieldOfHeader.set(header, f);
            rows.get(header).picker.value = f;
          }
          state.rememberedApplied = true;
          ctx.mappingChanged();
          refresh();
          offerRemembered();
          rows.get(s.headers[0])?.picker.focus();
        },
      },
    });
    const dismiss = h('button', {
      type: 'button', text: t('rememberedDismiss'),
      on: {
        click: () => {
          state.rememberedDismissed = true;
          offerRemembered();
          rows.get(s.headers[0])?.picker.focus();
        },
      },
    });
    rememberedBox.append(h('div', { class: 'notice', attrs: { role: 'region', 'aria-label': t('rememberedHeading') } },
      h('p', { class: 'title', text: t('rememberedHeading') }),
      h('p', { text: t('rememberedText', { when: new Date(r.savedAt).toLocaleString(ctx.locale || undefined) }) }),
      h('div', { class: 'actions' }, use, dismiss)));
  }

  const el = h('section', { class: 'step step-map', attrs: { 'aria-labelledby': heading.id } },
    heading,
    h('p', { text: t('mapIntro') }),
    rememberedBox,
    table,
    problemsBox,
    constantsBox,
    h('div', { class: 'actions' },
      h('button', { type: 'button', text: t('back'), on: { click: () => ctx.go('choose') } }),
      h('span', { class: 'spacer' }),
      next));
  refresh();
  offerRemembered();
  return { el, focus: heading, update: () => offerRemembered() };
}

function distinctSamples(samples, column) {
  const out = [];
  for (const row of samples) {
    const v = (row[column] ?? '').trim();
    if (v && !out.includes(v)) out.push(v);
    if (out.length >= SAMPLES) break;
  }
  return out;
}

/**
 * Constant values: one input per required field still missing, plus any the user added
 * for other unmapped fields.
 */
function renderConstants(ctx, box, missing, refresh) {
  const { t, state } = ctx;
  const def = ctx.typeDef(state.type);
  const mapped = new Set([...state.fieldOfHeader.values()].filter(Boolean));
  const shown = new Set([...missing.map((f) => f.name), ...Object.keys(state.constants)]);
  // Rebuild only when the set of inputs changes, so typing in one never loses focus.
  const signature = JSON.stringify([[...shown].sort(), [...mapped].sort(), state.mode]);
  if (box.dataset.signature === signature) return;
  box.dataset.signature = signature;
  const active = box.getRootNode()?.activeElement;
  const focused = active && box.contains(active) ? active.dataset?.field : null;
  clear(box);
  const unmapped = def.fields.filter((f) => !mapped.has(f.name));
  box.append(h('h4', { text: t('constantsHeading') }), h('p', { class: 'help', text: t('constantsIntro') }));
  const list = h('div', { class: 'constant-list' });
  for (const f of def.fields.filter((x) => shown.has(x.name) && !mapped.has(x.name))) {
    list.append(constantInput(ctx, def, f, refresh));
  }
  box.append(list);
  const addable = unmapped.filter((f) => !shown.has(f.name));
  if (addable.length) {
    const picker = select(addable.map((f) => ({ value: f.name, label: fieldTitle(f) })), addable[0].name);
    const add = h('button', {
      type: 'button', text: t('constantAddButton'),
      on: {
        click: () => {
          state.constants[picker.value] = state.constants[picker.value] ?? '';
          const name = picker.value;
          refresh();
          box.querySelector(`[data-field="${CSS.escape(name)}"]`)?.focus();
        },
      },
    });
    box.append(h('div', { class: 'fields-row add-constant' }, field(t('constantAdd'), picker), h('div', { class: 'field' }, h('span', { text: '\u00a0' }), add)));
  }
  if (focused) box.querySelector(`[data-field="${CSS.escape(focused)}"]`)?.focus();
}

function constantInput(ctx, def, f, refresh) {
  const { t, state } = ctx;
  const value = state.constants[f.name] ?? '';
  let control;
  const onChange = () => {
    state.constants[f.name] = control.value;
    ctx.mappingChanged();
    refresh();
  };
  const events = { change: onChange, input: onChange };
  if (Array.isArray(f.values) && f.values.length) {
    control = select([{ value: '', label: t('constantNone') }, ...f.values.map((v) => ({ value: v, label: v }))], value, { on: events });
  } else if (f.type === 'boolean') {
    const yes = def.boolean_values?.true?.[0] ?? '1';
    const no = def.boolean_values?.false?.[0] ?? '0';
    control = select([{ value: '', label: t('constantNone') }, { value: yes, label: yes }, { value: no, label: no }], value, { on: events });
  } else {
    control = h('input', { type: 'text', value, on: events });
  }
  control.dataset.field = f.name;
  const label = t('constantFor', { field: fieldTitle(f) }) + (isRequired(f, state.mode) ? ` ${t('requiredMark')}` : '');
  const remove = Object.hasOwn(state.constants, f.name) && !isRequired(f, state.mode)
    ? h('button', {
      type: 'button', class: 'link', text: '✕', attrs: { 'aria-label': t('constantRemove', { field: fieldTitle(f) }) },
      on: {
        click: () => {
          delete state.constants[f.name];
          ctx.mappingChanged();
          refresh();
        },
      },
    })
    : null;
  return h('div', { class: 'fields-row constant' }, field(label, control), remove);
}
