// Timeloop v0.4 specifications (timeloopfe's user form and its processed output): the
// architecture, then, when it reads, the constraints inside it against the exercises' problem
// (built into the target, so mutations reach the constraint reader), the problem in the same
// document, and the text as an arithmetic expression.
#include "fuzz_support.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/yaml/expression.hpp"

namespace {

// timeloop-accelergy-exercises' default_problem.yaml (conv2D: C M R S N P Q), in its v0.4 form.
const cosa::Workload& exercisesProblem() {
  static const cosa::Workload workload = cosa::parseProblem(cosa::YamlView::loadString(
      "problem:\n  version: 0.4\n  instance: {C: 3, M: 32, N: 1, P: 112, Q: 112, R: 3, S: 3, Wstride: 2, "
      "Hstride: 2}\n  shape:\n    name: conv2D\n    dimensions: [C, M, R, S, N, P, Q]\n    coefficients:\n"
      "    - {name: Wstride, default: 1}\n    - {name: Hstride, default: 1}\n    - {name: Wdilation, "
      "default: 1}\n"
      "    - {name: Hdilation, default: 1}\n    data_spaces:\n    - {name: Weights, projection: [[[C]], "
      "[[M]], "
      "[[R]], [[S]]]}\n    - {name: Inputs, projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], [[S, "
      "Hdilation], [Q, Hstride]]]}\n    - {name: Outputs, projection: [[[N]], [[M]], [[Q]], [[P]]], "
      "read_write: "
      "true}\n",
      "<problem>"));
  return workload;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = cosa::fuzz::text(data, size);
  try {
    cosa::evaluateExpression(text, [](std::string_view name) -> std::optional<cosa::ExpressionValue> {
      if (name == "x") return cosa::ExpressionValue{3, true};
      return std::nullopt;
    });
  } catch (const cosa::ExpressionError&) {
  }
  try {
    const cosa::Architecture arch = cosa::parseArchitecture(cosa::fuzz::load(data, size));
    for (int l = 0; l < arch.numLevels(); ++l) arch.fanoutX(l);
    cosa::parseConstraints(cosa::fuzz::load(data, size), arch, exercisesProblem());
  } catch (const cosa::InputError&) {
    // Rejected as bad input: the expected outcome. Anything else escaping is a finding.
  }
  try {
    cosa::parseProblem(cosa::fuzz::load(data, size));
  } catch (const cosa::InputError&) {
  }
  return 0;
}
