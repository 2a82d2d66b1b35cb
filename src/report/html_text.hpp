#pragma once
// Text helpers shared by the self-contained HTML reports (network/compare and sweep).

#include <string>
#include <string_view>

namespace cosa {

// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string escapeHtml(std::string_view text);
// A whole number with thousands separators: 1234567 -> "1,234,567" (rounded to an integer).
std::string thousands(double value);

}  // namespace cosa
