#pragma once
// cosa's public C++ API: #include <cosa/cosa.hpp>. Link cosa::core for specs and evaluate, and
// cosa::scheduler for schedule, scheduleNetwork and compareJson (see docs/python.md, "C++ API").

#include "cosa/error.hpp"
#include "cosa/evaluate.hpp"
#include "cosa/schedule.hpp"
#include "cosa/specs.hpp"
#include "cosa/version.hpp"
