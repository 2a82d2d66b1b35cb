#pragma once
// The search mapspace's older name, kept for the callers outside the mappers that still use it (the
// constraints fuzz target): it is the factor space.
#include "mappers/factor_space.hpp"

namespace cosa {

using MapSpace = FactorSpace;

}  // namespace cosa
