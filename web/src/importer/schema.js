// schema.js — what the importer needs to know about an import type, read from the
// engine's types() list (the same JSON as `preflight types --json`): its fields, the rules
// that apply in a mode, which fields must be mapped, and how Laravel names a field in a
// message ("send_welcome_email" → "send welcome email").

/**
 * @typedef {{name: string, label: string, type: string, rules: string|string[],
 *   modes?: Record<string, string|string[]>, values?: string[], aliases?: string[],
 *   description?: string}} FieldDef
 * @typedef {{type: string, singular: string, label: string, key: string, fields: FieldDef[],
 *   description?: string}} TypeDef
 */

/**
 * The rule names a field has in `mode` (the mode's rules replace the base rules when the
 * schema gives them), e.g. ["nullable", "email", "max"]. `in` is added for enumerations.
 * @param {FieldDef} field
 * @param {string} mode
 * @returns {string[]}
 */
export function ruleNames(field, mode) {
  const names = ruleList(field, mode).map((r) => r.name);
  if (Array.isArray(field.values) && field.values.length > 0 && !names.includes('in')) names.push('in');
  return names;
}

/**
 * The rules a field has in `mode`, with their parameters as written:
 * [{name: "max", param: "255"}, {name: "regex", param: "/^[0-9]+$/"}].
 * @param {FieldDef} field
 * @param {string} mode
 * @returns {Array<{name: string, param: string}>}
 */
export function ruleList(field, mode) {
  const own = field.modes?.[mode];
  const source = own !== undefined && own !== '' && !(Array.isArray(own) && own.length === 0) ? own : field.rules;
  return (Array.isArray(source) ? source : [source ?? ''])
    .flatMap((s) => (/^\s*(not_)?regex:/.test(s) ? [s] : String(s).split('|')))
    .map((s) => s.trim())
    .filter(Boolean)
    .map((piece) => {
      const colon = piece.indexOf(':');
      return colon < 0
        ? { name: piece.toLowerCase(), param: '' }
        : { name: piece.slice(0, colon).trim().toLowerCase(), param: piece.slice(colon + 1) };
    });
}

/**
 * True when the field must be mapped (or given a constant) in `mode`: its rules hold a
 * plain `required` (the conditional ones — required_if, required_without… — depend on
 * other cells, so they are checked per row instead).
 */
export function isRequired(field, mode) {
  return ruleNames(field, mode).includes('required');
}

/** True when `mode` forbids values in this field (the key when creating). */
export function isProhibited(field, mode) {
  return ruleNames(field, mode).includes('prohibited');
}

/**
 * How Laravel shows an attribute in messages: Str::snake, then underscores as spaces.
 * @param {string} name
 */
export function displayAttribute(name) {
  let snake = name;
  if (!/^[a-z0-9_]*$/.test(name)) {
    snake = name.replace(/\s+/g, '').replace(/(.)(?=[A-Z])/g, '$1_').toLowerCase();
  }
  return snake.replace(/_/g, ' ');
}

/**
 * A field's name for people: its label, plus the canonical name when they differ.
 * @param {FieldDef} field
 */
export function fieldTitle(field) {
  return field.label && field.label.toLowerCase() !== field.name.replace(/_/g, ' ') ? `${field.label} (${field.name})` : field.label || field.name;
}

/**
 * The map endpoint's body from a header → field choice: {"headers": [{field: header}]}.
 * @param {Map<string, string>} fieldOfHeader header → field ('' = ignored)
 * @param {Record<string, string>} [constants]
 */
export function mappingBody(fieldOfHeader, constants = {}) {
  const pairs = {};
  for (const [header, fieldName] of fieldOfHeader) if (fieldName) pairs[fieldName] = header;
  const body = { headers: [pairs] };
  if (Object.keys(constants).length > 0) body.constants = { ...constants };
  return body;
}

/**
 * field → header from a map endpoint body (either of its forms).
 * @param {{headers?: Array<Record<string, string>>|Record<string, string>}|null|undefined} body
 * @returns {Map<string, string>}
 */
export function headerOfField(body) {
  const out = new Map();
  const headers = body?.headers;
  const list = Array.isArray(headers) ? headers : headers ? [headers] : [];
  for (const item of list) for (const [fieldName, header] of Object.entries(item ?? {})) out.set(fieldName, header);
  return out;
}
