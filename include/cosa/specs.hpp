#pragma once
// The inputs of cosa, as Timeloop writes them: an architecture, a problem (one layer), a mapspace
// (constraints) and a mapping. Each loads from files or from YAML text and is a cheap-to-copy,
// immutable value (shared implementation). Loading throws cosa::api::InputError on bad input;
// warnings (attributes cosa ignores, with file:line) are kept on the value.

#include <memory>
#include <string>
#include <vector>

#include "cosa/error.hpp"

namespace cosa::api {

namespace detail {
struct ArchitectureImpl;
struct ProblemImpl;
struct MapspaceImpl;
struct MappingImpl;
}  // namespace detail

class Architecture {
 public:
  // One or more files (YAML or libconfig .cfg), merged as timeloop-model merges its inputs, e.g.
  // an Accelergy tree plus its component files.
  static Architecture load(const std::vector<std::string>& paths);
  static Architecture load(const std::string& path) { return load(std::vector<std::string>{path}); }
  // A document holding `architecture:` (or `arch:`); `name` names it in messages.
  static Architecture fromYaml(const std::string& text, const std::string& name = "<architecture>");

  std::string name() const;
  std::vector<std::string> levels() const;  // storage levels, innermost first
  // As Timeloop's legacy architecture YAML (the form timeloop-model reads), and saved as such
  // (atomically; std::runtime_error when the file cannot be written).
  std::string yaml() const;
  void save(const std::string& path) const;
  const std::vector<std::string>& warnings() const;
  const detail::ArchitectureImpl& impl() const { return *impl_; }

  explicit Architecture(std::shared_ptr<const detail::ArchitectureImpl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const detail::ArchitectureImpl> impl_;
};

class Problem {
 public:
  static Problem load(const std::vector<std::string>& paths);
  static Problem load(const std::string& path) { return load(std::vector<std::string>{path}); }
  // A document holding `problem:`.
  static Problem fromYaml(const std::string& text, const std::string& name = "<problem>");

  std::string name() const;
  std::vector<std::string> dimensions() const;
  std::vector<long long> bounds() const;  // one per dimension
  const std::vector<std::string>& warnings() const;
  const detail::ProblemImpl& impl() const { return *impl_; }

  explicit Problem(std::shared_ptr<const detail::ProblemImpl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const detail::ProblemImpl> impl_;
};

// Mapspace and architecture constraints. They name levels, dimensions and data spaces, so they are
// read (and checked) against an architecture and a problem when used; check() does so up front.
class Mapspace {
 public:
  static Mapspace load(const std::vector<std::string>& paths);
  static Mapspace load(const std::string& path) { return load(std::vector<std::string>{path}); }
  // A document holding `mapspace:`/`mapspace_constraints:` and/or `architecture_constraints:`.
  static Mapspace fromYaml(const std::string& text, const std::string& name = "<mapspace>");

  // Throws InputError when the constraints do not fit this architecture and problem.
  void check(const Architecture& arch, const Problem& problem) const;
  const detail::MapspaceImpl& impl() const { return *impl_; }

  explicit Mapspace(std::shared_ptr<const detail::MapspaceImpl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const detail::MapspaceImpl> impl_;
};

// A Timeloop mapping. Like constraints, it is read against an architecture and a problem when
// evaluated; one made by the scheduler is already resolved.
class Mapping {
 public:
  static Mapping load(const std::string& path);
  // A document holding `mapping:`.
  static Mapping fromYaml(const std::string& text, const std::string& name = "<mapping>");

  // Timeloop mapping YAML: as written by cosa for a scheduled mapping (timeloop-model accepts it),
  // the text read otherwise.
  const std::string& yaml() const;
  void save(const std::string& path) const;  // yaml(), atomically
  const detail::MappingImpl& impl() const { return *impl_; }
  explicit Mapping(std::shared_ptr<const detail::MappingImpl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const detail::MappingImpl> impl_;
};

// Names of the bundled networks (`resnet50`, `alexnet`, ...).
std::vector<std::string> builtinNetworks();

}  // namespace cosa::api
