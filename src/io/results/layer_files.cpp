#include "io/results/layer_files.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "io/csv.hpp"

namespace cosa {

namespace {

std::string boundsText(const Workload& w) {
  std::string out;
  for (int d = 0; d < w.numDims(); ++d)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", w.dimensions[d], w.bounds[d]);
  for (const Coefficient& c : w.coefficients) out += fmt::format(" {}={}", c.name, c.value);
  return out;
}

}  // namespace

std::string problemYaml(const Workload& w) {
  std::string out =
      fmt::format("problem:\n  shape:\n    name: {}\n    dimensions: [", w.shape.empty() ? "layer" : w.shape);
  for (int d = 0; d < w.numDims(); ++d) out += (d == 0 ? "" : ", ") + w.dimensions[d];
  out += "]\n";
  if (!w.coefficients.empty()) {
    out += "    coefficients:\n";
    for (const Coefficient& c : w.coefficients)
      out += fmt::format("    - {{name: {}, default: 1}}\n", c.name);
  }
  out += "    data-spaces:\n";
  for (const DataSpace& ds : w.data_spaces) {
    out += fmt::format("    - name: {}\n      projection:\n", ds.name);
    for (const ProjectionAxis& axis : ds.axes) {
      std::string terms;
      for (const ProjectionTerm& t : axis) {
        std::string term = w.dimensions[static_cast<std::size_t>(t.dim)];
        // A named coefficient is written by name (its value is in the instance); a literal one
        // is 1 in every built-in shape.
        if (!t.coefficient_name.empty()) term += ", " + t.coefficient_name;
        terms += fmt::format("{}[{}]", terms.empty() ? "" : ", ", term);
      }
      out += fmt::format("      - [{}]\n", terms);
    }
    if (ds.read_write) out += "      read-write: True\n";
  }
  out += "  instance:\n";
  for (int d = 0; d < w.numDims(); ++d) out += fmt::format("    {}: {}\n", w.dimensions[d], w.bounds[d]);
  for (const Coefficient& c : w.coefficients) out += fmt::format("    {}: {}\n", c.name, c.value);
  return out;
}

std::string networkLayersCsv(const std::vector<NetworkLayer>& layers,
                             const std::vector<LayerResult>& results) {
  std::string out =
      "layer,count,shape,bounds,macs,found,cycles,roofline_cycles,cycles_over_roofline,energy_pJ,utilization,"
      "solver_status,time_s,message\n";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Workload& w = layers[i].workload;
    const LayerResult& r = results.at(i);
    out += fmt::format("{},{},{},{},{},{},", csvField(layers[i].name), layers[i].count, csvField(w.shape),
                       csvField(boundsText(w)), w.macs(), r.found ? "true" : "false");
    if (r.found)
      out += fmt::format("{},{},{:.6g},{:.6g},{:.6g},{},{:.3f},{}\n", r.evaluation.cycles, r.roofline_cycles,
                         static_cast<double>(r.evaluation.cycles) /
                             static_cast<double>(std::max<std::int64_t>(1, r.roofline_cycles)),
                         r.evaluation.energy_pJ, r.evaluation.utilization, solverStatusText(r), r.time_s,
                         csvField(resultNote(r)));
    else
      out += fmt::format(",,,,,,,{}\n", csvField(r.message));
  }
  return out;
}

}  // namespace cosa
