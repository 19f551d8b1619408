// regex.h — a small, safe regular-expression engine for the `regex:` rule.
//
// Laravel's `regex:/pattern/flags` runs PCRE. std::regex is slow, throws, and behaves
// differently across standard libraries, so the core carries its own engine for the PCRE
// subset that validation patterns use: literals and escapes (\d \D \w \W \s \S \h \v \. \/
// \\ \t \n \r \f \e \0 \xHH \x{H..}), `.`, classes `[a-z0-9_]` with negation, escapes and
// POSIX names ([:alpha:]), Unicode properties \p{L} \pN \P{..} (major categories and Nd),
// anchors `^ $ \A \z \Z \b \B`, groups `( )` and `(?: )`, alternation `|`, and greedy or lazy
// quantifiers `* + ? {m} {m,} {m,n}`. Flags: i, u, s, m, D. As in PHP, u means UTF-8 *and*
// Unicode classes (PCRE2_UCP): `.` and classes take whole code points, \d \w \s \b and POSIX
// classes follow Unicode categories, and i folds Latin, Greek and Cyrillic letters. Anything
// else (x and other flags, backreferences, lookaround, named or atomic groups, possessive
// quantifiers, inline flags) is a compile error naming the position, never a silent guess.
//
// Matching is a backtracking VM with a step budget (1,000,000 steps per search, like PHP's
// pcre.backtrack_limit), so a catastrophic pattern ends in a "too complex" failure instead
// of a hang.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "preflight/error.h"

namespace preflight {

class regex {
 public:
  /// Compiles a Laravel rule parameter: "/^[A-Z]{2}\d{6}$/i". Delimiters as in PHP: any
  /// punctuation (`/ # ~ ! @ %` …) or a bracket pair `( ) { } [ ] < >`; `\/` escapes one.
  /// Fails with errc::bad_rule and `regex "<rule>": <problem> at position N`, N being a
  /// 0-based byte offset into the rule text.
  static result<regex> compile(std::string_view delimited_pattern);

  /// Like preg_match: true when the pattern matches anywhere in `s` (anchors restrict).
  /// When the step budget runs out, returns false and sets *too_complex if given (it is
  /// set to false otherwise). With u, a subject that is not valid UTF-8 gives false, as
  /// preg_match's failure does. Const and thread-safe; allocates only for deep searches.
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
