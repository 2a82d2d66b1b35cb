#pragma once
// Running the `cosa` binary from tests: exit code, stdout and stderr.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cosa::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `prefix cosa args`, capturing stdout, stderr and the exit code.
inline RunResult runCosaWith(const std::string& prefix, const std::string& args) {
  namespace fs = std::filesystem;
  const fs::path err_file = fs::temp_directory_path() / ("cosa_cli_test_err_" + std::to_string(::getpid()));
  const std::string command = prefix + std::string(COSA_BINARY) + " " + args + " 2>" + err_file.string();
  RunResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  std::stringstream text;
  text << err.rdbuf();
  result.err = text.str();
  fs::remove(err_file);
  return result;
}

inline RunResult runCosa(const std::string& args) { return runCosaWith("", args); }

// The bundled Simba architecture and CoSA's bypass pattern.
inline const std::string kSimba = std::string(COSA_TEST_DATA_DIR) + "/../../data/arch/simba.yaml";
inline const std::string kBypass = std::string(COSA_TEST_DATA_DIR) + "/../../data/mapspace/simba_bypass.yaml";

// A small CoSA-style workload folder, emptied first: two layers, one of them twice (a, b, c = b).
inline std::filesystem::path writeSmallWorkloadDir(const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("cosa_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a.yaml")
      << "problem: {shape: cnn-layer, R: 3, S: 3, P: 14, Q: 14, C: 32, K: 64, N: 1}\n";
  std::ofstream(dir / "b.yaml")
      << "problem: {shape: cnn-layer, R: 1, S: 1, P: 7, Q: 7, C: 64, K: 128, N: 1}\n";
  std::ofstream(dir / "c.yaml")
      << "problem: {shape: cnn-layer, R: 1, S: 1, P: 7, Q: 7, C: 64, K: 128, N: 1}\n";
  std::ofstream(dir / "layers.yaml") << "- a\n- b\n- c\n";
  return dir;
}

}  // namespace cosa::test
