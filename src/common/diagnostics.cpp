#include "common/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace cosa {

std::string Warning::text() const { return fmt::format("{}: {}", describe(where), message); }

void Warnings::add(SourceLocation where, std::string message) {
  items_.push_back({std::move(where), std::move(message)});
}

bool Warnings::contains(std::string_view fragment) const {
  return std::any_of(items_.begin(), items_.end(),
                     [&](const Warning& w) { return w.text().find(fragment) != std::string::npos; });
}

int editDistance(std::string_view a, std::string_view b) {
  std::vector<int> previous(b.size() + 1);
  std::vector<int> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

namespace {

// Case and separators ('-', '_') do not count: `word_bits` is a near-miss of `word-bits`.
std::string normalized(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

std::optional<std::string> closestName(std::string_view name, const std::vector<std::string>& known) {
  const std::string key = normalized(name);
  std::optional<std::string> best;
  int best_distance = 0;
  for (const std::string& candidate : known) {
    if (candidate == name) continue;
    const std::string other = normalized(candidate);
    const int distance = editDistance(key, other);
    const int allowed = std::max<int>(1, static_cast<int>(std::max(key.size(), other.size())) / 3);
    if (distance > allowed) continue;
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string didYouMean(std::string_view name, const std::vector<std::string>& known) {
  auto nearest = closestName(name, known);
  return nearest ? fmt::format(" (did you mean '{}'?)", *nearest) : std::string();
}

}  // namespace cosa
