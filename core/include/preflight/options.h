// options.h — a host's options JSON → session_options, in one place.
//
// The Wasm bindings (and any other host that speaks JSON, such as the reference server)
// open a session from a type name plus one JSON object; this is where that object is read,
// so every host accepts the same keys with the same meaning as the CLI's flags:
//
//   {
//     "mode": "store",                  // validate | store | update        (--mode)
//     "laravel": "9",                   // "9" | "10" (or 9 | 10)            (--laravel)
//     "today": "2026-01-15",            // the date 'today' means            (--today)
//     "encoding": "windows-1252",       // any name parse_encoding_name takes (--encoding)
//     "delimiter": ";",                 // one character, or tab/comma/semicolon/pipe
//     "hasHeader": false,               //                                   (--no-header)
//     "mapping": {"headers": [{"first_name": "Forename"}], "constants": {…}},  (--mapping)
//     "constants": {"send_welcome_email": "1"},                              (--constant)
//     "batches": true, "batchRows": 1000, "batchBytes": 5242880,            (--batches …)
//     "errorCsv": true,                 // build the error CSV (default true)
//     "fileName": "clients.csv",        // named in messages and the error report's name
//     "limits": {"maxFieldBytes": 1048576, "maxRowBytes": 4194304, "maxColumns": 4096,
//                "maxKeys": 1500000},   // distinct keys the duplicate check remembers
//     "sniffBytes": 65536, "sampleRows": 50, "autoMapConfidence": 0.8
//   }
//
// Every key is optional, and null means "not given" (the default, or detection). An
// unknown key, a duplicate key or a value of the wrong type is an error naming the key:
// `options: "batchRows" must be a positive integer`. "mapping" is the map endpoint's body
// and goes through parse_mapping_json (mapping.h), as do "constants" (same value rules:
// strings, numbers as written, booleans), so there is one reading of each format.
//
// Error codes: invalid_argument (malformed JSON, unknown key, wrong type, out of range),
// unknown_mode (a mode other than validate/store/update), bad_mapping (from the mapping).
#pragma once

#include <string_view>

#include "preflight/error.h"
#include "preflight/session.h"

namespace preflight {

/// Reads a host's options JSON (see the file comment) into session_options.
result<session_options> parse_session_options(std::string_view json);

}  // namespace preflight
