// styles.js — the element's styles, inside its shadow root (adoptedStyleSheets: a
// constructed sheet, which a strict CSP with style-src 'self' allows, unlike <style>).
//
// Theme it from the host page with these custom properties on the element (or any
// ancestor); every one has a default:
//
//   --pfi-font             font-family                 (system-ui, sans-serif)
//   --pfi-font-size        base size                   (1rem)
//   --pfi-color            text                        (#1d2330)
//   --pfi-muted            secondary text              (#5b6474)
//   --pfi-bg               background                  (#ffffff)
//   --pfi-surface          panels, table header        (#f5f7fa)
//   --pfi-border           lines                       (#c9d0db)
//   --pfi-accent           primary buttons, bars       (#1f5fbf)
//   --pfi-accent-text      text on the accent          (#ffffff)
//   --pfi-focus            focus outline               (#ffbf47)
//   --pfi-danger           problems                    (#b3261e)
//   --pfi-warning          warnings                    (#8a5a00)
//   --pfi-success          success                     (#1e7b34)
//   --pfi-radius           corner radius               (6px)
//   --pfi-table-height     failed-rows table height    (28rem)
//   --pfi-row-height       failed-rows row height      (4.5rem)
//   --pfi-column-width     failed-rows column width    (13rem)
//
// Colour is never the only signal: problems also carry a "⚠" marker and words, the
// active row a "▶" marker and an outline, bars their counts as text.

