#pragma once
// What the public API's values hold: the internal types (src/) behind include/cosa/. Not installed.

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "arch/architecture.hpp"
#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "cosa/error.hpp"
#include "cosa/specs.hpp"
#include "io/yaml/input_files.hpp"
#include "mapping/constraints.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "workload/workload.hpp"

namespace cosa::api {

namespace detail {

// Input files with the warnings their readers add (InputFiles points at them, so they live together).
struct SourceFiles {
  std::unique_ptr<Warnings> warnings = std::make_unique<Warnings>();
  InputFiles files;

  static std::shared_ptr<SourceFiles> load(const std::vector<std::string>& paths);
  static std::shared_ptr<SourceFiles> fromYaml(const std::string& text, const std::string& name);
  std::vector<std::string> warningTexts() const;
};

struct ArchitectureImpl {
  cosa::Architecture arch;
  std::string label;  // the first file, shown when the architecture has no name
  std::vector<std::string> warnings;
};

struct ProblemImpl {
  Workload workload;
  std::vector<std::string> warnings;
};

// Constraints and mappings are read from their documents at each use, which adds warnings and marks
// sections used: one reader at a time, as one value may be used from several threads (the Python
// module releases the GIL while it schedules).
struct MapspaceImpl {
  std::shared_ptr<SourceFiles> source;
  std::unique_ptr<std::mutex> reading = std::make_unique<std::mutex>();
};

struct MappingImpl {
  std::string yaml;
  std::shared_ptr<SourceFiles> source;  // read against an architecture and a problem when used
  std::unique_ptr<std::mutex> reading = std::make_unique<std::mutex>();
};

}  // namespace detail

// Runs `body`, turning the library's bad-input errors into api::InputError (the CLI treats every
// std::invalid_argument as bad input too: exit code 2).
template <class Body>
auto translatingErrors(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const api::InputError&) {
    throw;
  } catch (const cosa::InputError& e) {
    throw api::InputError(e.what(), e.where().file, e.where().line, e.where().column, e.field(), e.reason());
  } catch (const std::invalid_argument& e) {
    throw api::InputError(e.what(), "", 0, 0, "", e.what());
  }
}

// The constraints of `mapspace` for one layer (none when absent).
Constraints constraintsFor(const std::optional<Mapspace>& mapspace, const cosa::Architecture& arch,
                           const Workload& workload);
// Energies from an ERT file, else the built-in model.
EnergyTable energyTableFor(const std::string& ert, const cosa::Architecture& arch);

}  // namespace cosa::api
