#pragma once
// The input-file options of the subcommands, taken as Timeloop takes its input files: `--arch`,
// `--problem`, `--mapspace` and `--mapping` each accept one or more files (YAML, or libconfig
// `.cfg`), and all of them together form one set of sections (io/yaml/input_files.hpp), so one file
// may hold every section and a design may be split over several files (e.g. `--arch arch.yaml
// components/*.yaml`). A section is looked up in its own option's files first, then in the others.
// Warnings (ignored attributes, sections, relaxed constraints) go to stderr as
// "cosa <command>: warning: file:line:col: message".

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "io/yaml/input_files.hpp"

namespace cosa::cli {

struct InputPaths {
  std::vector<std::string> arch;
  std::vector<std::string> problem;
  std::vector<std::string> mapspace;
  std::vector<std::string> mapping;

  std::vector<std::string> all() const;
};

// Registers `--NAME FILE...` (one or more files) for `paths`.
CLI::Option* addFilesOption(CLI::App& app, const std::string& name, std::vector<std::string>& paths,
                            const std::string& help);

// All the files of a command, read once; not copyable (the files point at the warnings).
class LoadedInputs {
 public:
  LoadedInputs(std::string command, const InputPaths& paths);
  LoadedInputs(const LoadedInputs&) = delete;
  LoadedInputs& operator=(const LoadedInputs&) = delete;

  // The sections with `first` (one option's files) looked up before the other files.
  InputFiles preferring(const std::vector<std::string>& first) const { return files_.preferring(first); }
  const InputFiles& files() const { return files_; }
  Warnings& warnings() { return *warnings_; }

  // Prints the warnings not printed yet to stderr.
  void printWarnings();
  // Warns about sections no reader used, then prints.
  void finish();

 private:
  std::string command_;
  std::unique_ptr<Warnings> warnings_ = std::make_unique<Warnings>();
  InputFiles files_;
  std::size_t printed_ = 0;
};

}  // namespace cosa::cli
