// clients-schema.mjs — a JSON Schema for one import type's rows, built from the engine's
// own types JSON (`preflight types --json`), for the Papa Parse + ajv contender of
// bench/compare.mjs.
//
// It is what a careful web importer would write by hand: one property per field, each a
// string (CSV cells are strings) checked by patterns, as closely as JSON Schema can follow
// the engine's Laravel rules. Empty cells are allowed in nullable fields by an empty
// alternative inside each pattern (no anyOf, which would slow ajv down and flatter the
// engine). What JSON Schema cannot say is listed in `gaps` (before:today, cross-field rules),
// so the failing-row counts of the two stacks can be compared honestly.

/** Regex text for a literal string (ajv compiles with the `u` flag: escape syntax only). */
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Case-insensitive regex text without flags (ajv patterns take none): "Male" → [mM][aA]… */
function caseless(regexText) {
  let out = '';
  let inClass = false;
  for (let i = 0; i < regexText.length; i++) {
    const c = regexText[i];
    if (c === '\\') {
      out += c + regexText[++i];  // an escape (\d, \.) keeps its letter
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    if (lower === upper) out += c;
    else out += inClass ? lower + upper : `[${lower}${upper}]`;
  }
  return out;
}

/** "one of these spellings", anchored, case-insensitive when asked. */
function oneOf(values, insensitive) {
  const alternatives = values.map((v) => (insensitive ? caseless(escapeRegex(v)) : escapeRegex(v)));
  return `(?:${alternatives.join('|')})`;
}

// PHP filter_var's whitespace (space \t \r \v \0 \n) around an optional sign, no leading zeros.
const PHP_SPACE = '[ \\t\\r\\n\\v\\x00]*';
const INTEGER = `${PHP_SPACE}[+-]?(?:0|[1-9]\\d{0,18})${PHP_SPACE}`;

const HEX = '[0-9a-fA-F]';
const UUID = `${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}`;

// Dot-atom local part of atext (plus any non-ASCII letter, RFC 6531) and a domain of
// letter/digit/hyphen labels; quoted local parts and IP literals are left out, as most
// importers' e-mail regexes do.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]";
const LABEL = '[A-Za-z0-9\\u0080-\\uFFFF](?:[A-Za-z0-9\\u0080-\\uFFFF-]{0,61}[A-Za-z0-9\\u0080-\\uFFFF])?';
const EMAIL = `${ATEXT}+(?:\\.${ATEXT}+)*@${LABEL}(?:\\.${LABEL})*`;

// Dates: DD/MM/YYYY (one separator kind throughout: / - .) or YYYY-MM-DD, day and month
// with one or two digits, the calendar enforced (30-day months, 29 February only in leap
// years), optionally followed by a time. Spaces and tabs around the value are ignored.
const LEAP_YEAR = '(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)';
const DAY_1_28 = '(?:0?[1-9]|1\\d|2[0-8])';
const MONTH = '(?:0?[1-9]|1[0-2])';
const MONTH_30 = '(?:0?[13-9]|1[0-2])';  // every month but February has days 29 and 30
const MONTH_31 = '(?:0?[13578]|1[02])';
const dayFirst = (sep) =>
  `(?:(?:${DAY_1_28}${sep}${MONTH}|(?:29|30)${sep}${MONTH_30}|31${sep}${MONTH_31})${sep}\\d{4}` +
  `|29${sep}0?2${sep}${LEAP_YEAR})`;
const ISO = `(?:\\d{4}-(?:${MONTH}-${DAY_1_28}|${MONTH_30}-(?:29|30)|${MONTH_31}-31)|${LEAP_YEAR}-0?2-29)`;
const TIME = '(?:[ T](?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?)?';
const DATE = `[ \\t]*(?:${dayFirst('/')}|${dayFirst('-')}|${dayFirst('\\.')}|${ISO})${TIME}[ \\t]*`;

/** A PHP regex literal ("/…/i") as an ajv pattern: delimiters dropped, `i` spelled out. */
function phpRegexToPattern(literal) {
  const end = literal.lastIndexOf(literal[0]);
  const body = literal.slice(1, end);
  const flags = literal.slice(end + 1);
  return flags.includes('i') ? caseless(body) : body;
}

/** The `rules` string split into [name, argument] pairs; not_regex keeps its '|'s. */
function parseRules(rules) {
  const out = [];
  for (let rest = rules; rest; ) {
    const m = /^(not_regex|regex):(.)/.exec(rest);
    let rule;
    if (m) {
      // The argument runs to the closing delimiter and its flags.
      const close = rest.indexOf(m[2], m[0].length);
      const flagsEnd = rest.indexOf('|', close);
      rule = flagsEnd < 0 ? rest : rest.slice(0, flagsEnd);
    } else {
      const bar = rest.indexOf('|');
      rule = bar < 0 ? rest : rest.slice(0, bar);
    }
    rest = rest.slice(rule.length + 1);
    const colon = rule.indexOf(':');
    out.push(colon < 0 ? [rule, ''] : [rule.slice(0, colon), rule.slice(colon + 1)]);
  }
  return out;
}

/**
 * One field's property schema, plus the rules it had to leave out.
 * @returns {{schema: object, required: boolean, gaps: string[]}}
 */
function fieldSchema(field, type) {
  const schema = { type: 'string' };
  const patterns = [];
  const gaps = [];
  let nullable = false;
  let required = false;
  for (const [rule, arg] of parseRules(field.rules)) {
    switch (rule) {
      case 'nullable': nullable = true; break;
      case 'required': required = true; break;
      case 'string': break;
      case 'max': schema.maxLength = Number(arg); break;  // code points, as mb_strlen
      case 'uuid': patterns.push(UUID); break;
      case 'email': patterns.push(EMAIL); break;
      case 'integer': patterns.push(INTEGER); break;
      case 'date': patterns.push(DATE); break;
      case 'boolean': {
        const b = type.boolean_values;
        patterns.push(oneOf([...b.true, ...b.false], b.case_insensitive));
        break;
      }
      case 'not_regex': schema.not = { pattern: phpRegexToPattern(arg) }; break;
      default: gaps.push(`${field.name}: ${rule}${arg ? `:${arg}` : ''}`);
    }
  }
  if (field.type === 'enumeration') patterns.push(oneOf(field.values, field.case_insensitive));
  // Every pattern must hold; an empty cell passes a nullable field's patterns.
  const anchored = patterns.map((p) => `^(?:${nullable ? '$|' : ''}${p})$`);
  if (anchored.length === 1) schema.pattern = anchored[0];
  else if (anchored.length > 1) schema.allOf = anchored.map((pattern) => ({ pattern }));
  if (required) schema.minLength = 1;
  return { schema, required, gaps };
}

/**
 * The JSON Schema of one row of `typeName` (validate mode), from the engine's types JSON.
 * @param {object[]} types the parsed output of `preflight types --json`
 * @param {string} typeName e.g. "clients"
 * @returns {{schema: object, gaps: string[]}}
 */
export function buildRowSchema(types, typeName) {
  const type = types.find((t) => t.type === typeName);
  if (!type) throw new Error(`no import type ${typeName}`);
  const properties = {};
  const required = [];
  const gaps = [];
  for (const field of type.fields) {
    const f = fieldSchema(field, type);
    properties[field.name] = f.schema;
    if (f.required) required.push(field.name);
    gaps.push(...f.gaps);
  }
  return { schema: { type: 'object', properties, required }, gaps };
}
