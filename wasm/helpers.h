// helpers.h — the marshalling layer between Embind (bindings.cpp) and the core's session.
//
// Three layers, as in Manifold's wasm bindings: bindings.cpp is only the Embind table,
// this file turns core types into JS values (strings, Uint8Array, plain objects), and
// preflight_api.js (--pre-js) is the public JS surface that turns a failing status into a
// thrown PreflightError. Nothing here decides anything the native CLI does not: the
// session, the options reader and the registry are the core's.
//
// Rules kept here:
// - No C++ exception exists in this module (-fno-exceptions): every call that can fail
//   returns a status object {code, message} (code "ok" on success) for the JS layer.
// - The boundary is crossed per chunk, never per row or cell: bytes go in as one buffer,
//   the error CSV and batches come out as one Uint8Array each (typed_memory_view + slice,
//   so the bytes are copied out before the heap can grow and detach the view).
// - Offsets and counts are uint64_t in the core; they leave as JS numbers (doubles), exact
//   up to 2^53 bytes (8 PiB), via JSON text or val(double).
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <string>

#include "preflight/error.h"
#include "preflight/schema.h"
#include "preflight/session.h"

namespace preflight::wasm {

/// {code: "ok" | errc_name, message}.
emscripten::val status_value(const status& s);

/// The built-in registry plus the extra schemas, given as a JS array of {name, json}.
status load_registry(const emscripten::val& schemas, schema_registry& out);

/// Raw, status-returning entry points for module-level functions.
emscripten::val types_json(const emscripten::val& schemas);  ///< {code, message, json}
std::string engine_version_text();

/// One import: owns the registry its session points into, and the input buffer each chunk
/// is copied into (so a chunk crosses the boundary once, in one call).
class session_handle {
 public:
  session_handle() = default;

  /// Opens the session: type name, options JSON (options.h), extra schemas [{name, json}].
  emscripten::val open(const std::string& type, const std::string& options_json, const emscripten::val& schemas);

  /// Feeds a Uint8Array: one bulk copy (TypedArray.set) into a heap buffer the session
  /// reuses, then the core's feed(). Measured against JS writing into HEAPU8 at a pointer
  /// from a separate call: the same speed (~3 GB/s for 1 MiB chunks, under 1% of the
  /// engine's time), and one call with no heap view to keep fresh on the JS side.
  emscripten::val feed_bytes(const emscripten::val& bytes);
  emscripten::val finish();

  std::string summary_json(int indent) const;
  std::string suggestions_json() const;
  /// {"names":[…],"original":[…],"warnings":[…],"samples":[[…]…]}.
  std::string headers_json() const;
  /// {"bytesRead":…,"rowsRead":…,"rowsFailed":…,"headerReady":…,"mappingReady":…,"finished":…}.
  std::string progress_json() const;
  /// The error CSV produced since the last call, as a Uint8Array (byte-exact).
  emscripten::val take_error_csv();
  /// {index, rows, firstLine, lastLine, csv: Uint8Array}, or null when no batch is ready.
  emscripten::val next_batch();

 private:
  [[nodiscard]] bool opened() const noexcept { return session_ != nullptr; }

  std::unique_ptr<schema_registry> registry_;
  std::unique_ptr<session> session_;
  std::string input_;  // the reused chunk buffer
  batch batch_;        // reused
};

}  // namespace preflight::wasm
