#pragma once
// Small ONNX models built in the tests with the onnx C++ protobuf API (nothing downloaded).
// Weights are initializers with dimensions but no data: import needs only shapes. Intermediate
// tensors carry no shapes, so ONNX shape inference has to size them, as in exported models.

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cosa::test {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(std::string graph_name, int opset = 13) {
    model_.set_ir_version(8);
    model_.set_producer_name("cosa-tests");
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    graph().set_name(std::move(graph_name));
  }

  // A float graph input; an empty string in `symbolic` leaves that dimension numeric.
  std::string input(const std::string& name, const std::vector<std::int64_t>& dims,
                    const std::vector<std::string>& symbolic = {}) {
    auto* v = graph().add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (std::size_t i = 0; i < dims.size(); ++i) {
      auto* d = t->mutable_shape()->add_dim();
      if (i < symbolic.size() && !symbolic[i].empty())
        d->set_dim_param(symbolic[i]);
      else
        d->set_dim_value(dims[i]);
    }
    return name;
  }

  std::string weight(const std::vector<std::int64_t>& dims) {
    auto* t = graph().add_initializer();
    t->set_name(fmt::format("w{}", next_++));
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (std::int64_t d : dims) t->add_dims(d);
    return t->name();
  }

  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::string& name = "") {
    auto* n = graph().add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : inputs) n->add_input(i);
    n->add_output(fmt::format("t{}", next_++));
    return *n;
  }
  static const std::string& out(const onnx::NodeProto& n) { return n.output(0); }

  static void ints(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& values) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (std::int64_t v : values) a->add_ints(v);
  }
  static void integer(onnx::NodeProto& n, const std::string& name, std::int64_t value) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }

  // Conv with a square or rectangular kernel; pads as ONNX orders them (begins, then ends).
  std::string conv(const std::string& x, std::int64_t in_channels, std::int64_t out_channels,
                   std::vector<std::int64_t> kernel, std::vector<std::int64_t> strides,
                   std::vector<std::int64_t> pads, std::int64_t group = 1,
                   std::vector<std::int64_t> dilations = {}, const std::string& name = "") {
    std::vector<std::int64_t> w{out_channels, in_channels / group};
    w.insert(w.end(), kernel.begin(), kernel.end());
    onnx::NodeProto& n = node("Conv", {x, weight(w)}, name);
    ints(n, "kernel_shape", kernel);
    ints(n, "strides", strides);
    ints(n, "pads", pads);
    if (!dilations.empty()) ints(n, "dilations", dilations);
    if (group != 1) integer(n, "group", group);
    return out(n);
  }

  std::string unary(const std::string& op, const std::string& x) { return out(node(op, {x})); }

  std::string batchNorm(const std::string& x, std::int64_t channels) {
    return out(node("BatchNormalization",
                    {x, weight({channels}), weight({channels}), weight({channels}), weight({channels})}));
  }

  std::string maxPool(const std::string& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad) {
    onnx::NodeProto& n = node("MaxPool", {x});
    ints(n, "kernel_shape", {kernel, kernel});
    ints(n, "strides", {stride, stride});
    ints(n, "pads", {pad, pad, pad, pad});
    return out(n);
  }

  // Y = X * W^T as PyTorch exports nn.Linear (transB = 1).
  std::string linear(const std::string& x, std::int64_t in_features, std::int64_t out_features) {
    onnx::NodeProto& n = node("Gemm", {x, weight({out_features, in_features}), weight({out_features})});
    integer(n, "transB", 1);
    return out(n);
  }

  // An int64 initializer with values (shape computations' constants).
  std::string constant(const std::vector<std::int64_t>& dims, const std::vector<std::int64_t>& values) {
    auto* t = graph().add_initializer();
    t->set_name(fmt::format("c{}", next_++));
    t->set_data_type(onnx::TensorProto::INT64);
    for (std::int64_t d : dims) t->add_dims(d);
    for (std::int64_t v : values) t->add_int64_data(v);
    return t->name();
  }

  void output(const std::string& name) { graph().add_output()->set_name(name); }

  std::string bytes() const { return model_.SerializeAsString(); }
  onnx::ModelProto& model() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }

 private:
  onnx::ModelProto model_;
  int next_ = 0;
};

// torchvision's ResNet-50 (v1.5: the stride sits on the 3x3 convolution), batch symbolic.
inline std::string resnet50Onnx() {
  OnnxBuilder b("resnet50");
  std::string x = b.input("input", {1, 3, 224, 224}, {"batch"});
  x = b.conv(x, 3, 64, {7, 7}, {2, 2}, {3, 3, 3, 3});
  x = b.unary("Relu", b.batchNorm(x, 64));
  x = b.maxPool(x, 3, 2, 1);
  std::int64_t in = 64;
  const std::int64_t widths[] = {64, 128, 256, 512};
  const int blocks[] = {3, 4, 6, 3};
  for (int stage = 0; stage < 4; ++stage) {
    const std::int64_t w = widths[stage];
    for (int block = 0; block < blocks[stage]; ++block) {
      const std::int64_t stride = block == 0 && stage > 0 ? 2 : 1;
      std::string y = b.unary("Relu", b.batchNorm(b.conv(x, in, w, {1, 1}, {1, 1}, {0, 0, 0, 0}), w));
      y = b.unary("Relu", b.batchNorm(b.conv(y, w, w, {3, 3}, {stride, stride}, {1, 1, 1, 1}), w));
      y = b.batchNorm(b.conv(y, w, 4 * w, {1, 1}, {1, 1}, {0, 0, 0, 0}), 4 * w);
      std::string shortcut = x;
      if (block == 0)
        shortcut = b.batchNorm(b.conv(x, in, 4 * w, {1, 1}, {stride, stride}, {0, 0, 0, 0}), 4 * w);
      x = b.unary("Relu", OnnxBuilder::out(b.node("Add", {y, shortcut})));
      in = 4 * w;
    }
  }
  x = b.unary("GlobalAveragePool", x);
  onnx::NodeProto& flatten = b.node("Flatten", {x});
  OnnxBuilder::integer(flatten, "axis", 1);
  x = b.linear(OnnxBuilder::out(flatten), 2048, 1000);
  b.output(x);
  return b.bytes();
}

}  // namespace cosa::test
