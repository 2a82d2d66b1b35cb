#pragma once

namespace cosa::api {
// The release, e.g. "0.1.0".
const char* version();
}  // namespace cosa::api
