// choose.js — step 1: the import type and mode, the file (dropped or picked), and what
// the engine detected in it (encoding, separator, header row), each changeable: a change
// runs suggest() again with the override.

import { clear, field, h, select, uid } from './dom.js';
import { formatBytes } from './strings.js';

const ENCODINGS = ['utf-8', 'utf-8-bom', 'windows-1252', 'utf-16le', 'utf-16be'];
const DELIMITERS = [
  { value: ',', key: 'comma' },
  { value: ';', key: 'semicolon' },
  { value: '\t', key: 'tab' },
  { value: '|', key: 'pipe' },
];
const ACCEPT = '.csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values';

/** True for the file kinds the importer takes (by extension, else by MIME type). */
export function acceptableFile(file) {
  const ext = /\.([^.]+)$/.exec(file.name ?? '')?.[1]?.toLowerCase();
  if (ext) return ['csv', 'tsv', 'txt'].includes(ext);
  return /^(text\/(csv|plain|tab-separated-values)|application\/vnd\.ms-excel)$/.test(file.type ?? '');
}

/**
 * @param {import('../importer.js').StepContext} ctx
 */
export function renderChoose(ctx) {
  const { t, state } = ctx;
  const heading = h('h3', { id: uid('h'), text: t('chooseHeading') });

  // Type: fixed by the host, or a picker.
  let typeControl;
  if (ctx.config.fixedType) {
    const def = ctx.typeDef(ctx.config.fixedType);
    typeControl = h('p', { class: 'type-fixed', text: t('typeFixed', { type: def?.label ?? ctx.config.fixedType }) });
  } else {
    const picker = select(
      (ctx.types ?? []).map((tp) => ({ value: tp.type, label: tp.label || tp.type })),
      state.type ?? undefined,
      { name: 'type', on: { change: () => ctx.setType(picker.value) } },
    );
    typeControl = field(t('typeLabel'), picker);
  }

  // Mode: fixed by the host, or radio buttons with a line of help each.
  let modeControl;
  const modes = ['validate', 'store', 'update'];
  const modeKey = (m) => `mode${m[0].toUpperCase()}${m.slice(1)}`;
  const helpKey = (m) => `modeHelp${m[0].toUpperCase()}${m.slice(1)}`;
  if (ctx.config.fixedMode) {
    modeControl = h('p', { class: 'mode-fixed' }, h('strong', { text: `${t('modeLabel')}: ` }), t(modeKey(ctx.config.fixedMode)));
  } else {
    const name = uid('mode');
    const hasKey = !!ctx.typeDef(state.type)?.key;
    modeControl = h('fieldset', { class: 'modes' }, h('legend', { text: t('modeLabel') }), modes.map((m) => {
      const id = uid('mode');
      const helpId = uid('help');
      const input = h('input', {
        type: 'radio', name, value: m, id, checked: state.mode === m, disabled: m === 'update' && !hasKey,
        attrs: { 'aria-describedby': helpId },
        on: { change: () => ctx.setMode(m) },
      });
      return h('div', { class: 'radio' }, input, h('div', {},
        h('label', { attrs: { for: id }, text: t(modeKey(m)) }),
        h('p', { class: 'help', id: helpId, text: t(helpKey(m)) })));
    }));
  }

  // File: a real <input type=file> (keyboard and screen readers) inside a drop zone.
  const input = h('input', {
    type: 'file', accept: ACCEPT, name: 'file',
    on: { change: () => input.files?.[0] && ctx.setFile(input.files[0]) },
  });
  const fileName = h('p', { class: 'file-name', attrs: { 'aria-live': 'polite' }, text: state.file ? t('fileChosen', { name: state.file.name, size: formatBytes(state.file.size, ctx.locale) }) : '' });
  const drop = h('div', {
    class: 'drop',
    on: {
      dragover: (e) => {
        e.preventDefault();
        drop.classList.add('over');
      },
      dragleave: () => drop.classList.remove('over'),
      drop: (e) => {
        e.preventDefault();
        drop.classList.remove('over');
        const file = e.dataTransfer?.files?.[0];
        if (file) ctx.setFile(file);
      },
    },
  }, h('p', { text: t('dropHint') }), field(t('fileLabel'), input), fileName);

  const resumeBox = h('div', { class: 'resume-box' });
  const drawResume = () => resumeBox.replaceChildren(...[resumeBanner(ctx)].filter(Boolean));
  drawResume();
  const detection = h('div', { class: 'detection' });
  renderDetection(ctx, detection);

  const next = h('button', {
    class: 'primary', type: 'button', text: t('next'), disabled: !ctx.canMap(),
    on: { click: () => ctx.go('map') },
  });
  const el = h('section', { class: 'step step-choose', attrs: { 'aria-labelledby': heading.id } },
    heading, resumeBox, typeControl, modeControl, drop, detection, h('div', { class: 'actions' }, h('span', { class: 'spacer' }), next));
  return { el, focus: heading, update: () => {
    if (!resumeBox.contains(resumeBox.getRootNode().activeElement)) drawResume();
    renderDetection(ctx, detection);
    next.disabled = !ctx.canMap();
  } };
}

