#pragma once
#include <string>

namespace cosa {

// Writes `content` to `path` through a temporary file in the same folder and a rename, so a
// reader never sees a half-written file. Throws std::runtime_error naming the path on failure.
void writeFileAtomically(const std::string& path, const std::string& content);

// `name` with every character that is unsafe in a file name replaced by '_'.
std::string fileSafeName(std::string name);

}  // namespace cosa
