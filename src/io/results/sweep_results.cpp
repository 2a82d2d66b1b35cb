#include "io/results/sweep_results.hpp"

#include <fmt/format.h>

namespace cosa {

std::string parameterText(double value) { return fmt::format("{}", value); }

}  // namespace cosa
