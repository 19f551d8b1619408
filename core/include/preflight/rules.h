// rules.h — stage 5: Laravel rule strings compiled once per import, checked per cell.
//
// `rule_set::compile(type, mode, options)` turns every field's rule strings (schema.h) into
// a flat list of `rule`s with their parameters pre-parsed (numbers, other-field indexes,
// enum sets, regex programs, date formats). `rule_set::check_row` then runs them over one
// row's values without allocating: a failure is a `violation` (field, rule index), and its
// Laravel message is rendered only when a report needs the text.
//
// Semantics follow Laravel's Validator:
// - An empty cell is null (ConvertEmptyStringsToNull). A field that is not mapped and has
//   no constant is "not present".
// - Implicit rules (required*, prohibited, present, filled) always run. Other rules are
//   skipped when the field is not present, when its value is whitespace only
//   (presentOrRuleIsImplicit), or when it is null and the field is `nullable`. A null value
//   that is not nullable is still checked (so `string` fails on it, as in Laravel).
// - max/min/between/size compare numbers when the field also has `numeric` or `integer`,
//   and character counts (code points) otherwise; the message variant follows.
// - Every failing rule of a field adds its message, in rule order (no `bail`), unless
//   the field has `bail`, which stops at its first failure. A failed implicit rule always
//   stops its field (shouldStopValidating): "required|string" on an empty cell gives only
//   the required message.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/error.h"
#include "preflight/schema.h"
#include "preflight/values.h"

namespace preflight {

enum class laravel_version : uint8_t { v9, v10 };  ///< message wording: ≤9.x or ≥10.x

enum class rule_kind : uint8_t {
  required, required_if, required_unless, required_with, required_with_all,
  required_without, required_without_all, prohibited, nullable, bail, present, filled,
  string, email, uuid, integer, numeric, boolean, date, date_format, in, not_in,
  max, min, between, size, digits, digits_between, regex, not_regex,
  after, after_or_equal, before, before_or_equal, date_equals,
  distinct,  ///< duplicate key within the file; raised by the session, not by check_row
};
/// The Laravel name of a rule ("required_with"), used in counts by rule. A view of a
/// string literal (so also NUL-terminated).
std::string_view rule_name(rule_kind k) noexcept;

struct rule_options {
  laravel_version wording = laravel_version::v10;
  /// "today" for after:today and friends, as YYYY-MM-DD; empty means the system date.
  std::string today;
};

/// One failed rule on one field of one row.
struct violation {
  uint16_t field;       ///< index into import_type::fields
  uint16_t rule_index;  ///< index into that field's compiled rules
  /// Rule-specific detail for the message: for required_if, which of the rule's values
  /// matched (0 = the first value after the other field's name), so `:value` names it.
  uint16_t detail = 0;
};

class rule_set {
 public:
  /// Compiles the rules in force for `mode`. Fails with bad_rule naming the type, field
  /// and rule: `clients: field "gender": unknown rule "in_list"`, or a bad parameter.
  static result<rule_set> compile(const import_type& type, import_mode mode, const rule_options& options);

  /// Checks one row. `values[i]` is the cell for schema field i (empty = null) and
  /// `present[i]` says whether field i is mapped or has a constant. Violations are
  /// appended to `out`; returns true when the row passes. Allocates nothing once `out`
  /// has capacity.
  bool check_row(std::span<const std::string_view> values, std::span<const uint8_t> present,
                 std::vector<violation>& out) const;

  /// Rows seen column by column, for check_block: row r's cell for schema field f is
  /// `cells[r * row_stride + column_of_field[f]]` when column_of_field[f] >= 0, and
  /// `fixed_values[f]` otherwise (a constant, or nothing). `present` is as for check_row,
  /// the same for every row of an import.
  struct row_block {
    std::span<const std::string_view> cells;
    size_t rows = 0;
    size_t row_stride = 0;
    std::span<const int> column_of_field;
    std::span<const std::string_view> fixed_values;
    std::span<const uint8_t> present;
  };

  /// The fast verdicts of check_row for a block of rows, one field at a time: the same
  /// check runs down a column, so its branches are predicted, where a row at a time jumps
  /// between a dozen checks. Sets bit f of row r's words in `suspects`
  /// (`suspects[r * suspect_words() + f / 64]`, bit f % 64; the words are cleared first)
  /// for every field whose cell the fast verdict does not pass. Rows without a bit set have
  /// no violations; check_fields gives the exact ones of the others. `suspects` must hold
  /// rows * suspect_words() words. Allocates nothing.
  void check_block(const row_block& block, std::span<uint64_t> suspects) const;
  /// Words per row in check_block's `suspects`.
  [[nodiscard]] size_t suspect_words() const noexcept;
  /// check_row's exact path for the fields check_block marked in `row_suspects` (row r's
  /// words; r < block.rows), in field order: appends their violations to `out` and returns
  /// true when there are none. Reads the row where it is in the block (no copy into schema
  /// order).
  bool check_fields(const row_block& block, size_t r, std::span<const uint64_t> row_suspects,
                    std::vector<violation>& out) const;

  /// Laravel's message for a violation, in the configured wording, e.g.
  /// "The send welcome email field is required." Rendered once per (rule, detail) and
  /// kept: the reference stays valid as long as the rule_set. Not thread-safe (one
  /// rule_set per session, as everywhere else).
  [[nodiscard]] const std::string& message(const violation& v) const;
  /// A violation of rule `distinct` on `field` (duplicate key), for the session.
  [[nodiscard]] violation distinct_violation(uint16_t field) const;

  /// The rule kind behind a violation (for counts by rule).
  [[nodiscard]] rule_kind kind(const violation& v) const noexcept;
  /// True when the field carries a bare `required` in this mode: leaving it unmapped
  /// (and without a constant) is an import-level error.
  [[nodiscard]] bool always_required(uint16_t field) const noexcept;
  /// True when the field has numeric or integer (size rules compare numbers).
  [[nodiscard]] bool is_numeric(uint16_t field) const noexcept;

  [[nodiscard]] const import_type& type() const noexcept;
  [[nodiscard]] laravel_version wording() const noexcept;

  rule_set(rule_set&&) noexcept;
  rule_set& operator=(rule_set&&) noexcept;
  ~rule_set();

 private:
  struct impl;
  explicit rule_set(std::unique_ptr<impl> p);
  [[nodiscard]] std::string render_message(const violation& v) const;
  std::unique_ptr<impl> impl_;
};

/// Laravel's attribute display: str_replace('_', ' ', Str::snake($name)).
/// "send_welcome_email" → "send welcome email", "dateOfBirth" → "date of birth".
std::string display_attribute(std::string_view name);

}  // namespace preflight