/** The detected encoding / separator / header row, the overrides, and the first rows. */
function renderDetection(ctx, box) {
  const { t, state } = ctx;
  // Rebuilt whenever the suggestion changes: the control that had the focus gets it back.
  const active = box.getRootNode()?.activeElement;
  const focusedRole = active && box.contains(active) ? active.dataset?.role : null;
  clear(box);
  if (!state.file) return;
  if (state.suggesting) box.append(h('p', { class: 'busy', attrs: { role: 'status' }, text: t('reading') }));
  if (state.suggestError) {
    box.append(h('div', { class: 'notice danger', attrs: { role: 'alert' } },
      h('p', { class: 'title', text: t('errorHeading') }), h('p', { text: state.suggestError.message })));
  }
  const s = state.suggestion;
  const enc = s?.encoding;
  const dia = s?.dialect;
  const o = state.overrides;

  const encodingSelect = select([
    { value: '', label: enc && !enc.set_by_user ? t('auto', { value: enc.name }) : t('autoPlain') },
    ...ENCODINGS.map((e) => ({ value: e, label: e })),
  ], o.encoding ?? '', { dataset: { role: 'encoding' }, on: { change: () => ctx.setOverride('encoding', encodingSelect.value || null) } });
  const delimiterName = (d) => {
    const known = DELIMITERS.find((x) => x.value === d);
    return known ? t(known.key) : JSON.stringify(d);
  };
  const delimiterSelect = select([
    { value: '', label: dia && !dia.set_by_user ? t('auto', { value: delimiterName(dia.delimiter) }) : t('autoPlain') },
    ...DELIMITERS.map((d) => ({ value: d.value, label: t(d.key) })),
  ], o.delimiter ?? '', { dataset: { role: 'delimiter' }, on: { change: () => ctx.setOverride('delimiter', delimiterSelect.value || null) } });
  const headerBox = h('input', {
    type: 'checkbox', id: uid('hdr'), checked: o.hasHeader ?? dia?.has_header ?? true, dataset: { role: 'header' },
    on: { change: () => ctx.setOverride('hasHeader', headerBox.checked) },
  });

  const reason = (thing) => (thing ? (thing.set_by_user ? t('setByYou') : t('detectedBecause', { reason: thing.reason ?? '' })) : '');
  box.append(
    h('h4', { text: t('detectedHeading') }),
    h('div', { class: 'fields-row' },
      field(t('encodingLabel'), encodingSelect, reason(enc)),
      field(t('delimiterLabel'), delimiterSelect, reason(dia))),
    h('div', { class: 'check' }, headerBox, h('label', { attrs: { for: headerBox.id }, text: t('headerLabel') })),
  );
  if (focusedRole) box.querySelector(`[data-role="${focusedRole}"]`)?.focus();
  if (!s) return;
  if (s.headerWarnings?.length) {
    box.append(h('div', { class: 'notice warning' }, h('p', { class: 'title', text: t('headerWarnings') }),
      h('ul', {}, s.headerWarnings.map((w) => h('li', { text: typeof w === 'string' ? w : w.message ?? JSON.stringify(w) })))));
  }
  box.append(h('p', { class: 'columns-found', text: t('columnsFound', { count: s.headers.length }) }));
  const rows = (s.samples ?? []).slice(0, 5);
  box.append(h('div', { class: 'table-wrap sample-table' }, h('table', {},
    h('caption', { class: 'sr-only', text: t('samplePreview') }),
    h('thead', {}, h('tr', {}, s.headers.map((name) => h('th', { attrs: { scope: 'col' }, text: name })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, s.headers.map((_, i) => h('td', { text: r[i] ?? '' }))))))));
}

/** An import a reload interrupted: what it was, and how to resume or drop it. */
function resumeBanner(ctx) {
  const { t, state } = ctx;
  const run = state.resume;
  if (!run || state.file) return null;
  const st = run.settings;
  const typeLabel = ctx.typeDef(st.type)?.label ?? st.type;
  const when = new Date(run.updatedAt ?? st.savedAt ?? Date.now()).toLocaleString(ctx.locale || undefined);
  const n = (x) => (x === null || x === undefined ? '?' : Number(x).toLocaleString(ctx.locale || undefined));
  const input = h('input', {
    type: 'file', accept: ACCEPT, name: 'resume-file',
    on: { change: () => input.files?.[0] && ctx.resumeRun(run, input.files[0]) },
  });
  return h('div', { class: 'notice warning resume', attrs: { role: 'region', 'aria-label': t('resumeHeading') } },
    h('p', { class: 'title', text: t('resumeHeading') }),
    h('p', { text: t('resumeText', { name: st.fileName ?? '', type: typeLabel, mode: st.mode, modeLabel: t(`mode${st.mode[0].toUpperCase()}${st.mode.slice(1)}`), sent: n(run.sentRows), total: n(run.totalRows), when }) }),
    field(t('resumeChooseFile'), input),
    h('div', { class: 'actions' }, h('button', { type: 'button', text: t('resumeDiscard'), on: { click: () => ctx.discardRun(run) } })));
}
