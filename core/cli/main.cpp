// preflight — the command-line front end of the engine (offline pre-validation).
//
//   preflight types [--json]
//   preflight suggest --type T FILE
//   preflight validate --type T --mode M [--mapping FILE.json] [--errors-csv OUT] [--batches DIR] … FILE
//   preflight parse FILE
//
// All I/O lives here; the engine (core/) only sees bytes. Exit codes: 0 success (validate:
// every row clean), 1 some rows failed, 2 unusable input or arguments (message on stderr).
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "preflight/csv.h"
#include "preflight/decode.h"
#include "preflight/dialect.h"
#include "preflight/json.h"
#include "preflight/reader.h"
#include "preflight/session.h"

namespace fs = std::filesystem;
using namespace preflight;
using preflight::cli::option_spec;
using preflight::cli::parsed_args;

namespace {

constexpr int exit_clean = 0;
constexpr int exit_rows_failed = 1;
constexpr int exit_unusable = 2;
constexpr size_t default_chunk = 1u << 20;  // V8 and the caches both like ~1 MiB calls

int usage_error(const std::string& command, const std::string& message) {
  std::cerr << "preflight " << command << ": " << message << "\n";
  std::cerr << "Run 'preflight " << command << " --help' for usage.\n";
  return exit_unusable;
}

/// Reads a whole (small) file such as a mapping or a schema.
bool read_small_file(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

/// The input file, or standard input for "-", read in chunks.
///
/// A regular file is mapped into memory one chunk at a time (mmap, unmapped when the next
/// chunk is asked for) rather than read(): the kernel then maps page-cache pages instead of
/// copying every byte (measured: about 10% of a validate run's time went to that copy),
/// and resident memory stays at one chunk whatever the file size. Standard input, pipes,
/// and anything mmap refuses are read with fread.
class input_file {
 public:
  bool open(const std::string& path, std::string& error) {
    name_ = path == "-" ? "stdin.csv" : fs::path(path).filename().string();
    if (path == "-") {
      f_ = stdin;
      return true;
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      error = path + " is a directory, not a CSV file";
      return false;
    }
    f_ = std::fopen(path.c_str(), "rb");
    if (f_ == nullptr) {
      error = "cannot open " + path + ": " + std::strerror(errno);
      return false;
    }
    owned_ = true;
    struct stat st {};
    if (::fstat(::fileno(f_), &st) == 0 && S_ISREG(st.st_mode)) {
      size_ = static_cast<uint64_t>(st.st_size);
      mappable_ = true;
      report_truncation_as_error(path);
    }
    return true;
  }
  /// The next chunk, valid until the next call; an empty view means the end (check failed()).
  std::string_view read(size_t chunk) {
    if (mappable_) {
      if (auto mapped = map_next(chunk)) return *mapped;
      mappable_ = false;  // mmap refused: read the rest from the same position
      if (::fseeko(f_, static_cast<off_t>(offset_), SEEK_SET) != 0) {
        failed_ = true;
        return {};
      }
    }
    buf_.resize(chunk);
    const size_t n = std::fread(buf_.data(), 1, chunk, f_);
    if (n == 0 && std::ferror(f_)) failed_ = true;
    return {buf_.data(), n};
  }
  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  ~input_file() {
    unmap();
    if (owned_) std::fclose(f_);
  }

 private:
  /// A mapped file cut shorter by another program while we read it raises SIGBUS on the
  /// missing pages: say so and exit 2, as for any unreadable input, rather than crash.
  static void report_truncation_as_error(const std::string& path) {
    static std::string message;
    message = "preflight: " + path + " was truncated while being read\n";
    struct sigaction sa {};
    sa.sa_handler = [](int) {
      [[maybe_unused]] const auto n = ::write(STDERR_FILENO, message.data(), message.size());
      ::_exit(2);
    };
    ::sigaction(SIGBUS, &sa, nullptr);
  }
  /// Maps [offset_, offset_ + chunk) of the file (from the page boundary below it).
  std::optional<std::string_view> map_next(size_t chunk) {
    unmap();
    if (offset_ >= size_) return std::string_view{};
    static const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t start = offset_ - offset_ % page;
    const uint64_t end = std::min<uint64_t>(size_, offset_ + chunk);
    const auto length = static_cast<size_t>(end - start);
    void* p = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, ::fileno(f_), static_cast<off_t>(start));
    if (p == MAP_FAILED) return std::nullopt;
    map_ = p;
    map_length_ = length;
    const std::string_view bytes(static_cast<const char*>(p) + (offset_ - start), static_cast<size_t>(end - offset_));
    offset_ = end;
    return bytes;
  }
  void unmap() {
    if (map_ != nullptr) ::munmap(map_, map_length_);
    map_ = nullptr;
  }

  std::FILE* f_ = nullptr;
  bool owned_ = false;
  bool failed_ = false;
  bool mappable_ = false;
  uint64_t size_ = 0;    // of a regular file, when opened (a file that grows is read to there)
  uint64_t offset_ = 0;  // next byte to map
  void* map_ = nullptr;
  size_t map_length_ = 0;
  std::string buf_;
  std::string name_;
};

// ───────────────────────────── shared options ─────────────────────────────

const std::vector<option_spec> reading_options = {
    {"encoding", true, false}, {"delimiter", true, false}, {"no-header", false, false},
    {"chunk-size", true, false}, {"schema", true, true},
};

bool parse_delimiter(const std::string& text, char& out) {
  if (text == "tab" || text == "\\t" || text == "\t") out = '\t';
  else if (text == "comma") out = ',';
  else if (text == "semicolon") out = ';';
  else if (text == "pipe") out = '|';
  else if (text.size() == 1 && text != "\"" && text != "\r" && text != "\n") out = text[0];
  else return false;
  return true;
}

bool parse_count(const std::string& text, uint64_t& out) {
  if (text.empty() || text.size() > 15) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return v > 0;
}

/// Applies --encoding, --delimiter, --no-header, --chunk-size; returns an error message or "".
std::string apply_reading_options(const parsed_args& a, session_options& opt, size_t& chunk) {
  if (auto e = a.get("encoding")) {
    auto enc = parse_encoding_name(*e);
    if (!enc) return "unknown encoding \"" + *e + "\" (expected utf-8, utf-16le, utf-16be or windows-1252)";
    opt.forced_encoding = enc;
  }
  if (auto d = a.get("delimiter")) {
    char c = ',';
    if (!parse_delimiter(*d, c)) return "bad delimiter \"" + *d + "\" (expected one character, tab, comma, semicolon or pipe)";
    opt.dialect.delimiter = c;
  }
  if (a.has("no-header")) opt.dialect.has_header = false;
  if (auto c = a.get("chunk-size")) {
    uint64_t n = 0;
    if (!parse_count(*c, n)) return "--chunk-size must be a positive number of bytes";
    chunk = static_cast<size_t>(n);
  }
  return "";
}

/// The built-in types plus any --schema files.
bool load_registry(const parsed_args& a, schema_registry& reg, std::string& error) {
  auto builtin = schema_registry::builtin();
  if (!builtin.ok()) {
    error = builtin.error().message;
    return false;
  }
  reg = std::move(builtin).value();
  for (const std::string& path : a.all("schema")) {
    std::string text;
    if (!read_small_file(path, text, error)) return false;
    if (status st = reg.load_json(text, fs::path(path).filename().string()); !st.ok()) {
      error = st.message;
      return false;
    }
  }
  return true;
}

// ───────────────────────────── types ─────────────────────────────

const char* types_help =
    "Usage: preflight types [--json] [--schema FILE.json]...\n"
    "\n"
    "Lists the import types and their fields (name, type, rules).\n"
    "  --json            machine-readable output\n"
    "  --schema FILE     load an extra or replacement type first (repeatable)\n";

int cmd_types(int argc, char** argv) {
  auto a = cli::parse_args(argc, argv, 2, {{"json", false, false}, {"schema", true, true}});
  if (a.has("help")) return std::cout << types_help, exit_clean;
  if (!a.error.empty()) return usage_error("types", a.error);
  if (!a.positional.empty()) return usage_error("types", "unexpected argument " + a.positional[0]);
  schema_registry reg;
  std::string error;
  if (!load_registry(a, reg, error)) return usage_error("types", error);
  if (a.has("json")) {
    std::cout << types_json(reg) << "\n";
    return exit_clean;
  }
  for (const import_type& t : reg.types()) {
    std::cout << t.name << " (" << t.fields.size() << " fields; a failed row is reported as \"" << t.singular
              << "\")\n";
    for (const field_def& f : t.fields) {
      std::string rules;
      for (const std::string& r : f.rules) rules += (rules.empty() ? "" : "|") + r;
      std::cout << "  " << f.name << std::string(f.name.size() < 30 ? 30 - f.name.size() : 1, ' ')
                << field_type_name(f.type) << std::string(12 - std::min<size_t>(11, std::strlen(field_type_name(f.type))), ' ')
                << rules << "\n";
    }
    std::cout << "\n";
  }
  return exit_clean;
}

// ───────────────────────────── validate and suggest ─────────────────────────────

const char* validate_help =
    "Usage: preflight validate --type TYPE --mode MODE [options] FILE\n"
    "\n"
    "Checks every row of FILE ('-' for standard input) against the import type's rules and\n"
    "prints the summary JSON (the import resource's shape) on standard output.\n"
    "Exit status: 0 every row is clean, 1 some rows failed, 2 unusable input or arguments.\n"
    "\n"
    "  --type TYPE         clients, plans, charges, … (see 'preflight types')\n"
    "  --mode MODE         validate, store or update\n"
    "  --mapping FILE      the map endpoint's JSON: {\"headers\":[{\"field\":\"CSV header\"}],\n"
    "                      \"constants\":{\"field\":\"value\"}}; default: confident suggestions\n"
    "  --constant F=V      a constant value for field F (repeatable)\n"
    "  --errors-csv OUT    write the error report CSV (failed rows, line numbers, messages)\n"
    "  --batches DIR       write the clean rows as CSV batches DIR/batch-00001.csv, …\n"
    "  --batch-rows N      rows per batch (default 1000)\n"
    "  --batch-bytes N     bytes per batch (default 5242880)\n"
    "  --laravel 9|10      message wording (default 10)\n"
    "  --today YYYY-MM-DD  the date that 'today' means in rules such as before:today\n"
    "  --encoding ENC      utf-8, utf-16le, utf-16be or windows-1252 (default: detected)\n"
    "  --delimiter D       , ; tab | (default: detected)\n"
    "  --no-header         the first row is data; columns are named column_1, column_2, …\n"
    "  --schema FILE       load an extra or replacement import type (repeatable)\n"
    "  --compact           print the summary on one line\n"
    "  --chunk-size N      feed the engine N bytes at a time (default 1 MiB)\n";

const char* suggest_help =
    "Usage: preflight suggest --type TYPE [options] FILE\n"
    "\n"
    "Reads the start of FILE ('-' for standard input) and prints, as JSON, a suggested field\n"
    "for every CSV header with a confidence score and the reason, plus the confident ones as\n"
    "a mapping ready for --mapping or the map endpoint.\n"
    "\n"
    "  --type TYPE         the import type\n"
    "  --min-confidence X  threshold for the mapping part (default 0.8)\n"
    "  --encoding, --delimiter, --no-header, --schema, --chunk-size as for validate\n";

/// Writes batches to DIR as they complete.
class batch_sink {
 public:
  explicit batch_sink(std::string dir) : dir_(std::move(dir)) {}
  bool drain(session& s, std::string& error) {
    batch b;
    while (s.next_batch(b)) {
      char name[32];
      std::snprintf(name, sizeof name, "batch-%05u.csv", b.index + 1);
      std::ofstream out(fs::path(dir_) / name, std::ios::binary | std::ios::trunc);
      out.write(b.csv.data(), static_cast<std::streamsize>(b.csv.size()));
      if (!out) {
        error = "cannot write " + (fs::path(dir_) / name).string();
        return false;
      }
    }
    return true;
  }

