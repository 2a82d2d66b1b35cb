#pragma once
// A sweep point's architecture: the base architecture with the point's parameter values set on
// their targets' attributes.

#include "app/sweep_points.hpp"
#include "arch/architecture.hpp"
#include "io/sweep/sweep_spec.hpp"

namespace cosa::app {

// The base architecture with a point's overrides. Throws std::invalid_argument when a value does
// not fit its attribute (e.g. a fractional instance count); the combination's consistency (e.g.
// instances that do not divide) is checked when the written file is read back.
Architecture applyOverrides(const SweepDefinition& spec, const Architecture& base, const SweepPoint& point);

}  // namespace cosa::app
