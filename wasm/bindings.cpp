// bindings.cpp — the Embind table, and nothing else (marshalling: helpers.cpp; the public
// JS surface: preflight_api.js). Raw names start with "_": JS code uses the wrappers
// (Module.openSession, Module.types, …), which turn a failing status into PreflightError.
#include <emscripten/bind.h>

#include "helpers.h"

EMSCRIPTEN_BINDINGS(preflight) {
  using preflight::wasm::session_handle;
  emscripten::class_<session_handle>("_Session")
      .constructor<>()
      .function("_open", &session_handle::open)
      .function("_feedBytes", &session_handle::feed_bytes)
      .function("_finish", &session_handle::finish)
      .function("_summaryJson", &session_handle::summary_json)
      .function("_suggestionsJson", &session_handle::suggestions_json)
      .function("_headersJson", &session_handle::headers_json)
      .function("_progressJson", &session_handle::progress_json)
      .function("_takeErrorCsv", &session_handle::take_error_csv)
      .function("_nextBatch", &session_handle::next_batch);
  emscripten::function("_typesJson", &preflight::wasm::types_json);
  emscripten::function("_engineVersion", &preflight::wasm::engine_version_text);
}
