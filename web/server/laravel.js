// laravel.js — the error bodies a Laravel API answers with, worded as Laravel words them.
//
// 422: {"message": <first message> + " (and N more errors)", "errors": {field: [messages]}}
// (ValidationException::summarize, Laravel ≥ 9). Messages follow the lang file of the chosen
// Laravel major: 10 inserted "field" into most messages ("The per page field must be an
// integer."), 9 did not ("The per page must be an integer."); `required` and `in` read the
// same in both (see shared/spec/import-types.md §13).
import { HttpError } from './http-util.js';

/**
 * How Laravel shows an attribute: snake_case words, except wildcard paths such as
 * "headers.0.email", which are shown as they are.
 * @param {string} attribute
 */
export function displayName(attribute) {
  return attribute.includes('.') ? attribute : attribute.replace(/_/g, ' ');
}

/**
 * The messages this server uses, for one Laravel major.
 * @param {'9'|'10'} version
 */
export function messagesFor(version) {
  const field = version === '9' ? '' : ' field';
  return {
    required: (a) => `The ${displayName(a)} field is required.`,
    in: (a) => `The selected ${displayName(a)} is invalid.`,
    exists: (a) => `The selected ${displayName(a)} is invalid.`,
    string: (a) => `The ${displayName(a)}${field} must be a string.`,
    array: (a) => `The ${displayName(a)}${field} must be an array.`,
    integer: (a) => `The ${displayName(a)}${field} must be an integer.`,
    minNumeric: (a, min) => `The ${displayName(a)}${field} must be at least ${min}.`,
    maxNumeric: (a, max) => `The ${displayName(a)}${field} must not be greater than ${max}.`,
    file: (a) => `The ${displayName(a)}${field} must be a file.`,
    mimes: (a, values) => `The ${displayName(a)}${field} must be a file of type: ${values.join(', ')}.`,
    maxFile: (a, kilobytes) => `The ${displayName(a)}${field} must not be greater than ${kilobytes} kilobytes.`,
    distinct: (a) => `The ${displayName(a)} field has a duplicate value.`,
  };
}

/**
 * The summary line of a 422: the first message, plus how many others there are.
 * @param {string[]} messages every message, in order
 */
export function summarize(messages) {
  const [first, ...rest] = messages;
  if (rest.length === 0) return first;
  return `${first} (and ${rest.length} more ${rest.length === 1 ? 'error' : 'errors'})`;
}

/** Collects field errors in order and turns them into Laravel's 422. */
export class ValidationErrors {
  constructor() {
    /** @type {Map<string, string[]>} */
    this.byField = new Map();
  }

  /** @param {string} field @param {string} message */
  add(field, message) {
    const list = this.byField.get(field) ?? [];
    list.push(message);
    this.byField.set(field, list);
    return this;
  }

  has(field) {
    return this.byField.has(field);
  }

  get empty() {
    return this.byField.size === 0;
  }

  /** @returns {HttpError} */
  toError() {
    const all = [...this.byField.values()].flat();
    // fromEntries: field names can be user text (mapping keys); no prototype setter runs.
    return new HttpError(422, { message: summarize(all), errors: Object.fromEntries(this.byField) });
  }

  /** Throws the 422 when anything was added. */
  throwIfAny() {
    if (!this.empty) throw this.toError();
  }
}

/** Route model binding's 404: "No query results for model [App\Models\Import] <uuid>". */
export function modelNotFound(model, id) {
  return new HttpError(404, { message: `No query results for model [App\\Models\\${model}] ${id}` });
}

export const UNAUTHENTICATED = Object.freeze({ message: 'Unauthenticated.' });
