#pragma once
// Errors of the public API. Only standard types: nothing here needs a third-party header.

#include <stdexcept>
#include <string>

namespace cosa::api {

// Bad input (unreadable or malformed YAML, unknown names, impossible values, an unknown backend or
// network). what() is the CLI's message: file, line:column, field and reason; the parts are kept
// too (file empty and line/column 0 when unknown).
class InputError : public std::invalid_argument {
 public:
  InputError(const std::string& message, std::string file, int line, int column, std::string field,
             std::string reason)
      : std::invalid_argument(message),
        file_(std::move(file)),
        line_(line),
        column_(column),
        field_(std::move(field)),
        reason_(std::move(reason)) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  int line_ = 0;
  int column_ = 0;
  std::string field_;
  std::string reason_;
};

}  // namespace cosa::api
