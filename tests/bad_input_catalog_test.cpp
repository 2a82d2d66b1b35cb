// The bad-input catalog: every way users commonly get input wrong, run through the `cosa` binary,
// with the exit code and a fragment of the message each must produce. Nothing may crash, hang or
// print a stack of library internals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using cosa::test::runCosa;
using cosa::test::RunResult;

const fs::path kCase = fs::path(COSA_TEST_DATA_DIR) / "timeloop-model" / "visible" / "case-001";
const fs::path kRepoData = fs::path(COSA_TEST_DATA_DIR) / ".." / ".." / "data";

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("catalog: fragment not found: " + from);
  return text.replace(at, from.size(), to);
}

struct BadInput {
  std::string name;
  std::string command;  // evaluate | schedule | network | compare
  std::string arch;     // file contents (empty: the valid case-001 file)
  std::string problem;
  std::string mapping;
  std::string extra;  // extra command-line arguments; "{dir}" is the case's temp folder
  int exit_code;
  std::string fragment;  // must appear in stderr
};

std::ostream& operator<<(std::ostream& out, const BadInput& b) { return out << b.name; }

std::vector<BadInput> catalog() {
  const std::string arch = readFile(kCase / "arch.yaml");
  const std::string problem = readFile(kCase / "problem.yaml");
  const std::string mapping = readFile(kCase / "map.yaml");
  const std::string big_mapping = readFile(kCase.parent_path() / "case-041" / "map.yaml");
  const std::string big_problem = readFile(kCase.parent_path() / "case-041" / "problem.yaml");
  std::vector<BadInput> c;
  auto evaluate = [&](std::string name, std::string a, std::string p, std::string m, int code,
                      std::string fragment) {
    c.push_back({std::move(name), "evaluate", std::move(a), std::move(p), std::move(m), "", code,
                 std::move(fragment)});
  };
  // Problems.
  evaluate("problem_malformed_yaml", arch, "problem: [C: 3\n", mapping, 2, "malformed YAML");
  evaluate("problem_unknown_key", arch, replaced(problem, "C: 9216", "C: 9216\n  Kay: 3"), mapping, 2,
           "unknown key 'Kay'");
  evaluate("problem_zero_bound", arch, replaced(problem, "K: 4096", "K: 0"), mapping, 2, "problem.K");
  evaluate("problem_negative_bound", arch, replaced(problem, "K: 4096", "K: -4096"), mapping, 2, "problem.K");
  evaluate("problem_huge_bound", arch, replaced(problem, "K: 4096", "K: 99999999999999999999999"), mapping, 2,
           "out of range");
  evaluate("problem_wrong_type", arch, replaced(problem, "K: 4096", "K: many"), mapping, 2,
           "expected an integer");
  evaluate("problem_unknown_shape", arch, replaced(problem, "shape: cnn-layer", "shape: transformer"),
           mapping, 2, "transformer");
  evaluate("problem_missing", arch, "layer: {C: 3}\n", mapping, 2, "problem");
  evaluate("problem_negative_stride", arch, replaced(problem, "Wstride: 1", "Wstride: -2"), mapping, 2,
           "Wstride");
  // An empty input file (or only whitespace, comments or null) is named, whichever role it has.
  const std::string empty_file =
      ": the file is empty (only whitespace, comments or null); an input file holds one or more sections "
      "('arch', 'problem', 'mapspace', 'mapping', ...)";
  evaluate("problem_empty_file", arch, "", mapping, 2, "problem.yaml" + empty_file);
  evaluate("arch_empty_file", "", problem, mapping, 2, "arch.yaml" + empty_file);
  evaluate("arch_whitespace_only_file", "  \n\n", problem, mapping, 2, "arch.yaml" + empty_file);
  evaluate("mapping_comment_only_file", arch, problem, "# to be written\n", 2, "map.yaml" + empty_file);
  evaluate("mapping_null_file", arch, problem, "null\n", 2, "map.yaml" + empty_file);
  evaluate("problem_is_a_list", arch, "- C: 3\n", mapping, 2, "problem");
  // Architectures.
  evaluate("arch_malformed_yaml", "arch: {storage: [\n", problem, mapping, 2, "malformed YAML");
  evaluate("arch_no_levels", "arch:\n  arithmetic: {instances: 1024, word-bits: 8}\n  storage: []\n", problem,
           mapping, 2, "storage");
  evaluate("arch_negative_entries", replaced(arch, "entries: 16384", "entries: -1"), problem, mapping, 2,
           "entries");
  // 0 entries is a dummy level (Timeloop's Eyeriss configurations): readable; keeping data there fails.
  evaluate("arch_zero_entries", replaced(arch, "entries: 16384", "entries: 0"), problem, mapping, 1,
           "exceeds buffer capacity 0");
  evaluate("arch_negative_instances", replaced(arch, "instances: 16\n", "instances: -16\n"), problem, mapping,
           2, "instances");
  evaluate("arch_instances_do_not_divide", replaced(arch, "instances: 16\n", "instances: 24\n"), problem,
           mapping, 2, "instances");
  // Timeloop ignores attributes it does not read; cosa warns (file:line, did you mean) and goes on.
  evaluate("arch_unknown_key", replaced(arch, "num-banks: 256", "num-bankz: 256"), problem, mapping, 0,
           "arch.yaml:41:5: arch.storage[4].num-bankz: unknown attribute 'num-bankz' ignored (did you mean "
           "'num-banks'?)");
  evaluate("arch_word_bits_zero", replaced(arch, "word-bits: 24", "word-bits: 0"), problem, mapping, 2,
           "word-bits");
  evaluate("arch_duplicate_level", replaced(arch, "name: WeightBuffer", "name: InputBuffer"), problem,
           mapping, 2, "InputBuffer");
  evaluate("arch_missing_top_key", "hardware: {}\n", problem, mapping, 2, "arch");
  // Found by fuzzing: yaml-cpp's own exception used to escape, with no file or line in the message.
  evaluate("arch_list_as_key", "arch:\n  ? [a, b]\n  : 1\n", problem, mapping, 2,
           "arch.yaml:2:5: arch: expected a plain key");
  evaluate("arch_negative_bandwidth", replaced(arch, "bandwidth: 20.0", "bandwidth: -20.0"), problem, mapping,
           2, "bandwidth");
  evaluate("arch_bandwidth_not_a_number", replaced(arch, "bandwidth: 20.0", "bandwidth: fast"), problem,
           mapping, 2, "bandwidth");
  // Mappings.
  evaluate("mapping_factor_product", arch, problem, replaced(mapping, "C=72", "C=36"), 1,
           "product of all factors of dimension C");
  evaluate("mapping_unknown_level", arch, problem,
           replaced(mapping, "target: WeightBuffer", "target: WeightBuf"), 2, "WeightBuf");
  evaluate("mapping_unknown_dimension", arch, problem, replaced(mapping, "C=72", "C=72 X=1"), 2, "X");
  evaluate("mapping_bad_factor_syntax", arch, problem, replaced(mapping, "C=72", "C=seventy"), 2, "factors");
  evaluate("mapping_unknown_data_space", arch, problem, replaced(mapping, "keep: [Outputs]", "keep: [Psums]"),
           2, "Psums");
  evaluate("mapping_negative_factor", arch, problem, replaced(mapping, "C=72", "C=-72"), 2, "factors");
  evaluate("mapping_unknown_permutation_dim", arch, problem,
           replaced(mapping, "permutation: SPKQRNC", "permutation: SPKQRNZ"), 2, "Z");
  evaluate("mapping_missing", arch, problem, "maps: []\n", 2, "mapping");
  evaluate("mapping_unknown_type", arch, problem, replaced(mapping, "type: temporal", "type: sometimes"), 2,
           "sometimes");
  evaluate("mapping_capacity_exceeded", arch, big_problem, big_mapping, 1, "exceeds buffer capacity");
  evaluate("mapping_fanout_exceeded", arch, problem,
           replaced(replaced(mapping, "factors: R=1 S=1 P=1 Q=1 C=4 K=4 N=1",
                             "factors: R=1 S=1 P=1 Q=1 C=8 K=4 N=1"),
                    "C=72", "C=36"),
           1, "exceeds");
  evaluate("mapping_keep_and_bypass_same", arch, problem,
           replaced(mapping, "keep: [Outputs]\n  bypass: [Weights, Inputs]",
                    "keep: [Outputs]\n  bypass: [Outputs]"),
           2, "Outputs");
  // Energy tables.
  c.push_back({"ert_malformed", "evaluate", arch, problem, mapping, "--ert {dir}/ert.yaml", 2, "ert.yaml"});
  // Scheduling.
  auto schedule = [&](std::string name, std::string a, std::string p, std::string extra, int code,
                      std::string fragment) {
    c.push_back({std::move(name), "schedule", std::move(a), std::move(p), "", std::move(extra), code,
                 std::move(fragment)});
  };
  schedule("schedule_unknown_objective", arch, problem, "--objective fastest", 2, "fastest");
  schedule("schedule_constraint_unknown_level", arch, problem, "--mapspace {dir}/bad_level.yaml", 2, "Cache");
  // A fixed factor that does not divide its dimension is dropped, as Timeloop 019f107 does.
  schedule("schedule_non_dividing_fixed_factor", arch, problem, "--mapspace {dir}/bad_factor.yaml", 0,
           "temporal factor K=3 at level Registers does not divide the dimension's bound");
  schedule("schedule_outermost_level_bypasses", arch, problem, "--mapspace {dir}/bypass_all.yaml", 2,
           "mapspace.constraints[0].bypass: the outermost level DRAM holds every data space; it cannot "
           "bypass Weights");
  // Registers pinned to keep all three data spaces: one word cannot hold them.
  schedule("schedule_keep_all_registers_overflow", arch, problem, "--mapspace {dir}/keep_all.yaml", 1,
           "cannot meet the capacity of Registers (1 word) for the data spaces it keeps (Weights, Inputs, "
           "Outputs)");
  schedule("schedule_global_buffer_too_small", replaced(arch, "entries: 65536", "entries: 1"), problem,
           "--mapspace {dir}/bypass.yaml", 1, "cannot meet the capacity of GlobalBuffer (1 word)");
  // A prime factor larger than any fan-out can only run temporally; pinning it spatially must name
  // both the pinned factor and the fan-out it exceeds.
  schedule("schedule_large_prime_pinned_spatially", arch, replaced(problem, "K: 4096", "K: 1031"),
           "--mapspace {dir}/prime_spatial.yaml", 1,
           "cannot meet the spatial factor K=1031 fixed at GlobalBuffer by the constraints and the spatial "
           "fan-out of GlobalBuffer (");
  schedule("schedule_missing_mapspace_file", arch, problem, "--mapspace {dir}/nope.yaml", 2, "nope.yaml");
  schedule("schedule_empty_arch_file", "", problem, "", 2, "arch.yaml" + empty_file);
  schedule("schedule_empty_mapspace_file", arch, problem, "--mapspace {dir}/empty.yaml", 2,
           "empty.yaml" + empty_file);
  schedule("schedule_empty_extra_arch_file", arch, problem, "--arch {dir}/empty.yaml", 2,
           "empty.yaml" + empty_file);
  schedule("schedule_empty_ert_file", arch, problem, "--ert {dir}/empty.yaml", 2,
           "empty.yaml: the file is empty (only whitespace, comments or null)");
  // Networks.
  c.push_back({"network_unknown", "network", arch, "", "", "--network resnet9000", 2, "resnet9000"});
  c.push_back({"network_missing_dir", "network", arch, "", "", "--workload {dir}/nowhere", 2, "nowhere"});
  c.push_back({"network_empty_arch_file", "network", "", "", "", "--network small_layers", 2,
               "arch.yaml" + empty_file});
  c.push_back({"network_empty_mapspace_file", "network", arch, "", "",
               "--network small_layers --mapspace {dir}/empty.yaml", 2, "empty.yaml" + empty_file});
  c.push_back({"compare_empty_arch_file", "compare", "# nothing yet\n", "", "", "--network small_layers", 2,
               "arch.yaml" + empty_file});
  // A YAML file passed as an ONNX model, a missing model, and two sources at once.
  c.push_back({"network_onnx_not_onnx", "network", arch, problem, "", "--onnx {dir}/problem.yaml", 2,
               "problem.yaml: not an ONNX model"});
  c.push_back({"network_onnx_missing", "network", arch, "", "", "--onnx {dir}/nope.onnx", 2, "nope.onnx"});
  c.push_back({"compare_onnx_not_onnx", "compare", arch, problem, "", "--onnx {dir}/problem.yaml", 2,
               "not an ONNX model"});
  // --input-shape that does not parse or names no graph input (tests/data/onnx/extras.onnx).
  const std::string extras = std::string(COSA_TEST_DATA_DIR) + "/onnx/extras.onnx";
  c.push_back({"network_onnx_input_shape_syntax", "network", arch, "", "",
               "--onnx " + extras + " --input-shape input=1,8,x,32", 2, "'x' is not a positive integer"});
  c.push_back({"network_onnx_input_shape_unknown", "network", arch, "", "",
               "--onnx " + extras + " --input-shape image=1,8,32,32", 2,
               "--input-shape image: the model has no graph input of that name"});
  c.push_back({"network_onnx_input_shape_rank", "network", arch, "", "",
               "--onnx " + extras + " --input-shape input=1,8,32", 2,
               "the input has 4 dimensions, the option gives 3"});
  c.push_back({"network_two_sources", "network", arch, "", "", "--network resnet50 --onnx {dir}/x.onnx", 2,
               "exactly one of --network, --workload or --onnx"});
  c.push_back(
      {"compare_unknown_mapper", "compare", arch, "", "", "--network alexnet --mappers oracle", 2, "oracle"});
  c.push_back({"compare_unknown_hybrid_sampling", "compare", arch, "", "",
               "--network alexnet --hybrid-sampling smart", 2,
               "--hybrid-sampling must be fanout-valid or timeloop, not 'smart'"});
  return c;
}

