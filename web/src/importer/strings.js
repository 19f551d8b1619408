// strings.js — every word <preflight-importer> shows, in one table, so a host can translate
// or reword any of them: `importer.strings = {next: 'Weiter', …}` or the `strings`
// attribute (JSON). Templates use {name} placeholders; a missing key falls back to English.
//
// Messages that come from the engine or the server (Laravel's wording) are shown as they
// are: they are what the CRM itself would say.

/** @type {Readonly<Record<string, string>>} */
export const DEFAULT_STRINGS = Object.freeze({
  title: 'Import records',
  stepsLabel: 'Import steps',
  stepChoose: 'Choose file',
  stepMap: 'Map columns',
  stepValidate: 'Check rows',
  stepReview: 'Review',
  stepImport: 'Import',
  stepHistory: 'Past imports',
  stepCurrent: '(current step)',
  stepDone: '(done)',
  stepOf: 'Step {n} of {total}',
  back: 'Back',
  next: 'Next',
  startOver: 'Start over with another file',

  // choose
  chooseHeading: 'Choose what to import',
  typeLabel: 'Record type',
  typeFixed: 'Record type: {type}',
  modeLabel: 'What to do',
  modeValidate: 'Check only (nothing is sent)',
  modeStore: 'Create new records',
  modeUpdate: 'Update existing records',
  modeHelpValidate: 'Every row is checked on this computer; nothing leaves it.',
  modeHelpStore: 'Clean rows are sent to the CRM as new records. The key column must be blank.',
  modeHelpUpdate: 'Clean rows change existing records, found by their key. A blank cell erases that value.',
  fileLabel: 'File (CSV, TSV or TXT)',
  dropHint: 'Drop a file here, or choose one',
  chooseFile: 'Choose a file…',
  fileChosen: '{name} ({size})',
  fileWrongKind: '“{name}” is not a CSV, TSV or TXT file.',
  reading: 'Reading the start of the file…',
  detectedHeading: 'What the file looks like',
  encodingLabel: 'Encoding',
  delimiterLabel: 'Separator',
  headerLabel: 'The first row holds the column names',
  auto: 'Detect ({value})',
  autoPlain: 'Detect',
  detectedBecause: 'Detected: {reason}',
  setByYou: 'Set by you',
  comma: 'Comma ( , )',
  semicolon: 'Semicolon ( ; )',
  tab: 'Tab',
  pipe: 'Pipe ( | )',
  columnsFound: '{count} columns found',
  samplePreview: 'First rows of the file',
  headerWarnings: 'About the column names',
  engineLoading: 'Loading the checker…',
  engineFailed: 'The checker could not start: {message}',

  // map
  mapHeading: 'Match your columns to the CRM’s fields',
  mapIntro: 'Each column of your file is matched to a field. Check the suggestions, change any that are wrong, and ignore columns you do not want to import.',
  colHeader: 'Your column',
  colSamples: 'Sample values',
  colSuggestion: 'Suggestion',
  colField: 'Import into',
  ignore: 'Ignore this column',
  noSuggestion: 'No match',
  confidence: '{percent}% sure',
  confidenceHigh: 'high',
  confidenceMedium: 'medium',
  confidenceLow: 'low',
  fieldFor: 'Field for column “{header}”',
  requiredMark: '(required)',
  duplicateField: '“{field}” is chosen for more than one column: {headers}.',
  requiredMissingHeading: 'Required fields not mapped yet',
  requiredMissing: 'Map a column to these fields, or give them a value for every row: {fields}.',
  allRequiredMapped: 'Every required field is mapped.',
  constantsHeading: 'Values for fields your file does not have',
  constantsIntro: 'A value given here is used for every row.',
  constantFor: 'Value for “{field}” in every row',
  constantAdd: 'Add a value for another field',
  constantAddField: 'Field',
  constantAddButton: 'Add',
  constantRemove: 'Remove the value for “{field}”',
  constantNone: '(no value)',
  rememberedHeading: 'A mapping you used before',
  rememberedText: 'You mapped a file with these same columns before ({when}). Use that mapping again?',
  rememberedUse: 'Use the earlier mapping',
  rememberedDismiss: 'Keep the suggestions',
  rememberedApplied: 'The earlier mapping is applied.',
  checkRows: 'Check the rows',

  // validate
  validateHeading: 'Checking every row',
  validateIntro: 'The check runs on this computer. You can keep using the page.',
  progressLabel: 'Progress',
  progressPercent: '{percent}%',
  rowsChecked: '{rows} rows checked, {failed} with problems',
  rowsPerSecond: '{rate} rows per second',
  timeLeft: 'About {time} left',
  timeLeftUnknown: 'Working out the time left…',
  cancel: 'Cancel',
  cancelled: 'The check was cancelled.',
  validateAnnounce: 'Checked {percent}%: {rows} rows.',
  validateFailed: 'The file could not be checked: {message}',

  // review
  reviewHeading: 'Results',
  countRows: 'Rows',
  countClean: 'Ready to import',
  countFailed: 'With problems',
  countWarnings: 'Warnings',
  reviewValidateDone: 'This was a check only: nothing has left this computer.',
  reviewAllClean: 'Every row passed the checks.',
  reviewNoneClean: 'No row passed the checks, so there is nothing to import.',
  chartByColumn: 'Problems per column',
  chartByRule: 'Problems per rule',
  chartShowOnly: '{label}: {count} problems. Show only these rows.',
  chartDescription: '{count} problems in {label}',
  wholeRow: 'Whole row',
  warningsHeading: 'Warnings',
  warningLines: 'lines {lines}',
  failedRowsHeading: 'Rows with problems',
  filterColumn: 'Column',
  filterRule: 'Rule',
  filterAll: 'All',
  filterClear: 'Show all rows',
  filterShowing: 'Showing {shown} of {total} rows with problems.',
  tableLine: 'Line',
  tableRowProblems: 'Row problems',
  tableLabel: 'Rows with problems; use the arrow keys to move between rows',
  tableLoading: 'Reading the error report…',
  tableEmpty: 'No row matches the filter.',
  rowDetailHeading: 'Line {line}',
  rowDetailNone: 'Select a row to see all its messages.',
  previewHeading: 'First records, as they will be sent',
  previewValidateHeading: 'First clean records, as they would be sent',
  previewEmpty: 'No clean records.',
  downloadReport: 'Download the error report (CSV)',
  downloadReportHint: 'Your rows with their line numbers and messages; fix them and import that file again.',
  importClean: 'Import {count} clean rows',
  importCleanUpdate: 'Update {count} records',

  // import
  importHeading: 'Sending the clean rows',
  importIntro: 'Keep this page open until it finishes. If it closes, you can resume where it stopped.',
  importProgress: '{sent} of {total} rows sent',
  importBatches: 'Batch {done} of {total}',
  importAnnounce: 'Import {percent}% done.',
  importDone: 'Import finished.',
  importFailed: 'The import stopped: {message}',
  importRetry: 'Try again',
  importPause: 'Pause',
  importResumeButton: 'Resume',
  importNeedsConnection: 'Set the API address and token first.',
  reconciliationHeading: 'What happened to each row',
  recAccepted: 'Accepted by the CRM',
  recFailedLocal: 'Failed the checks here (not sent)',
  recFailedServer: 'Failed on the server',
  recTotal: 'Rows in the file',
  recNotSent: 'Not sent yet',
  recUnprocessed: 'Not processed by the server',
  serverReports: 'Error reports from the server',
  serverReportLink: 'Download the server’s error report ({name})',
  serverMergedReport: 'Download the error report with the server’s failures added (CSV)',
  serverErrorsHeading: 'First rows the server refused',
  resumeHeading: 'An import was interrupted',
  resumeText: '“{name}” ({type}, {mode}) stopped after {sent} of {total} rows ({when}).',
  resumeChooseFile: 'To resume, choose the same file again: only the rows not yet sent will be sent.',
  resumeButton: 'Resume the import',
  resumeDiscard: 'Discard it',
  resumeWrongFile: 'That is not the file the interrupted import came from.',
  resumeLocked: 'This import is running in another tab.',

  // history
  historyHeading: 'Past imports',
  historyFilterType: 'Type',
  historyFilterStatus: 'Status',
  historySort: 'Date',
  historySortNewest: 'Newest first',
  historySortOldest: 'Oldest first',
  historyAll: 'All',
  historyRefresh: 'Refresh',
  historyEmpty: 'No imports match.',
  historyLoading: 'Loading…',
  historyFailed: 'The list could not be loaded: {message}',
  historyPage: 'Page {page} of {pages}',
  historyPrev: 'Previous page',
  historyNext: 'Next page',
  historyPagination: 'Pages',
  historyColCreated: 'Created',
  historyColType: 'Type',
  historyColMode: 'Mode',
  historyColStatus: 'Status',
  historyColRows: 'Rows',
  historyColFailed: 'Failed',
  historyColReport: 'Error report',
  historyReport: 'Download',
  historyNoReport: '—',
  historyNeedsConnection: 'Set the API address and token to see past imports.',
  historyTotal: '{total} imports',

  // statuses (server and local)
  status_uploaded: 'Uploaded',
  status_mapped: 'Mapped',
  status_processing: 'Processing',
  status_completed: 'Completed',
  status_failed: 'Failed',

  errorHeading: 'Something went wrong',
  dismiss: 'Dismiss',
});

