#pragma once
// Typed access to YAML nodes that reports errors with file, line, column and the field's path.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/error.hpp"

namespace cosa {

// A YAML node plus where it came from: the file and the dotted path of keys that led to it.
class YamlView {
 public:
  // `warnings` (optional, not owned) receives the warnings of this node and of every node reached
  // from it; it must outlive them.
  YamlView(YAML::Node node, std::string file, std::string path, Warnings* warnings = nullptr);
  YamlView(const YamlView&) = default;
  // Rebinds this view. (YAML::Node's own assignment writes through to the node it is bound to,
  // changing the document; reassigning a view, or reordering views, must not.)
  YamlView& operator=(const YamlView& other);

  // Parses a whole file; malformed YAML becomes an InputError naming the file and position.
  // A file with no YAML content (empty, only whitespace or comments, a bare `null`) is an
  // InputError naming it: "the file is empty (only whitespace, comments or null)".
  static constexpr const char* kEmptyFileReason = "the file is empty (only whitespace, comments or null)";
  static YamlView loadFile(const std::string& path, Warnings* warnings = nullptr);
  static YamlView loadString(const std::string& text, const std::string& name, Warnings* warnings = nullptr);

  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  Warnings* warnings() const { return warnings_; }
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

  // Reports the first key not in `allowed` as an InputError ("unknown key", with a "did you mean"
  // for a near-miss).
  void checkKeys(std::initializer_list<std::string_view> allowed) const;
  void checkKeys(const std::vector<std::string>& allowed) const;
  // Keys not in `allowed` are ignored with a warning each ("unknown key 'x' ignored (did you mean
  // 'y'?)"; `what` names the thing, e.g. "attribute"); keys in `known_unused` get `unused_reason`
  // instead of the did-you-mean. Returns the keys ignored.
  std::vector<std::string> warnUnknownKeys(const std::vector<std::string>& allowed, std::string_view what,
                                           const std::vector<std::string>& known_unused = {},
                                           std::string_view unused_reason = "") const;

  // A warning at this node (dropped when the view has no Warnings).
  void warn(const std::string& message) const;
  // A warning at the key `key` of this map (its line), else at this node.
  void warnAtKey(std::string_view key, const std::string& message) const;
  // Where the key `key` of this map is written (this node's location when absent).
  SourceLocation keyLocation(std::string_view key) const;

  [[noreturn]] void fail(const std::string& reason) const;

 private:
  std::string childPath(std::string_view key) const;
  // A map key as text; a list or mapping used as a key (`? [a, b]: 1`) is an InputError.
  std::string keyText(const YAML::Node& key) const;

  YAML::Node node_;
  std::string file_;
  std::string path_;
  Warnings* warnings_ = nullptr;
};

}  // namespace cosa
