#pragma once
// Typed access to YAML nodes that reports errors with file, line, column and the field's path.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace cosa {

// A YAML node plus where it came from: the file and the dotted path of keys that led to it.
class YamlView {
 public:
  YamlView(YAML::Node node, std::string file, std::string path);

  // Parses a whole file; malformed YAML becomes an InputError naming the file and position.
  static YamlView loadFile(const std::string& path);
  static YamlView loadString(const std::string& text, const std::string& name);

  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  SourceLocation location() const;

  bool isMap() const { return node_.IsMap(); }
  bool isSequence() const { return node_.IsSequence(); }
  bool isScalar() const { return node_.IsScalar(); }
  bool has(std::string_view key) const;

  // Child access; `get` throws when the key is missing.
  YamlView get(std::string_view key) const;
  std::optional<YamlView> find(std::string_view key) const;
  // Element access for sequences.
  std::vector<YamlView> elements() const;
  // Map entries in file order.
  std::vector<std::pair<std::string, YamlView>> entries() const;

  // Scalar conversions with type checks.
  std::string asString() const;
  std::int64_t asInt() const;
  double asDouble() const;
  bool asBool() const;
  std::vector<std::string> asStringList() const;  // a sequence of scalars, or one scalar

  // Convenience: optional typed members.
  std::optional<std::int64_t> optInt(std::string_view key) const;
  std::optional<double> optDouble(std::string_view key) const;
  std::optional<std::string> optString(std::string_view key) const;

  // Requires this node to be a map / sequence; throws InputError otherwise.
  const YamlView& expectMap() const;
  const YamlView& expectSequence() const;

  // Reports the first key not in `allowed` as an InputError ("unknown key").
  void checkKeys(std::initializer_list<std::string_view> allowed) const;
  void checkKeys(const std::vector<std::string>& allowed) const;

  [[noreturn]] void fail(const std::string& reason) const;

 private:
  std::string childPath(std::string_view key) const;
  // A map key as text; a list or mapping used as a key (`? [a, b]: 1`) is an InputError.
  std::string keyText(const YAML::Node& key) const;

  YAML::Node node_;
  std::string file_;
  std::string path_;
};

}  // namespace cosa