/**
 * Fills {name} placeholders. Unknown placeholders stay as written.
 * @param {string} template
 * @param {Record<string, unknown>} [params]
 */
export function format(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/**
 * The string table with a host's overrides on top (unknown keys are kept, so a host can
 * add strings its own slots use).
 * @param {Record<string, string>|null|undefined} overrides
 * @returns {Record<string, string>}
 */
export function mergeStrings(overrides) {
  const table = { ...DEFAULT_STRINGS };
  if (overrides && typeof overrides === 'object') {
    for (const [key, value] of Object.entries(overrides)) {
      if (typeof value === 'string') table[key] = value;
    }
  }
  return table;
}

/**
 * A translator over a string table: t('key', {params}).
 * @param {Record<string, string>} table
 * @returns {(key: string, params?: Record<string, unknown>) => string}
 */
export function translator(table) {
  return (key, params) => format(table[key] ?? DEFAULT_STRINGS[key] ?? key, params);
}

/** 1234567 → "1,234,567" in the page's language. */
export function formatNumber(n, locale) {
  return Number(n).toLocaleString(locale || undefined);
}

/** Bytes as "12.3 MB". */
export function formatBytes(bytes, locale) {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(locale || undefined, { maximumFractionDigits: digits })} ${units[unit]}`;
}

/** Seconds as "2 min 5 s" / "40 s". */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A date as the page's locale shows it, with the time. */
export function formatDate(value, locale) {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value ?? '');
  return d.toLocaleString(locale || undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
