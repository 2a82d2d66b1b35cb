#include "workload/data_space_roles.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace cosa {

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

DataSpaceRole roleNamed(std::string_view name) {
  for (DataSpaceRole role : {DataSpaceRole::Weights, DataSpaceRole::Inputs, DataSpaceRole::Outputs})
    if (equalsIgnoringCase(name, toString(role))) return role;
  return DataSpaceRole::None;
}

// A, B and a read-write Z, as in Timeloop's GEMM shapes.
bool isGemmLike(const Workload& w) {
  if (w.numDataSpaces() != 3) return false;
  const int a = w.dataSpaceIndex("A"), b = w.dataSpaceIndex("B"), z = w.dataSpaceIndex("Z");
  return a >= 0 && b >= 0 && z >= 0 && w.data_spaces[static_cast<std::size_t>(z)].read_write &&
         !w.data_spaces[static_cast<std::size_t>(a)].read_write &&
         !w.data_spaces[static_cast<std::size_t>(b)].read_write;
}

}  // namespace

const char* toString(DataSpaceRole role) {
  switch (role) {
    case DataSpaceRole::Weights:
      return "Weights";
    case DataSpaceRole::Inputs:
      return "Inputs";
    case DataSpaceRole::Outputs:
      return "Outputs";
    case DataSpaceRole::None:
      break;
  }
  return "";
}

DataSpaceRole dataSpaceRole(const Workload& w, int data_space) {
  const DataSpace& ds = w.data_spaces.at(static_cast<std::size_t>(data_space));
  if (const DataSpaceRole named = roleNamed(ds.name); named != DataSpaceRole::None) return named;
  if (isGemmLike(w)) {
    if (ds.name == "A") return DataSpaceRole::Inputs;
    if (ds.name == "B") return DataSpaceRole::Weights;
    return DataSpaceRole::Outputs;
  }
  const auto read_write = std::count_if(w.data_spaces.begin(), w.data_spaces.end(),
                                        [](const DataSpace& d) { return d.read_write; });
  return ds.read_write && read_write == 1 ? DataSpaceRole::Outputs : DataSpaceRole::None;
}

int findDataSpaceByNameOrRole(const Workload& w, std::string_view name) {
  if (const int exact = w.dataSpaceIndex(name); exact >= 0) return exact;
  const DataSpaceRole wanted = roleNamed(name);
  if (wanted == DataSpaceRole::None) return -1;
  for (int ds = 0; ds < w.numDataSpaces(); ++ds)
    if (dataSpaceRole(w, ds) == wanted) return ds;
  return -1;
}

}  // namespace cosa
