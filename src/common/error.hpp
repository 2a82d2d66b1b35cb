#pragma once
// Errors for bad input. Every message names where (file, line, column), what (field) and why.

#include <stdexcept>
#include <string>

namespace cosa {

struct SourceLocation {
  std::string file;  // empty when the input did not come from a file
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
};

// Bad user input (malformed YAML, unknown keys, wrong types, impossible sizes). CLI exit code 2.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string field, std::string reason);

  const SourceLocation& where() const { return where_; }
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  SourceLocation where_;
  std::string field_;
  std::string reason_;
};

// "file:line:col" (parts omitted when unknown).
std::string describe(const SourceLocation& where);

}  // namespace cosa
