// messages.js — which field and which rule each message of the error report is about.
//
// The engine's error CSV holds, per failed row, the original cells and its messages
// (Laravel's wording, one per line); the summary counts problems per field and per rule
// (errors_by_field / errors_by_rule) but only lists the first 25 rows. To filter 100,000
// failed rows by column and rule, and to put each message beside its cell, the review
// step reads the messages back: Laravel names the field in the message ("The send welcome
// email field is required."), and each rule has a fixed template, in the Laravel 9 and 10
// wordings (core/src/rules.cpp). Row-level messages (wrong number of cells, unreadable
// bytes, a quote never closed) are the engine's own sentences (core/src/session.cpp).
// A message nothing matches is kept, under the whole row and the rule "other".

import { displayAttribute, ruleList, ruleNames } from './schema.js';

/** The field name used for problems of the whole row (as in errors_by_field). */
export const ROW_FIELD = '_row';

/** rule → its message templates (Laravel ≤ 9, ≥ 10); :attribute is the field. */
const TEMPLATES = {
  required: ['The :attribute field is required.'],
  required_if: ['The :attribute field is required when :other is :value.'],
  required_unless: ['The :attribute field is required unless :other is in :values.'],
  required_with: ['The :attribute field is required when :values is present.'],
  required_with_all: ['The :attribute field is required when :values are present.'],
  required_without: ['The :attribute field is required when :values is not present.'],
  required_without_all: ['The :attribute field is required when none of :values are present.'],
  prohibited: ['The :attribute field is prohibited.'],
  present: ['The :attribute field must be present.'],
  filled: ['The :attribute field must have a value.'],
  string: ['The :attribute must be a string.', 'The :attribute field must be a string.'],
  email: ['The :attribute must be a valid email address.', 'The :attribute field must be a valid email address.'],
  uuid: ['The :attribute must be a valid UUID.', 'The :attribute field must be a valid UUID.'],
  integer: ['The :attribute must be an integer.', 'The :attribute field must be an integer.'],
  numeric: ['The :attribute must be a number.', 'The :attribute field must be a number.'],
  boolean: ['The :attribute field must be true or false.'],
  date: ['The :attribute is not a valid date.', 'The :attribute field must be a valid date.'],
  date_format: ['The :attribute does not match the format :format.', 'The :attribute field must match the format :format.'],
  in: ['The selected :attribute is invalid.'],
  not_in: ['The selected :attribute is invalid.'],
  max: ['The :attribute must not be greater than :max.', 'The :attribute field must not be greater than :max.',
    'The :attribute must not be greater than :max characters.', 'The :attribute field must not be greater than :max characters.'],
  min: ['The :attribute must be at least :min.', 'The :attribute field must be at least :min.',
    'The :attribute must be at least :min characters.', 'The :attribute field must be at least :min characters.'],
  between: ['The :attribute must be between :min and :max.', 'The :attribute field must be between :min and :max.',
    'The :attribute must be between :min and :max characters.', 'The :attribute field must be between :min and :max characters.'],
  digits_between: ['The :attribute must be between :min and :max digits.', 'The :attribute field must be between :min and :max digits.'],
  size: ['The :attribute must be :size.', 'The :attribute field must be :size.',
    'The :attribute must be :size characters.', 'The :attribute field must be :size characters.'],
  digits: ['The :attribute must be :digits digits.', 'The :attribute field must be :digits digits.'],
  regex: ['The :attribute format is invalid.', 'The :attribute field format is invalid.'],
  not_regex: ['The :attribute format is invalid.', 'The :attribute field format is invalid.'],
  after: ['The :attribute must be a date after :date.', 'The :attribute field must be a date after :date.'],
  after_or_equal: ['The :attribute must be a date after or equal to :date.', 'The :attribute field must be a date after or equal to :date.'],
  before: ['The :attribute must be a date before :date.', 'The :attribute field must be a date before :date.'],
  before_or_equal: ['The :attribute must be a date before or equal to :date.', 'The :attribute field must be a date before or equal to :date.'],
  date_equals: ['The :attribute must be a date equal to :date.', 'The :attribute field must be a date equal to :date.'],
  distinct: ['The :attribute field has a duplicate value.'],
};

/** Rules tried first when a message matches several templates (a field rarely has both). */
const ORDER = Object.keys(TEMPLATES);

