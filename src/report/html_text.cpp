#include "report/html_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace cosa {

std::string escapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string thousands(double value) {
  const std::string digits = fmt::format("{:.0f}", std::abs(value));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (value < 0 && digits != "0" ? "-" : "") + out;
}

std::string elideMiddle(const std::string& text, std::size_t max) {
  std::vector<std::size_t> starts;  // byte offset of each UTF-8 code point
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() <= max) return text;
  const std::size_t head = (max - 1) / 2, tail = max - 1 - head;
  return text.substr(0, starts[head]) + "\u2026" + text.substr(starts[starts.size() - tail]);
}

std::string threeDigits(double v) {
  const double a = std::abs(v);
  if (a >= 100 || a == 0) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

std::string compact(double value) {
  const double a = std::abs(value);
  if (a < 1e3) return threeDigits(value);
  if (a < 1e6) return threeDigits(value / 1e3) + "k";
  if (a < 1e9) return threeDigits(value / 1e6) + "M";
  if (a < 1e12) return threeDigits(value / 1e9) + "G";
  return fmt::format("{:.3g}", value);
}

std::string scientific(double value) {
  if (value == 0 || !std::isfinite(value)) return fmt::format("{}", value);
  const int exponent = static_cast<int>(std::floor(std::log10(std::abs(value))));
  if (exponent >= -2 && exponent < 6) return threeDigits(value);
  return fmt::format("{:.2f}e{}", value / std::pow(10.0, exponent), exponent);
}

std::string percent(double fraction) {
  const double p = 100 * fraction;
  return (p != 0 && std::abs(p) < 0.1 ? fmt::format("{:.2f}", p) : fmt::format("{:.1f}", p)) + "%";
}

std::string tickNumber(double v) { return fmt::format("{:.6g}", v); }

EnergyUnit energyUnit(double pJ) {
  const double a = std::abs(pJ);
  if (a < 1e3) return {1, "pJ"};
  if (a < 1e6) return {1e3, "nJ"};
  if (a < 1e9) return {1e6, "\u00b5J"};
  return {1e9, "mJ"};
}

std::string energyText(double pJ) {
  const EnergyUnit unit = energyUnit(pJ);
  return threeDigits(pJ / unit.pJ) + " " + unit.name;
}

}  // namespace cosa
