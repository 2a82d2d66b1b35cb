#include "cli/input_options.hpp"

#include <iostream>
#include <set>

namespace cosa::cli {

std::vector<std::string> InputPaths::all() const {
  // Timeloop's order (the order files are given) within each option; an option's files once each.
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto* list : {&arch, &problem, &mapspace, &mapping})
    for (const std::string& path : *list)
      if (seen.insert(path).second) out.push_back(path);
  return out;
}

CLI::Option* addFilesOption(CLI::App& app, const std::string& name, std::vector<std::string>& paths,
                            const std::string& help) {
  return app.add_option(name, paths, help + " (one or more files; YAML or libconfig .cfg)")->expected(1, -1);
}

LoadedInputs::LoadedInputs(std::string command, const InputPaths& paths)
    : command_(std::move(command)), files_(InputFiles::load(paths.all(), warnings_.get())) {}

void LoadedInputs::printWarnings() {
  const auto& items = warnings_->items();
  std::set<std::string> shown;
  for (std::size_t i = 0; i < printed_; ++i) shown.insert(items[i].text());
  for (; printed_ < items.size(); ++printed_) {
    // The same warning again (e.g. per layer of a network) is printed once.
    const std::string text = items[printed_].text();
    if (shown.insert(text).second) std::cerr << "cosa " << command_ << ": warning: " << text << "\n";
  }
}

void LoadedInputs::finish() {
  files_.warnUnusedSections();
  printWarnings();
}

}  // namespace cosa::cli
