#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cosa {

// A whole JSON file. Throws InputError naming the file when it cannot be read or is not JSON.
nlohmann::json readJsonFile(const std::string& path);

// The file's text, or nothing when there is no readable file at `path` (an optional output).
std::optional<std::string> readTextFileIfPresent(const std::string& path);

}  // namespace cosa
