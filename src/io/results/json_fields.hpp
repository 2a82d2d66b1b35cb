#pragma once
// Typed access to the members of one JSON object read from a file: a missing or mistyped value is
// an InputError naming the file and the field's path (e.g. "summary.json: per_layer[0].cycles:
// expected a number, got string").

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "common/error.hpp"

namespace cosa {

class JsonFields {
 public:
  // `context` is the object's path in the file ("" for the root).
  JsonFields(const nlohmann::json& object, std::string file, std::string context)
      : object_(object), file_(std::move(file)), context_(std::move(context)) {
    if (!object_.is_object()) throw InputError({file_, 0, 0}, context_, "expected an object");
  }

  // The member's value; nothing when it is absent or null.
  template <class T>
  std::optional<T> optional(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    // nlohmann converts between number kinds silently but not between numbers, strings and bools.
    const bool type_ok = std::is_same_v<T, std::string> ? it->is_string()
                         : std::is_same_v<T, bool>      ? it->is_boolean()
                                                        : it->is_number();
    if (!type_ok) throw error(key, fmt::format("expected {}, got {}", expectedType<T>(), it->type_name()));
    return it->template get<T>();
  }

  template <class T>
  T get(const char* key) const {
    const std::optional<T> value = optional<T>(key);
    if (!value) throw error(key, "missing");
    return *value;
  }

  template <class T>
  T get(const char* key, T fallback) const {
    return optional<T>(key).value_or(std::move(fallback));
  }

  // An array member; empty when absent.
  const nlohmann::json& array(const char* key) const {
    static const nlohmann::json empty = nlohmann::json::array();
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return empty;
    if (!it->is_array()) throw error(key, fmt::format("expected an array, got {}", it->type_name()));
    return *it;
  }

  // An object member; null when absent.
  const nlohmann::json* object(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    if (!it->is_object()) throw error(key, fmt::format("expected an object, got {}", it->type_name()));
    return &*it;
  }

  std::string path(const std::string& key) const { return context_.empty() ? key : context_ + "." + key; }
  const std::string& file() const { return file_; }

 private:
  template <class T>
  static const char* expectedType() {
    if constexpr (std::is_same_v<T, std::string>)
      return "a string";
    else if constexpr (std::is_same_v<T, bool>)
      return "true or false";
    else
      return "a number";
  }

  InputError error(const char* key, const std::string& reason) const {
    return InputError({file_, 0, 0}, path(key), reason);
  }

  const nlohmann::json& object_;
  std::string file_;
  std::string context_;
};

}  // namespace cosa
