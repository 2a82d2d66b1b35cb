#pragma once
// cosa's public C++ API: #include <cosa/cosa.hpp>. Link cosa::core for specs and evaluate, and
// cosa::scheduler for schedule, scheduleNetwork, compareJson and the sweeps (see docs/python.md, "C++ API").

#include "cosa/error.hpp"
#include "cosa/evaluate.hpp"
#include "cosa/schedule.hpp"
#include "cosa/specs.hpp"
#include "cosa/sweep.hpp"
#include "cosa/version.hpp"
