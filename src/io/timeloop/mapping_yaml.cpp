#include "io/timeloop/mapping_yaml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "io/atomic_file.hpp"

namespace cosa {

namespace mapping_syntax {
namespace {

bool isSeparator(char c) { return std::isspace(static_cast<unsigned char>(c)) || c == ','; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string joinDimensions(const Workload& workload) {
  std::string out;
  for (const auto& d : workload.dimensions) out += (out.empty() ? "" : " ") + d;
  return out;
}

std::string joinDataSpaces(const Workload& workload) {
  std::string out;
  for (const auto& ds : workload.data_spaces) out += (out.empty() ? "" : ", ") + ds.name;
  return out;
}

// Parses a run of digits as a non-negative integer; fails on overflow.
std::int64_t parseDigits(const YamlView& where, std::string_view digits, std::string_view text) {
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size())
    where.fail(fmt::format("factor '{}' in '{}' is out of range", digits, text));
  return value;
}

}  // namespace

int parseTargetLevel(const YamlView& target, const Architecture& arch) {
  const std::string name = target.asString();
  const int index = arch.levelIndex(name);
  if (index >= 0) return index;
  if (!name.empty() && std::all_of(name.begin(), name.end(), isDigit)) {
    int value = -1;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
    if (ec == std::errc() && ptr == name.data() + name.size() && value < arch.numLevels()) return value;
    target.fail(fmt::format("storage level index {} is out of range (the architecture has {} levels)", name,
                            arch.numLevels()));
  }
  std::string levels;
  for (const auto& level : arch.levels) levels += (levels.empty() ? "" : ", ") + level.name;
  if (name == arch.arithmetic.name)
    target.fail(
        fmt::format("'{}' is the arithmetic level; entries must target a storage level ({})", name, levels));
  target.fail(fmt::format("unknown storage level '{}' (levels: {})", name, levels));
}

std::vector<FactorTerm> parseFactorTerms(const YamlView& factors, const Workload& workload) {
  const std::string text = factors.asString();
  std::vector<FactorTerm> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto skipSpaces = [&] {
    while (i < n && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto malformed = [&](const std::string& why) {
    factors.fail(
        fmt::format("malformed factors '{}': {} (expected e.g. 'R=3 S=3 P=7' or 'R3 S3 P7')", text, why));
  };
  while (true) {
    while (i < n && isSeparator(text[i])) ++i;
    if (i >= n) break;
    const std::size_t word_start = i;
    while (i < n && isWordChar(text[i])) ++i;
    if (i == word_start) malformed(fmt::format("unexpected character '{}'", text[i]));
    std::string word = text.substr(word_start, i - word_start);
    std::string name;
    std::string digits;
    const std::size_t after_word = i;
    skipSpaces();
    if (i < n && text[i] == '=') {
      while (i < n && text[i] == '=') ++i;
      skipSpaces();
      const std::size_t digits_start = i;
      while (i < n && isDigit(text[i])) ++i;
      name = word;
      digits = text.substr(digits_start, i - digits_start);
      if (digits.empty()) {
        if (i < n && text[i] == '-')
          factors.fail(fmt::format("factor of {} must be positive in '{}'", name, text));
        malformed(fmt::format("no number after '{}='", name));
      }
    } else {
      std::size_t split = word.size();
      while (split > 0 && isDigit(word[split - 1])) --split;
      if (split < word.size() && split > 0) {
        name = word.substr(0, split);
        digits = word.substr(split);
        i = after_word;
      } else if (split == word.size() && i < n && isDigit(text[i])) {
        name = word;  // "R 7"
        const std::size_t digits_start = i;
        while (i < n && isDigit(text[i])) ++i;
        digits = text.substr(digits_start, i - digits_start);
      } else if (split == word.size() && i < n && text[i] == '-') {
        factors.fail(fmt::format("factor of {} must be positive in '{}'", word, text));
      } else {
        malformed(fmt::format("no factor given for '{}'", word));
      }
    }
    FactorTerm term;
    term.value = parseDigits(factors, digits, text);
    term.residual = term.value;
    // Optional residual ",R" right after the digits (Timeloop's `N(,R)?`).
    if (i + 1 < n && text[i] == ',' && isDigit(text[i + 1])) {
      ++i;
      const std::size_t res_start = i;
      while (i < n && isDigit(text[i])) ++i;
      term.residual = parseDigits(factors, text.substr(res_start, i - res_start), text);
      term.has_residual = true;
    }
    if (i < n && !isSeparator(text[i])) malformed(fmt::format("unexpected character '{}'", text[i]));
    term.dim = workload.dimIndex(name);
    if (term.dim < 0)
      factors.fail(fmt::format("unknown dimension '{}' in factors '{}' (dimensions: {})", name, text,
                               joinDimensions(workload)));
    for (const FactorTerm& seen : out)
      if (seen.dim == term.dim)
        factors.fail(fmt::format("dimension {} is given twice in factors '{}'", name, text));
    out.push_back(term);
  }
  return out;
}

std::vector<std::pair<int, std::int64_t>> parseFactorText(const YamlView& factors, const Workload& workload) {
  std::vector<std::pair<int, std::int64_t>> out;
  for (const FactorTerm& term : parseFactorTerms(factors, workload)) {
    if (term.residual != term.value)
      factors.fail(
          fmt::format("residual factor {},{} in '{}' is not supported here (imperfect factorization)",
                      workload.dimensions[term.dim], term.residual, factors.asString()));
    out.emplace_back(term.dim, term.value);
  }
  return out;
}

std::vector<int> parsePermutationText(const YamlView& permutation, const Workload& workload) {
  const std::string text = permutation.asString();
  const bool single_letters = std::all_of(workload.dimensions.begin(), workload.dimensions.end(),
                                          [](const std::string& d) { return d.size() == 1; });
  std::vector<int> out;
  auto add = [&](const std::string& name) {
    const int dim = workload.dimIndex(name);
    if (dim < 0)
      permutation.fail(fmt::format("unknown dimension '{}' in permutation '{}' (dimensions: {})", name, text,
                                   joinDimensions(workload)));
    if (std::find(out.begin(), out.end(), dim) != out.end())
      permutation.fail(fmt::format("dimension {} appears twice in permutation '{}'", name, text));
    out.push_back(dim);
  };
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && isSeparator(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !isSeparator(text[i])) ++i;
    if (start == i) break;
    const std::string token = text.substr(start, i - start);
    if (workload.dimIndex(token) >= 0 || !single_letters) {
      add(token);
    } else {
      for (char c : token) add(std::string(1, c));
    }
  }
  return out;
}

std::vector<int> completePermutation(std::vector<int> permutation, int num_dims) {
  for (int d = 0; d < num_dims; ++d)
    if (std::find(permutation.begin(), permutation.end(), d) == permutation.end()) permutation.push_back(d);
  return permutation;
}

std::vector<int> parseDataSpaceList(const YamlView& list, const Workload& workload) {
  std::vector<YamlView> items;
  if (list.node().IsNull()) return {};
  if (list.isScalar())
    items.push_back(list);
  else
    items = list.elements();
  std::vector<int> out;
  for (const YamlView& item : items) {
    const std::string name = item.asString();
    const int ds = workload.dataSpaceIndex(name);
    if (ds < 0)
      item.fail(fmt::format("unknown data space '{}' (data spaces: {})", name, joinDataSpaces(workload)));
    if (std::find(out.begin(), out.end(), ds) != out.end())
      item.fail(fmt::format("data space '{}' is listed twice", name));
    out.push_back(ds);
  }
  return out;
}

}  // namespace mapping_syntax

namespace {

using namespace mapping_syntax;

enum class EntryKind { Temporal, Spatial, Bypass };

const char* kindName(EntryKind kind) {
  switch (kind) {
    case EntryKind::Temporal:
      return "temporal";
    case EntryKind::Spatial:
      return "spatial";
    case EntryKind::Bypass:
      return "bypass";
  }
  return "?";
}

// Timeloop keys cosa does not model: an empty list is harmless, anything else is rejected.
void rejectUnsupportedList(const YamlView& entry, std::string_view key, const Workload& workload) {
  auto value = entry.find(key);
  if (!value) return;
  if (!parseDataSpaceList(*value, workload).empty())
    value->fail(fmt::format("'{}' is not supported by cosa's model", key));
}

void parseLoops(const YamlView& entry, EntryKind kind, const Workload& workload, LevelMapping& level) {
  const int num_dims = workload.numDims();
  std::vector<std::int64_t> factors(num_dims, 1);
  std::vector<std::int64_t> residuals(num_dims, 1);
  if (auto text = entry.find("factors")) {
    for (const FactorTerm& term : parseFactorTerms(*text, workload)) {
      // `0` is the whole dimension, as Timeloop reads it; a residual given with it stays as written.
      factors[term.dim] = term.value == 0 ? workload.bounds[term.dim] : term.value;
      residuals[term.dim] = term.has_residual ? term.residual : factors[term.dim];
      if (residuals[term.dim] < 1 || residuals[term.dim] > factors[term.dim])
        text->fail(fmt::format("residual {} of {}{},{} in '{}' must be between 1 and the factor {}",
                               residuals[term.dim], workload.dimensions[term.dim], term.value,
                               residuals[term.dim], text->asString(), factors[term.dim]));
    }
  }
  std::vector<int> order;
  if (auto text = entry.find("permutation")) order = parsePermutationText(*text, workload);
  order = completePermutation(std::move(order), num_dims);
  if (kind == EntryKind::Temporal) {
    level.temporal = std::move(factors);
    level.temporal_residual = std::move(residuals);
    level.temporal_order = std::move(order);
    level.normalizeResiduals();
    rejectUnsupportedList(entry, "no_temporal_reuse", workload);
    return;
  }
  level.spatial = std::move(factors);
  level.spatial_residual = std::move(residuals);
  level.spatial_order = std::move(order);
  level.normalizeResiduals();
  level.spatial_split = -1;
  if (auto split = entry.find("split")) {
    const std::int64_t value = split->asInt();
    if (value < 0) split->fail(fmt::format("split must be >= 0, got {}", value));
    level.spatial_split = value >= num_dims ? -1 : static_cast<int>(value);
  }
  rejectUnsupportedList(entry, "no_link_transfer", workload);
  rejectUnsupportedList(entry, "no_multicast_no_reduction", workload);
}

void parseBypass(const YamlView& entry, const Workload& workload, LevelMapping& level) {
  std::vector<int> keep;
  std::vector<int> bypass;
  if (auto list = entry.find("keep")) keep = parseDataSpaceList(*list, workload);
  if (auto list = entry.find("bypass")) bypass = parseDataSpaceList(*list, workload);
  for (int ds : bypass)
    if (std::find(keep.begin(), keep.end(), ds) != keep.end())
      entry.get("bypass").fail(
          fmt::format("data space '{}' is both kept and bypassed", workload.data_spaces[ds].name));
  for (int ds : keep) level.keep[ds] = true;
  for (int ds : bypass) level.keep[ds] = false;
}

// A spatial entry at a level whose children are as many as its instances (no fan-out): Timeloop
// rejects the mapping there, naming the level. Factors of 1 change nothing and are accepted.
void checkSpatialLevel(const YamlView& entry, int level, const Architecture& arch, const Workload& workload,
                       const LevelMapping& parsed) {
  if (arch.fanout(level) > 1) return;
  const std::string child = level == 0 ? arch.arithmetic.name : arch.levels[level - 1].name;
  std::string used;
  for (int d = 0; d < workload.numDims(); ++d)
    if (parsed.spatial[d] > 1)
      used += fmt::format("{}{}={}", used.empty() ? "" : " ", workload.dimensions[d], parsed.spatial[d]);
  const std::string why =
      fmt::format("level {} has no spatial fan-out (its child {} has as many instances as it, {})",
                  arch.levels[level].name, child, arch.levels[level].instances);
  if (used.empty()) {
    entry.warn(fmt::format("spatial entry ignored: {}", why));
    return;
  }
  throw MappingError(entry.location(), entry.path(), fmt::format("spatial factors {}: {}", used, why));
}

}  // namespace

Mapping parseMapping(const InputFiles& files, const Architecture& arch, const Workload& workload) {
  const auto section = files.section("mapping");
  if (!section) files.failMissing("the mapping (a 'mapping' section)");
  const YamlView& list = *section;
  list.expectSequence();
  const int num_levels = arch.numLevels();
  const int num_dims = workload.numDims();
  Mapping mapping = trivialMapping(num_levels, num_dims, workload.numDataSpaces());

  // First entry seen per (level, kind), to report duplicates.
  std::vector<std::vector<std::string>> seen(num_levels, std::vector<std::string>(3));
  for (const YamlView& entry : list.elements()) {
    entry.expectMap();
    const YamlView type_view = entry.get("type");
    const std::string type = type_view.asString();
    EntryKind kind;
    // Keys Timeloop does not read are ignored with a warning (as Timeloop ignores them).
    if (type == "temporal") {
      kind = EntryKind::Temporal;
      entry.warnUnknownKeys({"target", "type", "factors", "permutation", "no_temporal_reuse"}, "key");
    } else if (type == "spatial") {
      kind = EntryKind::Spatial;
      entry.warnUnknownKeys({"target", "type", "factors", "permutation", "split", "no_link_transfer",
                             "no_multicast_no_reduction"},
                            "key");
    } else if (type == "bypass" || type == "datatype") {
      kind = EntryKind::Bypass;
      entry.warnUnknownKeys({"target", "type", "keep", "bypass"}, "key");
    } else if (type == "skew") {
      type_view.fail("skew directives are not supported by cosa's model");
    } else {
      type_view.fail(fmt::format(
          "unknown mapping entry type '{}' (expected temporal, spatial, bypass or datatype)", type));
    }
    const int level = parseTargetLevel(entry.get("target"), arch);
    std::string& first = seen[level][static_cast<int>(kind)];
    if (!first.empty())
      entry.fail(fmt::format("a second {} entry for level {} (the first is {})", kindName(kind),
                             arch.levels[level].name, first));
    first = entry.path();
    if (kind == EntryKind::Bypass) {
      parseBypass(entry, workload, mapping.levels[level]);
    } else {
      parseLoops(entry, kind, workload, mapping.levels[level]);
      if (kind == EntryKind::Spatial) checkSpatialLevel(entry, level, arch, workload, mapping.levels[level]);
    }
  }

  // Timeloop's product rule, residuals included (for perfect factors, the plain product).
  std::string mismatch;
  for (int d = 0; d < num_dims; ++d) {
    bool overflow = false;
    const std::int64_t product = mapping.residualProduct(d, &overflow);
    if (overflow) {
      mismatch += fmt::format(
          "{}product of all factors of dimension {} overflows, so it is not equal to the "
          "dimension size of the workload {}.",
          mismatch.empty() ? "" : " ", workload.dimensions[d], workload.bounds[d]);
    } else if (product != workload.bounds[d]) {
      mismatch += fmt::format(
          "{}product of all factors of dimension {} is {}, which is not equal to the "
          "dimension size of the workload {}.",
          mismatch.empty() ? "" : " ", workload.dimensions[d], product, workload.bounds[d]);
    }
  }
  if (!mismatch.empty()) throw MappingError(list.location(), list.path(), mismatch);
  return mapping;
}

Mapping parseMapping(const YamlView& root, const Architecture& arch, const Workload& workload) {
  return parseMapping(InputFiles::fromRoot(root), arch, workload);
}

Mapping loadMapping(const std::string& path, const Architecture& arch, const Workload& workload) {
  return parseMapping(YamlView::loadFile(path), arch, workload);
}

namespace {

void checkShape(const Mapping& mapping, const Architecture& arch, const Workload& workload) {
  const auto num_dims = static_cast<std::size_t>(workload.numDims());
  if (mapping.levels.size() != static_cast<std::size_t>(arch.numLevels()))
    throw std::invalid_argument(
        fmt::format("mapping has {} levels, the architecture {}", mapping.levels.size(), arch.numLevels()));
  auto isPermutation = [&](const std::vector<int>& order) {
    if (order.size() != num_dims) return false;
    std::vector<bool> used(num_dims, false);
    for (int d : order) {
      if (d < 0 || static_cast<std::size_t>(d) >= num_dims || used[d]) return false;
      used[d] = true;
    }
    return true;
  };
  for (std::size_t l = 0; l < mapping.levels.size(); ++l) {
    const LevelMapping& level = mapping.levels[l];
    if (level.temporal.size() != num_dims || level.spatial.size() != num_dims ||
        !isPermutation(level.temporal_order) || !isPermutation(level.spatial_order) ||
        level.keep.size() != static_cast<std::size_t>(workload.numDataSpaces()) ||
        (!level.temporal_residual.empty() && level.temporal_residual.size() != num_dims) ||
        (!level.spatial_residual.empty() && level.spatial_residual.size() != num_dims))
      throw std::invalid_argument(
          fmt::format("mapping level {} does not match the workload's dimensions/data spaces", l));
  }
}

// `R=7`, or `R=7,3` for a residual other than the factor.
std::string factorText(const std::vector<std::int64_t>& factors, const std::vector<std::int64_t>& residuals,
                       const Workload& workload) {
  std::string out;
  for (int d = 0; d < workload.numDims(); ++d) {
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", workload.dimensions[d], factors[d]);
    if (!residuals.empty() && residuals[d] != factors[d]) out += fmt::format(",{}", residuals[d]);
  }
  return out;
}

std::string permutationText(const std::vector<int>& order, const Workload& workload) {
  const bool single_letters = std::all_of(workload.dimensions.begin(), workload.dimensions.end(),
                                          [](const std::string& d) { return d.size() == 1; });
  std::string out;
  for (int d : order) {
    if (!single_letters && !out.empty()) out += ' ';
    out += workload.dimensions[d];
  }
  return out;
}

}  // namespace

std::string mappingToYaml(const Mapping& mapping, const Architecture& arch, const Workload& workload) {
  checkShape(mapping, arch, workload);
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "mapping" << YAML::Value << YAML::BeginSeq;
  for (int l = 0; l < arch.numLevels(); ++l) {
    const LevelMapping& level = mapping.levels[l];
    const std::string& name = arch.levels[l].name;
    out << YAML::BeginMap;
    out << YAML::Key << "target" << YAML::Value << name;
    out << YAML::Key << "type" << YAML::Value << "temporal";
    out << YAML::Key << "factors" << YAML::Value
        << factorText(level.temporal, level.temporal_residual, workload);
    out << YAML::Key << "permutation" << YAML::Value << permutationText(level.temporal_order, workload);
    out << YAML::EndMap;

    const bool any_spatial =
        std::any_of(level.spatial.begin(), level.spatial.end(), [](std::int64_t f) { return f > 1; });
    if (arch.fanout(l) > 1 || any_spatial) {
      out << YAML::BeginMap;
      out << YAML::Key << "target" << YAML::Value << name;
      out << YAML::Key << "type" << YAML::Value << "spatial";
      out << YAML::Key << "factors" << YAML::Value
          << factorText(level.spatial, level.spatial_residual, workload);
      out << YAML::Key << "permutation" << YAML::Value << permutationText(level.spatial_order, workload);
      if (level.spatial_split >= 0 && level.spatial_split < workload.numDims())
        out << YAML::Key << "split" << YAML::Value << level.spatial_split;
      out << YAML::EndMap;
    }

    out << YAML::BeginMap;
    out << YAML::Key << "target" << YAML::Value << name;
    out << YAML::Key << "type" << YAML::Value << "bypass";
    std::vector<std::string> keep;
    std::vector<std::string> bypass;
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds)
      (level.keep[ds] ? keep : bypass).push_back(workload.data_spaces[ds].name);
    out << YAML::Key << "keep" << YAML::Value << YAML::Flow << keep;
    out << YAML::Key << "bypass" << YAML::Value << YAML::Flow << bypass;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  if (!out.good()) throw std::invalid_argument("cannot emit mapping YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

void writeMapping(const std::string& path, const Mapping& mapping, const Architecture& arch,
                  const Workload& workload) {
  writeFileAtomically(path, mappingToYaml(mapping, arch, workload));
}

}  // namespace cosa
