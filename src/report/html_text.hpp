#pragma once
// Text and number helpers shared by the self-contained HTML reports (report/html_kit.hpp).

#include <cstddef>
#include <string>
#include <string_view>

namespace cosa {

// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string escapeHtml(std::string_view text);
// A whole number with thousands separators: 1234567 -> "1,234,567" (rounded to an integer).
std::string thousands(double value);

// At most `max` code points, the middle elided: layer names differ at both ends.
std::string elideMiddle(const std::string& text, std::size_t max);
// Three significant digits without an exponent, for values in [0, 1000): 12.3, 1.23, 123.
std::string threeDigits(double value);
// Three significant digits with k / M / G: 1234567 -> "1.23M".
std::string compact(double value);
// E.g. 4.40e16: three significant digits, a short exponent (none for values in [0.01, 1e6)).
std::string scientific(double value);
// A fraction as a percentage with one decimal (two below 0.1%): 0.004 -> "0.4%".
std::string percent(double fraction);
// A tick value: the shortest exact-looking form (nice steps have few digits).
std::string tickNumber(double value);

// The unit an energy reads best in: pJ, nJ, µJ or mJ.
struct EnergyUnit {
  double pJ;  // picojoules per unit
  const char* name;
};
EnergyUnit energyUnit(double pJ);
// Three significant digits in the energy's unit: 6.5e6 -> "6.50 µJ".
std::string energyText(double pJ);

}  // namespace cosa