export const CSS = `
:host {
  --_font: var(--pfi-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --_size: var(--pfi-font-size, 1rem);
  --_color: var(--pfi-color, #1d2330);
  --_muted: var(--pfi-muted, #5b6474);
  --_bg: var(--pfi-bg, #ffffff);
  --_surface: var(--pfi-surface, #f5f7fa);
  --_border: var(--pfi-border, #c9d0db);
  --_accent: var(--pfi-accent, #1f5fbf);
  --_accent-text: var(--pfi-accent-text, #ffffff);
  --_focus: var(--pfi-focus, #ffbf47);
  --_danger: var(--pfi-danger, #b3261e);
  --_warning: var(--pfi-warning, #8a5a00);
  --_success: var(--pfi-success, #1e7b34);
  --_radius: var(--pfi-radius, 6px);
  display: block;
  min-width: 0;
  max-width: 100%;
  font-family: var(--_font);
  font-size: var(--_size);
  line-height: 1.45;
  color: var(--_color);
  background: var(--_bg);
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
h2, h3, h4, h5 { line-height: 1.25; margin: 0 0 .6em; }
h3 { font-size: 1.3em; }
h4 { font-size: 1.1em; margin-top: 1.2em; }
h5 { font-size: 1em; }
h3:focus, h4:focus { outline: none; }
h3:focus-visible, h4:focus-visible { outline: 3px solid var(--_focus); }
p { margin: 0 0 .75em; }
.help { color: var(--_muted); font-size: .9em; margin: .25em 0 0; }
.app { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
.app > *, .main, section.step { min-width: 0; }
.header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .5rem 1rem; }
.header h2 { font-size: 1.5em; margin: 0; }

/* steps */
.steps ol { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; margin: 0; padding: 0; counter-reset: step; }
.steps li { counter-increment: step; }
.steps button {
  font: inherit; font-size: .9em; border: 1px solid var(--_border); background: var(--_surface); color: var(--_color);
  border-radius: 999px; padding: .3em .9em; cursor: pointer;
}
.steps button::before { content: counter(step) ". "; }
.steps li.history button::before { content: ""; }
.steps button[aria-current="step"] { background: var(--_accent); color: var(--_accent-text); border-color: var(--_accent); font-weight: 600; }
.steps button[aria-current="step"]::after { content: " ●"; }
.steps button.done::after { content: " ✓"; }
.steps button:disabled { cursor: not-allowed; opacity: .55; }

section.step { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 1rem 1.25rem; background: var(--_bg); }
.step-of { color: var(--_muted); font-size: .85em; margin: 0 0 .2em; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: 1rem; align-items: center; }
.actions .spacer { flex: 1; }

button, .button {
  font: inherit; border-radius: var(--_radius); padding: .45em 1em; cursor: pointer; text-decoration: none;
  border: 1px solid var(--_border); background: var(--_surface); color: var(--_color); display: inline-block;
}
button.primary, .button.primary { background: var(--_accent); border-color: var(--_accent); color: var(--_accent-text); font-weight: 600; }
button:disabled { opacity: .55; cursor: not-allowed; }
button.link { border: none; background: none; padding: 0; color: var(--_accent); text-decoration: underline; }
a { color: var(--_accent); }

.field { display: grid; gap: .25rem; margin-bottom: .75rem; max-width: 32rem; }
.field label { font-weight: 600; }
.fields-row { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
.check { display: flex; gap: .5rem; align-items: center; margin-bottom: .75rem; }
select, input[type="text"], input[type="search"], input:not([type]) {
  font: inherit; padding: .35em .5em; border: 1px solid var(--_border); border-radius: var(--_radius);
  background: var(--_bg); color: var(--_color); max-width: 100%;
}
fieldset { border: 1px solid var(--_border); border-radius: var(--_radius); padding: .75rem 1rem; margin: 0 0 1rem; }
legend { font-weight: 600; padding: 0 .3em; }
.radio { display: flex; gap: .5rem; align-items: baseline; margin: .2rem 0; }

.drop {
  border: 2px dashed var(--_border); border-radius: var(--_radius); padding: 1.25rem; text-align: center;
  background: var(--_surface);
}
.drop.over { border-color: var(--_accent); border-style: solid; }
.drop .file-name { font-weight: 600; margin-top: .5rem; }
.drop .field { margin: .5rem auto; justify-items: center; }

.notice { border-left: 4px solid var(--_accent); background: var(--_surface); padding: .6rem .9rem; margin: .75rem 0; border-radius: 0 var(--_radius) var(--_radius) 0; }
.notice.danger { border-left-color: var(--_danger); }
.notice.warning { border-left-color: var(--_warning); }
.notice.success { border-left-color: var(--_success); }
.notice > :last-child { margin-bottom: 0; }
.notice .title { font-weight: 700; }
.notice.danger .title::before { content: "⚠ "; }
.notice.warning .title::before { content: "⚠ "; }
.notice.success .title::before { content: "✓ "; }

.table-wrap { overflow: auto; max-width: 100%; border: 1px solid var(--_border); border-radius: var(--_radius); }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--_border); }
thead th { background: var(--_surface); position: sticky; top: 0; }
td.samples { color: var(--_muted); max-width: 16rem; }
td.samples span { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.confidence { white-space: nowrap; }
.confidence .level { font-size: .85em; color: var(--_muted); }
.req { color: var(--_danger); font-weight: 600; }
tr.ignored td { color: var(--_muted); }
tr.problem td:first-child::before { content: "⚠ "; color: var(--_danger); }

.kv { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 .75rem; }
.kv dt { font-weight: 600; }
.kv dd { margin: 0; }

/* progress */
.progress { display: grid; gap: .4rem; max-width: 40rem; }
progress { width: 100%; height: 1.25rem; accent-color: var(--_accent); }
.progress .numbers { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; color: var(--_muted); }
.progress .percent { font-weight: 700; color: var(--_color); font-variant-numeric: tabular-nums; }

/* review */
.counts { display: flex; flex-wrap: wrap; gap: .75rem; margin: 0 0 1rem; padding: 0; list-style: none; }
.counts li { border: 1px solid var(--_border); border-radius: var(--_radius); padding: .5rem .9rem; min-width: 8rem; background: var(--_surface); }
.counts .n { display: block; font-size: 1.5em; font-weight: 700; font-variant-numeric: tabular-nums; }
.counts .failed .n::before { content: "⚠ "; color: var(--_danger); font-size: .8em; }
.counts .clean .n::before { content: "✓ "; color: var(--_success); font-size: .8em; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; }
.chart-figure { margin: 0; max-width: 100%; overflow-x: auto; }
.chart-figure figcaption { font-weight: 600; margin-bottom: .25rem; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: var(--_font); font-size: 13px; }
svg.chart .bar-fill { fill: var(--_accent); }
svg.chart .bar.selected .bar-fill { fill: var(--_danger); }
svg.chart .bar.selected .bar-label { font-weight: 700; text-decoration: underline; }
svg.chart .bar-hit { fill: transparent; }
svg.chart .bar[role="button"] { cursor: pointer; }
svg.chart .bar:focus { outline: none; }
svg.chart .bar:focus-visible .bar-hit, svg.chart .bar:hover .bar-hit { fill: var(--_surface); stroke: var(--_focus); stroke-width: 2; }
svg.chart text { fill: var(--_color); }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0; }
.filters .field { margin: 0; }

.vt { position: relative; }
.vt-viewport {
  height: var(--pfi-table-height, 28rem); overflow: auto; border: 1px solid var(--_border); border-radius: var(--_radius);
  position: relative; background: var(--_bg); overscroll-behavior: contain;
}
.vt-head { position: sticky; top: 0; z-index: 2; }
.vt-row {
  display: grid; grid-template-columns: var(--vt-columns); min-width: max-content;
  height: var(--pfi-row-height, 4.5rem); border-bottom: 1px solid var(--_border);
}
.vt-headrow { height: auto; background: var(--_surface); font-weight: 600; }
.vt-body { position: relative; }
.vt-spacer { position: relative; }
.vt-body .vt-row { position: absolute; top: 0; left: 0; right: 0; background: var(--_bg); cursor: pointer; }
.vt-body .vt-row.vt-active { outline: 3px solid var(--_focus); outline-offset: -3px; z-index: 1; }
.vt-body .vt-row.vt-active .vt-cell:first-child::before { content: "▶ "; }
.vt-cell { padding: .3rem .5rem; overflow: hidden; border-right: 1px solid var(--_border); min-width: 0; }
.vt-headcell { padding: .45rem .5rem; white-space: nowrap; text-overflow: ellipsis; }
.vt-cell .value { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.vt-cell .value.blank { color: var(--_muted); font-style: italic; }
.vt-cell .msg {
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
  color: var(--_danger); font-size: .82em; line-height: 1.25;
}
.vt-cell .msg::before { content: "⚠ "; }
.vt-cell.bad { background: color-mix(in srgb, var(--_danger) 7%, var(--_bg)); box-shadow: inset 3px 0 0 var(--_danger); }
.vt-empty { color: var(--_muted); margin: .5rem 0; }
.row-detail { margin-top: .75rem; }
.row-detail ul { margin: .25rem 0 0; padding-left: 1.25rem; }

/* import */
.reconciliation { display: grid; grid-template-columns: max-content max-content; gap: .25rem 1.5rem; margin: 0 0 1rem; }
.reconciliation dt::after { content: ":"; }
.reconciliation dd { margin: 0; font-weight: 700; font-variant-numeric: tabular-nums; }

/* history */
.pager { display: flex; gap: .5rem; align-items: center; margin-top: .5rem; }
.status { white-space: nowrap; }
.status::before { margin-right: .25em; }
.status.completed::before { content: "✓"; color: var(--_success); }
.status.failed::before { content: "✗"; color: var(--_danger); }
.status.processing::before { content: "…"; }
.status.uploaded::before, .status.mapped::before { content: "○"; }

.alert { margin: 0; }
.error-box { border: 2px solid var(--_danger); border-radius: var(--_radius); padding: .75rem 1rem; background: var(--_bg); }
.error-box .title::before { content: "⚠ "; }
`;

let shared = null;

/** The element's stylesheet (one constructed sheet shared by every instance). */
export function styleSheet() {
  if (!shared) {
    shared = new CSSStyleSheet();
    shared.replaceSync(CSS);
  }
  return shared;
}
