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

}  // namespace cosa::test
