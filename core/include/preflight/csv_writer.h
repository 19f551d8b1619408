// csv_writer.h — writing CSV cells and rows (RFC 4180), shared by the batches and the
// error report.
//
// Two policies:
// - `exact`: what goes to the CRM. Quotes a cell only when it must (delimiter, quote,
//   CR, LF, leading/trailing space); values are never altered.
// - `neutralised`: what a person opens in a spreadsheet (the error report). Every cell
//   is quoted, and a cell whose first byte is = + - @ TAB CR LF or NUL gets a leading
//   apostrophe so a spreadsheet shows it as text instead of running it (OWASP CSV
//   injection; ASVS 1.2.10). Only the first byte is tested — never a whole-value regex,
//   which misses multi-line values.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace preflight {

enum class csv_cell_policy : uint8_t { exact, neutralised };

/// Appends one cell (no delimiter) to `out`.
void append_csv_cell(std::string& out, std::string_view cell, csv_cell_policy policy, char delimiter = ',');

/// Appends cells joined by `delimiter` and ended by `line_end` ("\r\n" or "\n").
void append_csv_row(std::string& out, std::span<const std::string_view> cells, csv_cell_policy policy,
                    char delimiter = ',', std::string_view line_end = "\r\n");

/// True when a spreadsheet could take the cell for a formula (the neutralising test).
bool is_formula_trigger(std::string_view cell) noexcept;

}  // namespace preflight
