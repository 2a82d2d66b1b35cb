#include "io/yaml/yaml_merge.hpp"

#include <fmt/format.h>

#include <vector>

#include "common/error.hpp"

namespace cosa {
namespace {

// Map visits allowed while resolving: far more than any specification has, few enough that a
// document of nested aliases (each alias doubles the work) fails fast instead of hanging.
constexpr long kMaxVisits = 200000;
constexpr int kMaxDepth = 200;

class MergeResolver {
 public:
  explicit MergeResolver(std::string file) : file_(std::move(file)) {}

  void resolve(YAML::Node node, int depth) {
    if (++visits_ > kMaxVisits || depth > kMaxDepth)
      fail(node, "too deeply nested, or too many aliases, to resolve merge keys");
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) resolve(node[i], depth + 1);
      return;
    }
    if (!node.IsMap()) return;
    for (const char* key : {"<<", "<<<"}) {
      YAML::Node source = node[key];
      if (!source.IsDefined()) continue;
      const bool recursive = std::string(key) == "<<<";
      std::vector<YAML::Node> sources;
      if (source.IsMap()) {
        sources.push_back(source);
      } else if (source.IsSequence()) {
        for (std::size_t i = 0; i < source.size(); ++i) {
          if (!source[i].IsMap())
            fail(source[i], fmt::format("'{}' merges mappings; this element is not one", key));
          sources.push_back(source[i]);
        }
      } else {
        fail(source, fmt::format("'{}' needs a mapping (e.g. *anchor) or a list of mappings", key));
      }
      node.remove(key);
      for (YAML::Node& s : sources) {
        resolve(s, depth + 1);
        merge(node, s, recursive, depth + 1);
      }
    }
    for (auto entry : node) resolve(entry.second, depth + 1);
  }

 private:
  // Adds `source`'s entries to `target` where `target` has no such key; with `recursive`, maps on
  // both sides are merged in turn (into a fresh copy, as the target's map may be shared by an alias).
  void merge(YAML::Node target, const YAML::Node& source, bool recursive, int depth) {
    if (++visits_ > kMaxVisits || depth > kMaxDepth)
      fail(target, "too deeply nested, or too many aliases, to resolve merge keys");
    for (auto entry : source) {
      const std::string key = entry.first.Scalar();
      YAML::Node existing = target[key];
      if (!existing.IsDefined()) {
        target[key] = entry.second;
      } else if (recursive && existing.IsMap() && entry.second.IsMap()) {
        YAML::Node copy(YAML::NodeType::Map);
        for (auto inner : existing) copy[inner.first] = inner.second;
        merge(copy, entry.second, true, depth + 1);
        target[key] = copy;
      }
    }
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& reason) const {
    const YAML::Mark mark = node.Mark();
    throw InputError({file_, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1}, "",
                     reason);
  }

  std::string file_;
  long visits_ = 0;
};

}  // namespace

void resolveMergeKeys(YAML::Node root, const std::string& file) { MergeResolver(file).resolve(root, 0); }

}  // namespace cosa
