#include <fstream>
#include <optional>
#include <sstream>

#include "api/internal.hpp"
#include "io/atomic_file.hpp"
#include "io/network/network_yaml.hpp"
#include "io/text_file.hpp"
#include "io/timeloop/arch_writer.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/ert.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "io/yaml/yaml_util.hpp"
#include "workload/network.hpp"

namespace cosa::api {

namespace detail {

std::shared_ptr<SourceFiles> SourceFiles::load(const std::vector<std::string>& paths) {
  auto source = std::make_shared<SourceFiles>();
  source->files = InputFiles::load(paths, source->warnings.get());
  return source;
}

std::shared_ptr<SourceFiles> SourceFiles::fromYaml(const std::string& text, const std::string& name) {
  auto source = std::make_shared<SourceFiles>();
  source->files = InputFiles::fromText(text, name, source->warnings.get());
  return source;
}

std::vector<std::string> SourceFiles::warningTexts() const {
  std::vector<std::string> texts;
  for (const Warning& w : warnings->items()) texts.push_back(w.text());
  return texts;
}

}  // namespace detail

namespace {

Architecture makeArchitecture(const detail::SourceFiles& source, const std::string& label) {
  auto impl = std::make_shared<detail::ArchitectureImpl>();
  impl->arch = loadArchitecture(source.files);
  impl->label = label;
  impl->warnings = source.warningTexts();
  return Architecture(impl);
}

Problem makeProblem(const detail::SourceFiles& source) {
  auto impl = std::make_shared<detail::ProblemImpl>();
  impl->workload = loadProblem(source.files);
  impl->warnings = source.warningTexts();
  return Problem(impl);
}

}  // namespace

Architecture Architecture::load(const std::vector<std::string>& paths) {
  return translatingErrors([&] {
    return makeArchitecture(*detail::SourceFiles::load(paths), paths.empty() ? "" : paths.front());
  });
}

Architecture Architecture::fromYaml(const std::string& text, const std::string& name) {
  return translatingErrors(
      [&] { return makeArchitecture(*detail::SourceFiles::fromYaml(text, name), name); });
}

std::string Architecture::name() const { return impl_->arch.name; }

std::vector<std::string> Architecture::levels() const {
  std::vector<std::string> names;
  for (const StorageLevel& level : impl_->arch.levels) names.push_back(level.name);
  return names;
}

const std::vector<std::string>& Architecture::warnings() const { return impl_->warnings; }

std::string Architecture::yaml() const { return architectureYaml(impl_->arch); }

void Architecture::save(const std::string& path) const { writeFileAtomically(path, yaml()); }

Problem Problem::load(const std::vector<std::string>& paths) {
  return translatingErrors([&] { return makeProblem(*detail::SourceFiles::load(paths)); });
}

Problem Problem::fromYaml(const std::string& text, const std::string& name) {
  return translatingErrors([&] { return makeProblem(*detail::SourceFiles::fromYaml(text, name)); });
}

std::string Problem::name() const { return impl_->workload.name; }
std::vector<std::string> Problem::dimensions() const { return impl_->workload.dimensions; }

std::vector<long long> Problem::bounds() const {
  return {impl_->workload.bounds.begin(), impl_->workload.bounds.end()};
}

const std::vector<std::string>& Problem::warnings() const { return impl_->warnings; }

Mapspace Mapspace::load(const std::vector<std::string>& paths) {
  return translatingErrors([&] {
    auto impl = std::make_shared<detail::MapspaceImpl>();
    impl->source = detail::SourceFiles::load(paths);
    if (!hasConstraints(impl->source->files))
      (void)parseConstraints(impl->source->files, cosa::Architecture{}, Workload{});  // names what is missing
    return Mapspace(impl);
  });
}

Mapspace Mapspace::fromYaml(const std::string& text, const std::string& name) {
  return translatingErrors([&] {
    auto impl = std::make_shared<detail::MapspaceImpl>();
    impl->source = detail::SourceFiles::fromYaml(text, name);
    if (!hasConstraints(impl->source->files))
      (void)parseConstraints(impl->source->files, cosa::Architecture{}, Workload{});
    return Mapspace(impl);
  });
}

void Mapspace::check(const Architecture& arch, const Problem& problem) const {
  (void)translatingErrors([&] { return constraintsFor(*this, arch.impl().arch, problem.impl().workload); });
}

Mapping Mapping::load(const std::string& path) {
  return translatingErrors([&] {
    auto impl = std::make_shared<detail::MappingImpl>();
    impl->source = detail::SourceFiles::load({path});
    impl->yaml = readTextFile(path);
    return Mapping(impl);
  });
}

Mapping Mapping::fromYaml(const std::string& text, const std::string& name) {
  return translatingErrors([&] {
    auto impl = std::make_shared<detail::MappingImpl>();
    impl->source = detail::SourceFiles::fromYaml(text, name);
    impl->yaml = text;
    return Mapping(impl);
  });
}

const std::string& Mapping::yaml() const { return impl_->yaml; }

void Mapping::save(const std::string& path) const { writeFileAtomically(path, yaml()); }

std::vector<std::string> builtinNetworks() { return builtinNetworkNames(); }

Constraints constraintsFor(const std::optional<Mapspace>& mapspace, const cosa::Architecture& arch,
                           const Workload& workload) {
  if (!mapspace) return Constraints{};
  std::lock_guard lock(*mapspace->impl().reading);
  return parseConstraints(mapspace->impl().source->files, arch, workload);
}

EnergyTable energyTableFor(const std::string& ert, const cosa::Architecture& arch) {
  return ert.empty() ? builtinEnergyTable(arch) : loadErt(ert, arch);
}

}  // namespace cosa::api
