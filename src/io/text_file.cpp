#include "io/text_file.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace cosa {

std::string readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, 0}, "", "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace cosa
