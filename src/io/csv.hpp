#pragma once
#include <string>

namespace cosa {

// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a line
// break; as is otherwise. The only CSV writer's quoting: every CSV file cosa writes uses it.
std::string csvField(const std::string& text);

}  // namespace cosa
