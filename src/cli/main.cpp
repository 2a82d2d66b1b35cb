#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"cosa: one-shot schedules for spatial DNN accelerators"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
