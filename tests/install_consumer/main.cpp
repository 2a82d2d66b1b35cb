// Evaluates one mapping through cosa's public API (core component only) and prints the JSON that
// `cosa evaluate --json` prints for the same files. usage: cosa_evaluate_only ARCH PROBLEM MAPPING
#include <cosa/evaluate.hpp>
#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s ARCH PROBLEM MAPPING\n", argv[0]);
    return 2;
  }
  try {
    const auto arch = cosa::api::Architecture::load(argv[1]);
    const auto problem = cosa::api::Problem::load(argv[2]);
    const auto mapping = cosa::api::Mapping::load(argv[3]);
    const cosa::api::EvaluationResult result = cosa::api::evaluate(arch, problem, mapping);
    std::printf("%s\n", result.json.c_str());
    return result.valid ? 0 : 1;
  } catch (const cosa::api::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
