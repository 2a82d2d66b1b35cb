#pragma once
// Roles of data spaces, so that one mapspace serves every layer kind. A constraint's keep/bypass
// list may name a data space by its name (Timeloop's way) or by its role: Weights, Inputs or
// Outputs (any case). The roles:
//
//   - a data space named Weights, Inputs or Outputs (any case) has that role (cnn-layer,
//     grouped-cnn-layer, depthwise-cnn-layer, and fully connected layers, which are 1x1 cnn-layers);
//   - the GEMM shapes (data spaces A, B and a read-write Z: gemm, gemm-ABZ, batched-gemm):
//     A = Inputs, B = Weights, Z = Outputs. For a product of two activations (attention's
//     Q x K^T and scores x V) the right operand B (K^T, V) is held like weights: it is the
//     operand a weight-stationary array keeps, and A streams through like input activations;
//   - otherwise the one read-write data space is Outputs, and the other spaces have no role.

#include <string_view>

#include "workload/workload.hpp"

namespace cosa {

enum class DataSpaceRole { None, Weights, Inputs, Outputs };

DataSpaceRole dataSpaceRole(const Workload& workload, int data_space);
const char* toString(DataSpaceRole role);  // "Weights", "Inputs", "Outputs" or "" for None

// The data space named `name`, else the one whose role `name` names; -1 when neither.
int findDataSpaceByNameOrRole(const Workload& workload, std::string_view name);

}  // namespace cosa