/** The engine's row-level sentences: [pattern, rule, group holding a column name or null]. */
const ROW_PATTERNS = [
  [/^The row has \d+ cells? but the header has \d+ columns\.$/, 'columns', null],
  [/^The value in column "(.*)" contains a NUL byte \(/s, 'nul_byte', 1],
  [/^The value in column "(.*)" has bytes that are not valid UTF-8 /s, 'encoding', 1],
  [/^The value in column "(.*)" has a broken UTF-16 character /s, 'encoding', 1],
  [/^The row has bytes that could not be read as text /, 'encoding', null],
  [/^The quoted value in column "(.*)" opened on line \d+ is never closed/s, 'unterminated_quote', null],
  [/^The value in column "(.*)" is longer than \d+ bytes; it was not read\.$/s, 'field_too_large', null],
  [/^The row is longer than \d+ bytes; it was not read\.$/, 'row_too_large', null],
  [/^The row has more than \d+ cells; it was not read\.$/, 'too_many_columns', null],
];

/** A Laravel regex rule's PCRE pattern ("/^a+$/i") as a RegExp, or null if JS can't read it. */
function pcreToRegExp(param) {
  if (!param) return null;
  const m = /^(.)(.*)\1([a-zA-Z]*)$/s.exec(param.trim());
  if (!m) return null;
  try {
    return new RegExp(m[2], m[3].replace(/[^imsu]/g, ''));
  } catch {
    return null;
  }
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A classifier for one import type and mode: message → {field, rule}; see classifyRow.
 * @param {import('./schema.js').TypeDef} typeDef
 * @param {string} mode
 * @param {Map<string, string>} fieldOfHeader the mapping (CSV header → field), for the
 *   row-level messages that name a column
 */
export function createClassifier(typeDef, mode, fieldOfHeader = new Map()) {
  // Longest display names first, so "plan uuid" never claims "plan uuid type" messages.
  const fields = typeDef.fields
    .map((f) => ({
      name: f.name,
      display: displayAttribute(f.name),
      rules: ruleNames(f, mode),
      // regex and not_regex fail with the same message: their patterns tell them apart.
      patterns: ruleList(f, mode)
        .filter((r) => r.name === 'regex' || r.name === 'not_regex')
        .map((r) => ({ rule: r.name, re: pcreToRegExp(r.param) })),
    }))
    .sort((a, b) => b.display.length - a.display.length);
  /** @type {Map<string, Array<{rule: string, re: RegExp}>>} per field, compiled lazily */
  const compiled = new Map();
  /** @type {Map<string, {field: string, rule: string, ambiguous?: object}>} */
  const cache = new Map();

  const patternsFor = (f) => {
    let list = compiled.get(f.name);
    if (!list) {
      // The field's own rules first, then any other (distinct, added by update mode, …).
      const order = [...f.rules.filter((r) => TEMPLATES[r]), ...ORDER.filter((r) => !f.rules.includes(r))];
      list = [];
      for (const rule of order) {
        for (const t of TEMPLATES[rule]) {
          const source = escapeRegExp(t)
            .replace(':attribute', escapeRegExp(f.display))
            .replace(/:[a-z_]+/g, '.+');
          list.push({ rule, re: new RegExp(`^${source}$`, 's') });
        }
      }
      compiled.set(f.name, list);
    }
    return list;
  };

  const lookup = (message) => {
    const hit = cache.get(message);
    if (hit) return hit;
    let out = null;
    for (const [re, rule, group] of ROW_PATTERNS) {
      const m = re.exec(message);
      if (m) {
        const column = group ? m[group] : null;
        out = { field: (column !== null && fieldOfHeader.get(column)) || ROW_FIELD, rule };
        break;
      }
    }
    if (!out) {
      for (const f of fields) {
        if (!message.startsWith(`The ${f.display} `) && !message.startsWith(`The selected ${f.display} `)) continue;
        const match = patternsFor(f).find((p) => p.re.test(message));
        if (match) {
          out = { field: f.name, rule: match.rule };
          if ((match.rule === 'regex' || match.rule === 'not_regex') && f.patterns.length > 1) out.ambiguous = f;
          break;
        }
      }
    }
    out ??= { field: ROW_FIELD, rule: 'other' };
    if (cache.size < 10_000) cache.set(message, out); // messages repeat: most rows fail alike
    return out;
  };

  /**
   * One message → its field and rule.
   * @param {string} message
   * @returns {{field: string, rule: string}}
   */
  const classify = (message) => {
    const { field, rule } = lookup(message);
    return { field, rule };
  };

  /**
   * A row's messages → their fields and rules, in order. `valueOf(field)` (the row's cell
   * for that field) tells regex from not_regex when a field has both: the rules that the
   * value fails are taken in the field's rule order, one per repeated message.
   * @param {string[]} messages
   * @param {(field: string) => string|undefined} [valueOf]
   * @returns {Array<{field: string, rule: string}>}
   */
  const classifyRow = (messages, valueOf) => {
    let used = null;
    return messages.map((message) => {
      const hit = lookup(message);
      if (!hit.ambiguous) return { field: hit.field, rule: hit.rule };
      const f = hit.ambiguous;
      const value = valueOf?.(f.name);
      const failing = value === undefined
        ? []
        : f.patterns.filter((p) => p.re && (p.rule === 'regex' ? !p.re.test(value) : p.re.test(value))).map((p) => p.rule);
      used ??= new Map();
      const k = used.get(f.name) ?? 0;
      used.set(f.name, k + 1);
      return { field: f.name, rule: failing[k] ?? failing[failing.length - 1] ?? hit.rule };
    });
  };

  return { classify, classifyRow };
}

/**
 * The messages of an error-report cell (one per line; a message never holds a line break
 * of its own except inside a quoted column name, which the patterns allow).
 * @param {string} cell
 * @returns {string[]}
 */
export function splitMessages(cell) {
  if (!cell) return [];
  const lines = cell.split(/\r?\n/);
  // Re-join a line that does not start a sentence (a column name with a line break in it).
  const out = [];
  for (const line of lines) {
    if (out.length > 0 && !/^The /.test(line)) out[out.length - 1] += `\n${line}`;
    else out.push(line);
  }
  return out.filter((m) => m !== '');
}