 private:
  std::string dir_;
};

int run_validate(int argc, char** argv, bool suggest_only) {
  const std::string command = suggest_only ? "suggest" : "validate";
  std::vector<option_spec> specs = reading_options;
  specs.push_back({"type", true, false});
  if (suggest_only) {
    specs.push_back({"min-confidence", true, false});
  } else {
    for (const char* name : {"mode", "mapping", "errors-csv", "batches", "batch-rows", "batch-bytes", "laravel", "today"})
      specs.push_back({name, true, false});
    specs.push_back({"constant", true, true});
    specs.push_back({"compact", false, false});
  }
  auto a = cli::parse_args(argc, argv, 2, specs);
  if (a.has("help")) return std::cout << (suggest_only ? suggest_help : validate_help), exit_clean;
  if (!a.error.empty()) return usage_error(command, a.error);
  if (a.positional.size() != 1) return usage_error(command, a.positional.empty() ? "missing FILE" : "give exactly one FILE");
  auto type = a.get("type");
  if (!type) return usage_error(command, "missing --type");

  session_options opt;
  size_t chunk = default_chunk;
  if (std::string e = apply_reading_options(a, opt, chunk); !e.empty()) return usage_error(command, e);
  if (suggest_only) {
    opt.report.error_csv = false;
    if (auto c = a.get("min-confidence")) {
      char* end = nullptr;
      opt.auto_map_confidence = std::strtod(c->c_str(), &end);
      if (end == c->c_str() || *end != '\0') return usage_error(command, "--min-confidence must be a number");
    }
  } else {
    auto mode = a.get("mode");
    if (!mode) return usage_error(command, "missing --mode (validate, store or update)");
    auto m = parse_mode(*mode);
    if (!m) return usage_error(command, "unknown mode \"" + *mode + "\" (expected validate, store or update)");
    opt.mode = *m;
    if (auto v = a.get("laravel")) {
      if (*v == "9") opt.wording = laravel_version::v9;
      else if (*v == "10") opt.wording = laravel_version::v10;
      else return usage_error(command, "--laravel must be 9 or 10");
    }
    if (auto t = a.get("today")) opt.today = *t;
    if (auto path = a.get("mapping")) {
      std::string text, error;
      if (!read_small_file(*path, text, error)) return usage_error(command, error);
      auto spec = parse_mapping_json(text, fs::path(*path).filename().string());
      if (!spec.ok()) return usage_error(command, spec.error().message);
      opt.mapping = std::move(spec).value();
    }
    for (const std::string& c : a.all("constant")) {
      auto eq = c.find('=');
      if (eq == std::string::npos || eq == 0) return usage_error(command, "--constant must look like field=value");
      opt.constants.emplace_back(c.substr(0, eq), c.substr(eq + 1));
    }
    uint64_t n = 0;
    if (auto r = a.get("batch-rows")) {
      if (!parse_count(*r, n) || n > 0xFFFFFFFFu) return usage_error(command, "--batch-rows must be a positive number");
      opt.batch.max_rows = static_cast<uint32_t>(n);
    }
    if (auto b = a.get("batch-bytes")) {
      if (!parse_count(*b, n)) return usage_error(command, "--batch-bytes must be a positive number");
      opt.batch.max_bytes = n;
    }
    opt.batches = a.has("batches");
    opt.report.error_csv = a.has("errors-csv");
  }

  schema_registry reg;
  std::string error;
  if (!load_registry(a, reg, error)) return usage_error(command, error);
  input_file in;
  if (!in.open(a.positional[0], error)) return usage_error(command, error);
  opt.file_name = in.name();

  std::ofstream errors_out;
  if (auto path = a.get("errors-csv")) {
    errors_out.open(*path, std::ios::binary | std::ios::trunc);
    if (!errors_out) return usage_error(command, "cannot write " + *path + ": " + std::strerror(errno));
  }
  std::optional<batch_sink> batches;
  if (auto dir = a.get("batches")) {
    std::error_code ec;
    fs::create_directories(*dir, ec);
    if (ec) return usage_error(command, "cannot create " + *dir + ": " + ec.message());
    batches.emplace(*dir);
  }

  auto opened = session::open(reg, *type, opt);
  if (!opened.ok()) return usage_error(command, opened.error().message);
  session s = std::move(opened).value();

  auto flush_outputs = [&]() -> bool {
    if (errors_out.is_open()) {
      const std::string csv = s.take_error_csv();
      errors_out.write(csv.data(), static_cast<std::streamsize>(csv.size()));
    }
    return !batches || batches->drain(s, error);
  };

  status st;
  for (;;) {
    std::string_view bytes = in.read(chunk);
    if (bytes.empty()) {
      if (in.failed()) return usage_error(command, "read error on " + a.positional[0]);
      st = s.finish();
      break;
    }
    st = s.feed(bytes);
    if (!st.ok()) break;
    if (!flush_outputs()) return usage_error(command, error);
    if (suggest_only && s.progress().mapping_ready) break;
  }

  if (suggest_only) {
    if (!s.progress().mapping_ready) {
      std::cerr << "preflight suggest: " << st.message << "\n";
      return exit_unusable;
    }
    std::cout << s.suggestions_json() << "\n";
    return exit_clean;
  }
  if (!flush_outputs()) return usage_error(command, error);
  std::cout << s.summary_json(a.has("compact") ? 0 : 2) << "\n";
  if (!st.ok()) {
    std::cerr << "preflight validate: " << st.message << "\n";
    return exit_unusable;
  }
  if (errors_out.is_open()) {
    errors_out.close();
    if (!errors_out) return usage_error(command, "cannot write the error report");
  }
  return s.result_summary().failed_jobs > 0 ? exit_rows_failed : exit_clean;
}

// ───────────────────────────── parse ─────────────────────────────

const char* parse_help =
    "Usage: preflight parse [options] FILE\n"
    "\n"
    "Prints every row of FILE ('-' for standard input), the header row first, as a JSON array\n"
    "of strings, one row per line. Problems (unterminated quotes, oversized rows, bad bytes)\n"
    "are reported on standard error with their line; the exit status is then 1.\n"
    "\n"
    "  --encoding, --delimiter, --chunk-size as for validate\n";

int cmd_parse(int argc, char** argv) {
  auto a = cli::parse_args(argc, argv, 2, reading_options);
  if (a.has("help")) return std::cout << parse_help, exit_clean;
  if (!a.error.empty()) return usage_error("parse", a.error);
  if (a.positional.size() != 1) return usage_error("parse", a.positional.empty() ? "missing FILE" : "give exactly one FILE");
  session_options opt;
  size_t chunk = default_chunk;
  if (std::string e = apply_reading_options(a, opt, chunk); !e.empty()) return usage_error("parse", e);
  std::string error;
  input_file in;
  if (!in.open(a.positional[0], error)) return usage_error("parse", error);

  reader_options ro;
  ro.forced_encoding = opt.forced_encoding;
  ro.dialect = opt.dialect;
  reader rd(ro);
  int exit_code = exit_clean;
  std::string line;
  reader_row r;
  auto drain = [&]() {
    while (rd.next(r)) {
      const csv_row& row = r.row;
      line.clear();
      line.push_back('[');
      for (size_t i = 0; i < row.fields.size(); ++i) {
        if (i) line.push_back(',');
        append_json_string(line, row.fields[i]);
      }
      line.append("]\n");
      std::fwrite(line.data(), 1, line.size(), stdout);
      if (row.problem != row_problem::none) {
        std::cerr << in.name() << ": line " << row.line << ": " << row_problem_name(row.problem);
        if (row.problem == row_problem::unterminated_quote) std::cerr << " (quote opened on line " << row.problem_line << ")";
        std::cerr << "\n";
        exit_code = exit_rows_failed;
      }
      for (const decode_issue& i : r.issues) {
        std::cerr << in.name() << ": line " << row.line << ", byte " << i.original_offset << ": "
                  << decode_issue_name(i.kind) << "\n";
        exit_code = exit_rows_failed;
      }
    }
  };
  for (;;) {
    std::string_view bytes = in.read(chunk);
    if (bytes.empty()) {
      if (in.failed()) return usage_error("parse", "read error on " + a.positional[0]);
      break;
    }
    rd.feed(bytes);
    drain();
  }
  rd.finish();
  drain();
  std::fflush(stdout);
  return exit_code;
}

const char* main_help =
    "preflight — check a CRM import file before upload.\n"
    "\n"
    "Usage: preflight COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  types      list the import types and their fields\n"
    "  suggest    suggest a mapping from a file's headers and first rows\n"
    "  validate   check every row; print the summary; write the error report and batches\n"
    "  parse      print every row as a JSON array of strings\n"
    "\n"
    "Run 'preflight COMMAND --help' for a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    std::cerr << main_help;
    return exit_unusable;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") return std::cout << main_help, exit_clean;
  if (command == "--version") return std::cout << "preflight " << engine_version << "\n", exit_clean;
  if (command == "types") return cmd_types(argc, argv);
  if (command == "suggest") return run_validate(argc, argv, true);
  if (command == "validate") return run_validate(argc, argv, false);
  if (command == "parse") return cmd_parse(argc, argv);
  std::cerr << "preflight: unknown command \"" << command << "\"\n\n" << main_help;
  return exit_unusable;
}
