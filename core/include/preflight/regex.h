// regex.h — a small, safe regular-expression engine for the `regex:` rule.
//
// Laravel's `regex:/pattern/flags` runs PCRE. std::regex is slow, throws, and behaves
// differently across standard libraries, so the core carries its own engine for the PCRE
// subset that validation patterns use: literals and escapes (\d \D \w \W \s \S \. \/
// a doubled backslash, \t \n \xHH), `.`, classes `[a-z0-9_]` with negation and escapes, anchors
// `^ $ \A \z \b \B`, groups `( )` and `(?: )`, alternation `|`, and greedy or lazy
// quantifiers `* + ? {m} {m,} {m,n}`. Flags: i (ASCII case-insensitive), u (UTF-8 aware
// `.` and classes), x is refused. Anything else (backreferences, lookaround, possessive
// quantifiers) is a compile error naming the position — never undefined behaviour.
//
// Matching is a backtracking VM with a step budget, so a catastrophic pattern ends in a
// "too complex" failure instead of a hang.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "preflight/error.h"

namespace preflight {

class regex {
 public:
  /// Compiles a Laravel rule parameter: "/^[A-Z]{2}\d{6}$/i" (delimiter `/` or `#` or `~`).
  static result<regex> compile(std::string_view delimited_pattern);

  /// Like preg_match: true when the pattern matches anywhere in `s` (anchors restrict).
  /// When the step budget runs out, returns false and sets *too_complex if given.
  [[nodiscard]] bool search(std::string_view s, bool* too_complex = nullptr) const noexcept;

  [[nodiscard]] const std::string& source() const noexcept;

  regex(regex&&) noexcept;
  regex& operator=(regex&&) noexcept;
  regex(const regex&);
  regex& operator=(const regex&);
  ~regex();

 private:
  struct program;
  explicit regex(std::unique_ptr<program> p);
  std::unique_ptr<program> prog_;
};

}  // namespace preflight
