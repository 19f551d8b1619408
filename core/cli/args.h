// args.h — a small command-line parser for the preflight CLI: `--name value`,
// `--name=value`, boolean flags, repeatable options and positional arguments. Unknown
// options are errors that name the option, so a typo never passes silently.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace preflight::cli {

struct option_spec {
  std::string name;       ///< without dashes: "type"
  bool takes_value = true;
  bool repeatable = false;
};

struct parsed_args {
  std::map<std::string, std::vector<std::string>> values;  ///< option → values given
  std::set<std::string> flags;                              ///< boolean options given
  std::vector<std::string> positional;
  std::string error;  ///< non-empty when the command line is malformed

  [[nodiscard]] bool has(const std::string& name) const { return flags.count(name) || values.count(name); }
  [[nodiscard]] std::optional<std::string> get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
  [[nodiscard]] std::vector<std::string> all(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
  }
};

/// Parses argv[first..argc). `--help`/`-h` is always accepted as a flag named "help".
inline parsed_args parse_args(int argc, char** argv, int first, const std::vector<option_spec>& specs) {
  parsed_args out;
  auto find = [&](const std::string& name) -> const option_spec* {
    for (const auto& s : specs)
      if (s.name == name) return &s;
    return nullptr;
  };
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-" || arg.size() < 2 || arg[0] != '-') {
      out.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      for (++i; i < argc; ++i) out.positional.emplace_back(argv[i]);
      break;
    }
    if (arg == "-h" || arg == "--help") {
      out.flags.insert("help");
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      out.error = "unknown option " + arg;
      return out;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const option_spec* spec = find(name);
    if (spec == nullptr) {
      out.error = "unknown option --" + name;
      return out;
    }
    if (!spec->takes_value) {
      if (inline_value) {
        out.error = "option --" + name + " takes no value";
        return out;
      }
      out.flags.insert(name);
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      out.error = "option --" + name + " needs a value";
      return out;
    }
    auto& slot = out.values[name];
    if (!slot.empty() && !spec->repeatable) {
      out.error = "option --" + name + " given twice";
      return out;
    }
    slot.push_back(value);
  }
  return out;
}

}  // namespace preflight::cli
