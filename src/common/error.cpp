#include "common/error.hpp"

#include <fmt/format.h>

namespace cosa {

std::string describe(const SourceLocation& where) {
  std::string text = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) {
    text += fmt::format(":{}", where.line);
    if (where.column > 0) text += fmt::format(":{}", where.column);
  }
  return text;
}

static std::string formatInputError(const SourceLocation& where, const std::string& field,
                                    const std::string& reason) {
  if (field.empty()) return fmt::format("{}: {}", describe(where), reason);
  return fmt::format("{}: {}: {}", describe(where), field, reason);
}

InputError::InputError(SourceLocation where, std::string field, std::string reason)
    : std::runtime_error(formatInputError(where, field, reason)),
      where_(std::move(where)),
      field_(std::move(field)),
      reason_(std::move(reason)) {}

}  // namespace cosa
