#pragma once
// Test helpers: the simba architecture and cnn-layer workloads built by hand, and access to the
// Timeloop reference cases under COSA_TEST_DATA_DIR/timeloop-model/visible.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "workload/workload.hpp"

namespace cosa::test {

// CoSA's simba.yaml (the arch.yaml of every reference case), innermost level first.
inline Architecture simbaArch() {
  Architecture arch;
  arch.name = "simba";
  arch.arithmetic.name = "__ARITH__";
  arch.arithmetic.instances = 1024;
  arch.arithmetic.word_bits = 8;
  auto level = [](std::string name, std::optional<std::int64_t> entries, std::int64_t instances,
                  int word_bits, int block_size, int cluster_size, int ports, int banks) {
    StorageLevel s;
    s.name = std::move(name);
    s.entries = entries;
    s.instances = instances;
    s.word_bits = word_bits;
    s.block_size = block_size;
    s.cluster_size = cluster_size;
    s.num_ports = ports;
    s.num_banks = banks;
    return s;
  };
  arch.levels.push_back(level("Registers", 1, 1024, 8, 1, 64, 2, 8));
  arch.levels.push_back(level("AccumulationBuffer", 64, 128, 24, 1, 8, 2, 2));
  arch.levels.back().network_word_bits = 16;
  arch.levels.push_back(level("WeightBuffer", 16384, 128, 8, 8, 1, 1, 8));
  arch.levels.push_back(level("InputBuffer", 4096, 16, 8, 8, 1, 2, 1));
  arch.levels.push_back(level("GlobalBuffer", 65536, 1, 8, 8, 1, 2, 256));
  arch.levels.push_back(level("DRAM", std::nullopt, 1, 8, 64, 1, 2, 2));
  arch.levels.back().technology = "DRAM";
  arch.levels.back().read_bandwidth = 10.0;
  arch.levels.back().write_bandwidth = 10.0;
  return arch;
}

struct CnnBounds {
  std::int64_t R = 1, S = 1, P = 1, Q = 1, C = 1, K = 1, N = 1;
  std::int64_t Wstride = 1, Hstride = 1, Wdilation = 1, Hdilation = 1;
};

// Timeloop's cnn-layer shape: dimensions R S P Q C K N; Weights[C,K,R,S],
// Inputs[N, C, Wdilation*R + Wstride*P, Hdilation*S + Hstride*Q], Outputs[N,K,Q,P] (read-write).
inline Workload cnnLayer(const CnnBounds& b) {
  enum { R, S, P, Q, C, K, N };
  Workload w;
  w.shape = "cnn-layer";
  w.dimensions = {"R", "S", "P", "Q", "C", "K", "N"};
  w.bounds = {b.R, b.S, b.P, b.Q, b.C, b.K, b.N};
  w.coefficients = {
      {"Wstride", b.Wstride}, {"Hstride", b.Hstride}, {"Wdilation", b.Wdilation}, {"Hdilation", b.Hdilation}};
  auto term = [](int dim) { return ProjectionTerm{dim, 1, ""}; };
  w.data_spaces.push_back({"Weights", {{term(C)}, {term(K)}, {term(R)}, {term(S)}}, false});
  w.data_spaces.push_back({"Inputs",
                           {{term(N)},
                            {term(C)},
                            {{R, b.Wdilation, "Wdilation"}, {P, b.Wstride, "Wstride"}},
                            {{S, b.Hdilation, "Hdilation"}, {Q, b.Hstride, "Hstride"}}},
                           false});
  w.data_spaces.push_back({"Outputs", {{term(N)}, {term(K)}, {term(Q)}, {term(P)}}, true});
  return w;
}

// A reference case's workload and architecture, read with the project's parsers.
inline Workload referenceWorkload(const std::string& case_dir) {
  return loadProblem(case_dir + "/problem.yaml");
}
inline Architecture referenceArch(const std::string& case_dir) {
  return loadArchitecture(case_dir + "/arch.yaml");
}

inline std::string referenceDir() { return std::string(COSA_TEST_DATA_DIR) + "/timeloop-model/visible"; }

// Every case directory (case-001 ... ), sorted.
inline std::vector<std::string> referenceCases() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(referenceDir()))
    if (entry.is_directory() && entry.path().filename().string().rfind("case-", 0) == 0)
      out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

inline bool isValidCase(const std::string& dir) {
  return std::filesystem::exists(dir + "/timeloop-model.map.txt");
}

inline std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A JSON file the test reads back (a result cosa wrote, a reference); throws naming it when absent.
inline nlohmann::json readJson(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return nlohmann::json::parse(in);
}

// A fresh, empty temporary directory for one test.
inline std::string scratchDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("cosa-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace cosa::test
