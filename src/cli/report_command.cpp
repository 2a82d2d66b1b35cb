// `cosa report DIR [--out FILE]`: (re)generates the HTML report of a `network` or `compare` output
// folder, e.g. after editing or copying it, or for folders written before reports existed.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "report/html_report.hpp"

namespace cosa::cli {

void writeReportOrWarn(const std::string& command, const std::string& dir) {
  try {
    std::cerr << "cosa " << command << ": report in " << writeHtmlReport(dir) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "cosa " << command << ": warning: could not write report.html: " << e.what() << "\n";
  }
}

namespace {

struct ReportCliOptions {
  std::string dir;
  std::string out;
};

}  // namespace

Action registerReport(CLI::App& app) {
  auto o = std::make_shared<ReportCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "report", "Write a self-contained HTML report of a `network` or `compare` output folder");
  sub->add_option("dir", o->dir, "Output folder of `cosa network` or `cosa compare`")->required();
  sub->add_option("--out", o->out, "HTML file to write (default DIR/report.html)");
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    std::cout << writeHtmlReport(o->dir, o->out) << "\n";
    return kExitOk;
  };
}

}  // namespace cosa::cli
