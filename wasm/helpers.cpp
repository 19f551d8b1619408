// helpers.cpp — see helpers.h.
#include "helpers.h"

#include <emscripten/val.h>

#include <string>
#include <string_view>
#include <utility>

#include "preflight/json.h"
#include "preflight/options.h"

namespace preflight::wasm {

using emscripten::typed_memory_view;
using emscripten::val;

namespace {

/// Copies bytes out of the heap into a fresh Uint8Array (slice), so a later memory growth
/// cannot detach what JS holds.
val bytes_value(std::string_view bytes) {
  return val(typed_memory_view(bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()))).call<val>("slice");
}

status not_open() { return status::fail(errc::invalid_state, "the session is not open"); }

}  // namespace

val status_value(const status& s) {
  val out = val::object();
  out.set("code", val(s.ok() ? "ok" : errc_name(s.code)));
  out.set("message", val(s.message));
  return out;
}

status load_registry(const val& schemas, schema_registry& out) {
  auto builtin = schema_registry::builtin();
  if (!builtin.ok()) return builtin.error();
  out = std::move(builtin).value();
  if (schemas.isUndefined() || schemas.isNull()) return status::success();
  const auto n = schemas["length"].as<uint32_t>();
  for (uint32_t i = 0; i < n; ++i) {
    const val item = schemas[i];
    const auto name = item["name"].as<std::string>();
    const auto json = item["json"].as<std::string>();
    if (status s = out.load_json(json, name); !s.ok()) return s;
  }
  return status::success();
}

val types_json(const val& schemas) {
  schema_registry reg;
  const status s = load_registry(schemas, reg);
  val out = status_value(s);
  out.set("json", s.ok() ? val(preflight::types_json(reg)) : val::null());
  return out;
}

std::string engine_version_text() { return preflight::engine_version; }

// ───────────────────────────── session_handle ─────────────────────────────

val session_handle::open(const std::string& type, const std::string& options_json, const val& schemas) {
  if (opened()) return status_value(status::fail(errc::invalid_state, "the session is already open"));
  auto options = parse_session_options(options_json);
  if (!options.ok()) return status_value(options.error());
  auto registry = std::make_unique<schema_registry>();
  if (status s = load_registry(schemas, *registry); !s.ok()) return status_value(s);
  // The session points into the registry: both live as long as this handle.
  auto opened_session = session::open(*registry, type, std::move(options).value());
  if (!opened_session.ok()) return status_value(opened_session.error());
  registry_ = std::move(registry);
  session_ = std::make_unique<session>(std::move(opened_session).value());
  return status_value(status::success());
}

val session_handle::feed_bytes(const val& bytes) {
  if (!opened()) return status_value(not_open());
  const auto n = bytes["length"].as<uint32_t>();
  if (input_.size() < n) input_.resize(n);
  val(typed_memory_view(n, reinterpret_cast<uint8_t*>(input_.data()))).call<void>("set", bytes);
  return status_value(session_->feed(std::string_view(input_.data(), n)));
}

val session_handle::finish() {
  if (!opened()) return status_value(not_open());
  return status_value(session_->finish());
}

std::string session_handle::summary_json(int indent) const {
  return opened() ? session_->summary_json(indent) : std::string();
}

std::string session_handle::suggestions_json() const {
  return opened() ? session_->suggestions_json() : std::string();
}

std::string session_handle::headers_json() const {
  json_writer w;
  w.begin_object();
  if (opened()) {
    const header_set& h = session_->headers();
    auto strings = [&w](const char* key, const std::vector<std::string>& list) {
      w.key(key);
      w.begin_array();
      for (const std::string& s : list) w.value(s);
      w.end_array();
    };
    strings("names", h.names);
    strings("original", h.original);
    strings("warnings", h.warnings);
    w.key("samples");
    w.begin_array();
    for (const auto& row : session_->sample_rows()) {
      w.begin_array();
      for (const std::string& cell : row) w.value(cell);
      w.end_array();
    }
    w.end_array();
  }
  w.end_object();
  return w.take();
}

std::string session_handle::progress_json() const {
  const session_progress p = opened() ? session_->progress() : session_progress{};
  json_writer w;
  w.begin_object();
  w.key("bytesRead");
  w.value(p.bytes_read);
  w.key("rowsRead");
  w.value(p.rows_read);
  w.key("rowsFailed");
  w.value(p.rows_failed);
  w.key("headerReady");
  w.value(p.header_ready);
  w.key("mappingReady");
  w.value(p.mapping_ready);
  w.key("finished");
  w.value(p.finished);
  w.end_object();
  return w.take();
}

val session_handle::take_error_csv() {
  if (!opened()) return bytes_value({});
  const std::string csv = session_->take_error_csv();
  return bytes_value(csv);
}

val session_handle::next_batch() {
  if (!opened() || !session_->next_batch(batch_)) return val::null();
  val out = val::object();
  out.set("index", val(batch_.index));
  out.set("rows", val(batch_.rows));
  // Line numbers are uint64_t; a double holds them exactly up to 2^53.
  out.set("firstLine", val(static_cast<double>(batch_.first_line)));
  out.set("lastLine", val(static_cast<double>(batch_.last_line)));
  out.set("csv", bytes_value(batch_.csv));
  batch_.csv.clear();
  batch_.csv.shrink_to_fit();  // a batch can be 5 MiB: do not keep its buffer in the heap
  return out;
}

}  // namespace preflight::wasm
