#pragma once
#include <cstddef>
#include <functional>

namespace cosa {

// Runs task(0) ... task(count - 1) on up to `jobs` threads (the caller's included), handing out
// indices in order as threads become free. Tasks write their own results; no ordering is implied.
void forEachInParallel(std::size_t count, int jobs, const std::function<void(std::size_t)>& task);

}  // namespace cosa
