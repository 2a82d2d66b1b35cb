#pragma once
#include <string>

namespace cosa {

// The whole file as text. Throws InputError naming the file when it cannot be read.
std::string readTextFile(const std::string& path);

}  // namespace cosa
