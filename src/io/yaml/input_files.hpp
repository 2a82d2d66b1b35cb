#pragma once
// The input files of one run, read as Timeloop 019f107 reads its command line: timeloop-model and
// timeloop-mapper concatenate all their input files into one document, so any file may hold any
// top-level section (`arch`, `problem`, `mapspace`, `mapping`, ...), a design may be split over
// several files (architecture, Accelergy components, two constraint files, the layer), and one file
// may hold everything. Where two files give the same section, the first wins (yaml-cpp keeps the
// first of repeated keys); cosa warns about the one it ignores.
//
// Files whose name ends in `.cfg` are libconfig, as Timeloop reads them (translated to YAML with
// line numbers kept); every other file is YAML.

#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostics.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa {

class InputFiles {
 public:
  // Reads every file, in order; malformed input is an InputError naming the file and position, and
  // so is an empty file (only whitespace, comments or null): "the file is empty ...".
  // `warnings` (optional, not owned, must outlive this object) receives the readers' warnings.
  static InputFiles load(const std::vector<std::string>& paths, Warnings* warnings = nullptr);
  // One document already parsed (its sections are the top-level keys of `root`); a null root is
  // the empty-file InputError.
  static InputFiles fromRoot(const YamlView& root);
  // One document given as text (e.g. by the API or Python), named `name` in errors and warnings.
  static InputFiles fromText(const std::string& text, const std::string& name, Warnings* warnings = nullptr);

  // The same files with `first` (a subset, by path) looked up before the others: a section given
  // explicitly for one role (e.g. `--problem`) wins over the same section in another role's file.
  InputFiles preferring(const std::vector<std::string>& first) const;

  // The top-level `key` of the first file that has it (a null value counts as absent).
  std::optional<YamlView> section(std::string_view key) const;
  // The first of `keys` that some file has (key order first, as Timeloop's `arch` else
  // `architecture`).
  std::optional<YamlView> section(std::initializer_list<std::string_view> keys) const;
  bool has(std::string_view key) const;

  // One document holding every section (the first of repeated ones), for readers that need a
  // whole document (Timeloop v0.4 specifications: variables, constraints inside the tree). With
  // several files its name lists them; nodes keep their own line numbers.
  YamlView merged() const;
  // Marks a section as read by a reader that took the merged() document.
  void markUsed(std::string_view key) const { used_->insert(std::string(key)); }

  // An error for a missing section, naming the files searched.
  [[noreturn]] void failMissing(const std::string& what) const;

  // One warning per top-level section that no reader asked for (Timeloop's `mapper`, Accelergy's
  // `compound_components`, ...), with what it is when cosa knows.
  void warnUnusedSections() const;

  const std::vector<YamlView>& roots() const { return roots_; }
  Warnings* warnings() const { return warnings_; }

 private:
  std::vector<YamlView> roots_;
  Warnings* warnings_ = nullptr;
  // Sections read and sections already warned about, shared by the copies preferring() makes.
  std::shared_ptr<std::set<std::string>> used_ = std::make_shared<std::set<std::string>>();
};

// libconfig text (Timeloop's `.cfg`) as an equivalent YAML flow document, line for line. Throws
// InputError (naming `name`) on an unterminated string or comment.
std::string libconfigToYaml(const std::string& text, const std::string& name);

}  // namespace cosa
