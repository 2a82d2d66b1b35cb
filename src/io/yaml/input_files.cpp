#include "io/yaml/input_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

namespace cosa {

namespace {

bool endsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Top-level sections Timeloop or Accelergy define that cosa does not read, and why.
const std::map<std::string, std::string, std::less<>>& knownUnusedSections() {
  static const std::map<std::string, std::string, std::less<>> sections = {
      {"mapper", "timeloop-mapper's search settings; cosa schedules with its own optimiser"},
      {"model", "timeloop-model's settings"},
      {"compound_components",
       "Accelergy compound components; cosa's energies come from its built-in model or --ert"},
      {"ART", "an Accelergy area table; cosa reports no area"},
      {"ERT_summary", "an Accelergy summary; only ERT tables are read"},
      {"ART_summary", "an Accelergy summary; only ERT tables are read"},
      {"variables", "Timeloop variables; cosa reads numbers only"},
      {"architecture_constraints", "architecture constraints: not used by this command"},
      {"arch_constraints", "architecture constraints: not used by this command"},
      {"mapspace", "mapspace constraints: not used by this command"},
      {"mapspace_constraints", "mapspace constraints: not used by this command"},
      {"mapping", "a mapping: not used by this command"},
      {"problem", "a layer: not used by this command"},
      {"ERT", "an Accelergy energy table: not used by this command"},
      {"sparse_optimizations", "Timeloop's sparse optimizations: cosa models dense tensors only"},
  };
  return sections;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError({path, 0, 0}, "", "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// An input file with nothing in it: empty, only whitespace or comments, or a bare `null` (a `.cfg`
// without a setting). Timeloop concatenates its input files as text, so such a file adds nothing
// and the error, if any, is a section missing from the others; naming the file is the useful one.
// An explicit empty map (`{}`) is a document, holding no section: it is kept, and named when a
// section is missing.
[[noreturn]] void failEmpty(const std::string& path) {
  throw InputError({path, 0, 0}, "",
                   std::string(YamlView::kEmptyFileReason) +
                       "; an input file holds one or more sections ('arch', 'problem', 'mapspace', "
                       "'mapping', ...)");
}

}  // namespace

InputFiles InputFiles::load(const std::vector<std::string>& paths, Warnings* warnings) {
  InputFiles files;
  files.warnings_ = warnings;
  for (const std::string& path : paths) {
    std::string text = readFile(path);
    const bool libconfig = endsWith(path, ".cfg");
    if (libconfig) text = libconfigToYaml(text, path);
    YamlView root = YamlView::loadString(text, path, warnings);
    if (root.node().IsNull() || (libconfig && root.node().IsMap() && root.node().size() == 0))
      failEmpty(path);
    root.expectMap();
    files.roots_.push_back(std::move(root));
  }
  return files;
}

InputFiles InputFiles::fromRoot(const YamlView& root) {
  InputFiles files;
  files.warnings_ = root.warnings();
  if (root.node().IsNull()) failEmpty(root.file());
  root.expectMap();
  files.roots_.push_back(root);
  return files;
}

InputFiles InputFiles::fromText(const std::string& text, const std::string& name, Warnings* warnings) {
  return fromRoot(YamlView::loadString(text, name, warnings));
}

InputFiles InputFiles::preferring(const std::vector<std::string>& first) const {
  InputFiles out = *this;
  std::stable_partition(out.roots_.begin(), out.roots_.end(), [&](const YamlView& root) {
    return std::find(first.begin(), first.end(), root.file()) != first.end();
  });
  return out;
}

std::optional<YamlView> InputFiles::section(std::string_view key) const {
  std::optional<YamlView> found;
  for (const YamlView& root : roots_) {
    auto value = root.find(key);
    if (!value) continue;
    if (!found) {
      found = value;
      used_->insert(std::string(key));
      continue;
    }
    // A second copy: Timeloop's merged document keeps the first; say so once.
    const std::string marker = fmt::format("duplicate:{}:{}", key, root.file());
    if (used_->insert(marker).second)
      root.warnAtKey(key,
                     fmt::format("section '{}' ignored: {} already gives it (the first one is read, as in "
                                 "Timeloop)",
                                 key, describe(found->location())));
  }
  return found;
}

std::optional<YamlView> InputFiles::section(std::initializer_list<std::string_view> keys) const {
  for (std::string_view key : keys)
    if (auto found = section(key)) return found;
  return std::nullopt;
}

YamlView InputFiles::merged() const {
  if (roots_.size() == 1) return roots_.front();
  YAML::Node node(YAML::NodeType::Map);
  std::set<std::string> seen;
  std::string names;
  for (const YamlView& root : roots_) {
    names += (names.empty() ? "" : " + ") + root.file();
    for (const auto& kv : root.node())
      if (kv.first.IsScalar() && seen.insert(kv.first.Scalar()).second)
        node.force_insert(kv.first, kv.second);
  }
  return YamlView(node, names, "", warnings_);
}

bool InputFiles::has(std::string_view key) const {
  return std::any_of(roots_.begin(), roots_.end(),
                     [&](const YamlView& root) { return root.find(key).has_value(); });
}

void InputFiles::failMissing(const std::string& what) const {
  std::string files;
  for (const YamlView& root : roots_) files += (files.empty() ? "" : ", ") + root.file();
  if (roots_.empty())
    throw InputError({}, "", fmt::format("{} not found (no input file holds any section)", what));
  throw InputError({roots_.front().file(), 0, 0}, "",
                   fmt::format("{} not found in the input files ({})", what, files));
}

void InputFiles::warnUnusedSections() const {
  std::set<std::string> reported;
  for (const YamlView& root : roots_) {
    for (const auto& [key, value] : root.entries()) {
      if (used_->count(key) || !reported.insert(key).second) continue;
      const auto& known = knownUnusedSections();
      if (auto it = known.find(key); it != known.end())
        root.warnAtKey(key, fmt::format("section '{}' ignored ({})", key, it->second));
      else
        root.warnAtKey(key, fmt::format("unknown section '{}' ignored", key));
    }
  }
}

// libconfig -> YAML flow. Settings `name = value;` (or `name: value`, `,` as terminator), groups
// `{...}`, lists `(...)`, arrays `[...]`, strings, numbers (with an optional L/LL suffix), booleans
// and comments (#, //, /* */). The whole file is one group. Newlines are kept, so YAML line numbers
// are the file's.
std::string libconfigToYaml(const std::string& text, const std::string& name) {
  std::string out = "{";
  const std::size_t n = text.size();
  std::size_t i = 0;
  int line = 1;
  bool pending_separator = false;
  auto fail = [&](const std::string& reason) { throw InputError({name, line, 0}, "", reason); };
  auto flushSeparator = [&](char next) {
    if (!pending_separator) return;
    pending_separator = false;
    if (next != '}' && next != ']' && next != ')' && next != '\0') out += ',';
  };
  while (i < n) {
    const char c = text[i];
    if (c == '\n') {
      out += '\n';
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      out += ' ';
      ++i;
    } else if (c == '#' || (c == '/' && i + 1 < n && text[i + 1] == '/')) {
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      const std::size_t end = text.find("*/", i + 2);
      if (end == std::string::npos) fail("unterminated /* comment");
      for (std::size_t k = i; k < end; ++k)
        if (text[k] == '\n') {
          out += '\n';
          ++line;
        }
      i = end + 2;
    } else if (c == ';' || c == ',') {
      pending_separator = true;
      ++i;
    } else {
      const char mapped = c == '(' ? '[' : c == ')' ? ']' : c;
      flushSeparator(mapped);
      if (c == '"') {
        const std::size_t start = i++;
        while (i < n && text[i] != '"') {
          if (text[i] == '\\') ++i;
          if (i < n && text[i] == '\n') fail("unterminated string");
          ++i;
        }
        if (i >= n) fail("unterminated string");
        out.append(text, start, ++i - start);
      } else if (c == '=' || c == ':') {
        out += ": ";
        ++i;
      } else if (std::string_view("{}[]()").find(c) != std::string_view::npos) {
        out += mapped;
        ++i;
      } else {
        const std::size_t start = i;
        while (i < n && !std::isspace(static_cast<unsigned char>(text[i])) &&
               std::string_view("=:;,{}[]()\"#").find(text[i]) == std::string_view::npos &&
               !(text[i] == '/' && i + 1 < n && (text[i + 1] == '/' || text[i + 1] == '*')))
          ++i;
        std::string word = text.substr(start, i - start);
        // 64-bit integers carry an L or LL suffix in libconfig.
        if (word.size() > 1 && std::isdigit(static_cast<unsigned char>(word[0]))) {
          while (!word.empty() && (word.back() == 'L' || word.back() == 'l')) word.pop_back();
        }
        out += word;
      }
    }
  }
  flushSeparator('\0');
  out += "\n}\n";
  return out;
}

}  // namespace cosa