class BadInputCatalog : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputCatalog, RejectedWithExitCodeAndMessage) {
  const BadInput& bad = GetParam();
  const fs::path dir =
      fs::temp_directory_path() / ("cosa_bad_" + std::to_string(::getpid()) + "_" + bad.name);
  fs::create_directories(dir);
  std::ofstream(dir / "arch.yaml") << bad.arch;
  std::ofstream(dir / "problem.yaml") << bad.problem;
  std::ofstream(dir / "map.yaml") << bad.mapping;
  std::ofstream(dir / "ert.yaml")
      << "ERT:\n  version: 0.3\n  tables:\n  - name: system.DRAM\n    actions: [{name: read, "
         "energy: -5}]\n";
  std::ofstream(dir / "empty.yaml") << "# constraints to come\n";
  std::ofstream(dir / "bad_level.yaml")
      << "mapspace:\n  constraints:\n  - {target: Cache, type: bypass, keep: "
         "[Inputs]}\n";
  const std::string bypass = readFile(kRepoData / "mapspace" / "simba_bypass.yaml");
  std::ofstream(dir / "bypass.yaml") << bypass;
  std::ofstream(dir / "bad_factor.yaml")
      << bypass << "  - {target: Registers, type: temporal, factors: K=3}\n";
  std::ofstream(dir / "prime_spatial.yaml")
      << bypass << "  - {target: GlobalBuffer, type: spatial, factors: K=1031}\n";
  std::ofstream(dir / "keep_all.yaml") << "mapspace:\n  constraints:\n  - {target: Registers, type: bypass, "
                                          "keep: [Weights, Inputs, Outputs]}\n";
  std::ofstream(dir / "bypass_all.yaml")
      << "mapspace:\n  constraints:\n  - {target: DRAM, type: bypass, bypass: "
         "[Weights]}\n";
  std::string extra = bad.extra;
  for (auto at = extra.find("{dir}"); at != std::string::npos; at = extra.find("{dir}"))
    extra.replace(at, 5, dir.string());
  std::string command = bad.command + " --arch " + (dir / "arch.yaml").string();
  if (bad.command == "evaluate")
    command += " --problem " + (dir / "problem.yaml").string() + " --mapping " + (dir / "map.yaml").string();
  if (bad.command == "schedule")
    command += " --problem " + (dir / "problem.yaml").string() + " --out " + (dir / "out").string();
  if (bad.command == "network" || bad.command == "compare") command += " --out " + (dir / "out").string();
  command += " " + extra;
  const RunResult result = runCosa(command);
  EXPECT_EQ(result.exit_code, bad.exit_code) << result.err;
  EXPECT_NE(result.err.find(bad.fragment), std::string::npos) << "stderr: " << result.err;
  EXPECT_EQ(result.err.find("terminate called"), std::string::npos) << result.err;
  if (bad.exit_code != 0 && bad.command == "schedule") {
    EXPECT_FALSE(fs::exists(dir / "out" / "mapping.yaml"));  // nothing half-written
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cli, BadInputCatalog, ::testing::ValuesIn(catalog()),
                         [](const auto& info) { return info.param.name; });

// Odd but valid: a dimension whose only factor is a prime larger than every fan-out still gets a
// schedule, with that factor whole in one temporal loop.
TEST(OddButValidInput, LargePrimeDimensionRunsTemporally) {
  const fs::path dir = fs::temp_directory_path() / ("cosa_odd_" + std::to_string(::getpid()) + "_prime");
  fs::create_directories(dir);
  std::ofstream(dir / "problem.yaml") << replaced(readFile(kCase / "problem.yaml"), "K: 4096", "K: 1031");
  const std::string arch = (kCase / "arch.yaml").string();
  const std::string schedule = "schedule --arch " + arch + " --problem " + (dir / "problem.yaml").string() +
                               " --mapspace " + (kRepoData / "mapspace" / "simba_bypass.yaml").string() +
                               " --out " + (dir / "out").string();
  const RunResult scheduled = runCosa(schedule);
  ASSERT_EQ(scheduled.exit_code, 0) << scheduled.err;
  const std::string mapping = readFile(dir / "out" / "mapping.yaml");
  const auto prime = mapping.find("K=1031");
  ASSERT_NE(prime, std::string::npos) << mapping;
  EXPECT_EQ(mapping.find("K=1031", prime + 1), std::string::npos) << mapping;
  const auto kind = mapping.rfind("type: ", prime);
  ASSERT_NE(kind, std::string::npos) << mapping;
  EXPECT_EQ(mapping.substr(kind, 14), "type: temporal") << mapping;
  // The written mapping reads back and evaluates.
  const RunResult evaluated =
      runCosa("evaluate --arch " + arch + " --problem " + (dir / "problem.yaml").string() + " --mapping " +
              (dir / "out" / "mapping.yaml").string());
  EXPECT_EQ(evaluated.exit_code, 0) << evaluated.err;
  fs::remove_all(dir);
}

TEST(BadInputCatalogSize, AtLeastForty) { EXPECT_GE(catalog().size(), 40u); }

}  // namespace
