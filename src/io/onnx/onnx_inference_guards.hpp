#pragma once
// Guards around libonnx's shape inference (internal to io/onnx/). Libonnx 1.12 (Debian's) trusts
// much of what a model says and crashed on inputs the fuzzer found (docs/hardening.md): before each
// round of inference the graph is checked (attributes against their schemas, sizes in range), and
// the nodes libonnx would crash on are hidden from it for that round.

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "io/onnx/onnx_graph_util.hpp"

namespace cosa::shape_folding {

// Nodes hidden from libonnx's inference by renaming their operator (libonnx skips an operator it
// does not know, leaving the node's outputs unsized); each gets its operator back when the holder
// goes out of scope, the last hidden first.
class HiddenNodes {
 public:
  HiddenNodes() = default;
  HiddenNodes(const HiddenNodes&) = delete;
  HiddenNodes& operator=(const HiddenNodes&) = delete;
  ~HiddenNodes();

  void hide(onnx::NodeProto& node);

 private:
  std::vector<std::pair<onnx::NodeProto*, std::string>> hidden_;  // node, its operator
};

// Libonnx 1.12 dereferences attributes it never checks for, and reads an attribute's field for
// the type the schema declares, whatever type the attribute says it has (found by fuzzing,
// docs/hardening.md findings 11 and 13: Scan without its required num_scan_inputs; an `axis`
// marked FLOATS still gave its `i` to LayerNormalization, which the rank guard below then
// misjudged). So every node must carry its schema's required attributes, and a declared type
// other than the schema's is an error, as in ONNX Runtime; an unset type (old exporters) is left
// to libonnx.
void checkSchemaAttributes(const onnx::GraphProto& graph, int opset, const std::string& source,
                           const std::string& path);

// Libonnx's shape inference (Debian's 1.12) trusts convolution and pooling attributes: a zero
// stride divides by zero, and a convolution without kernel_shape takes its kernel from a weight
// whose rank it never compares with the input's, then reads past its vectors (both found by
// fuzzing, docs/hardening.md); DepthToSpace squares its blocksize and divides by it (a probe). So
// before inference, in the graph and in every subgraph (libonnx infers the branches of an If it
// cannot decide): their sizes must lie in range (else InputError naming `source`), and every
// convolution gets an explicit kernel_shape from its weight's shape (which libonnx does check
// against the input's rank). A convolution whose weight is computed is hidden from inference
// instead: its output stays unsized and the import reports the node as not imported. `known`
// holds the shapes the enclosing graphs declare.
void prepareForShapeInference(onnx::GraphProto& graph, ShapeTable known, const std::string& source,
                              const std::string& path, HiddenNodes& hidden);

// Libonnx 1.12's Shape from opset 15 on reads its input's type without checking that there is one
// (found by fuzzing, docs/hardening.md finding 11); it is absent when nothing types the tensor (an
// unknown custom operator's output, a name no node produces). So a Shape input that nothing types
// gets an empty tensor type in the value_info of the graph that defines it; inference fills that
// in, and the ones it leaves empty are removed afterwards (they say nothing).
class UntypedInputPlaceholders {
 public:
  // Adds the empty types; `graph` is the model's main graph. Libonnx types initializers that are
  // not graph inputs only from IR version 4 on (before, an initializer had to be an input too; a
  // Shape of one that is not crashed it, found by fuzzing).
  UntypedInputPlaceholders(onnx::GraphProto& graph, bool initializers_typed);

  // Removes the empty types that inference did not fill in.
  void removeUnfilled(onnx::GraphProto& graph) const;

 private:
  struct Scope {
    onnx::GraphProto* graph;
    std::unordered_set<std::string> defined;  // inputs, initializers and node outputs
    std::unordered_set<std::string> typed;    // names with a type already
  };

  void visit(onnx::GraphProto& graph);
  // The innermost graph that defines the name (the current one for a name nobody defines).
  void typeInOwnScope(const std::string& name);

  bool initializers_typed_;
  std::vector<Scope> scopes_;
  std::unordered_set<std::string> added_;
};

// Libonnx 1.12 indexes the dimensions of some inputs without checking their rank (found by
// fuzz/probe_libonnx.py and the fuzzer after finding 11): dimensions 0 and 1 of STFT's signal,
// of X in RNN, GRU and LSTM before opset 7, and of A and B in Gemm before opset 7;
// LayerNormalization with its Mean or InvStdDev output walks the dimensions up to its axis (a
// negative one counted back from the rank); MaxUnpool without output_shape reads the shape of its
// indices. A rank-0 or rank-1 tensor there, an axis outside the rank, or unsized indices crashed
// it. The inputs listed here must be shown to have at least `min_rank` dimensions before
// inference may see the node.
struct RankRequirement {
  std::vector<int> inputs;
  std::size_t min_rank = 0;
};

// Hides rank-guarded nodes from one round of inference (through `hidden`) unless the shapes known
// so far (those the previous round inferred) give their guarded inputs the rank they need. Inside
// subgraphs, whose shapes cosa does not track, they are always hidden. A hidden node's outputs
// stay unsized that round; once its inputs are sized, the next round includes it.
class RankGuard {
 public:
  RankGuard(onnx::GraphProto& graph, int opset, const ShapeTable& shapes, HiddenNodes& hidden);

  // Whether a node hidden in the main graph now has its guarded inputs sized, so that another
  // round would include it.
  bool anyNowSized(const ShapeTable& shapes) const;

 private:
  struct Guarded {
    const onnx::NodeProto* node;
    RankRequirement need;
    bool in_subgraph;
  };

  // `shapes` is null inside subgraphs.
  void visit(onnx::GraphProto& graph, int opset, const ShapeTable* shapes, HiddenNodes& hidden);

  std::vector<Guarded> guarded_;
};

}  // namespace cosa::shape_folding
