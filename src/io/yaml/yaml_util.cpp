#include "io/yaml/yaml_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace cosa {

YamlView::YamlView(YAML::Node node, std::string file, std::string path, Warnings* warnings)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)), warnings_(warnings) {}

YamlView& YamlView::operator=(const YamlView& other) {
  if (this == &other) return *this;
  node_.reset(other.node_);
  file_ = other.file_;
  path_ = other.path_;
  warnings_ = other.warnings_;
  return *this;
}

YamlView YamlView::loadFile(const std::string& path, Warnings* warnings) {
  std::ifstream in(path);
  if (!in) throw InputError({path, 0, 0}, "", "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  YamlView root = loadString(buffer.str(), path, warnings);
  if (root.node().IsNull()) throw InputError({path, 0, 0}, "", kEmptyFileReason);
  return root;
}

namespace {

// Jinja templates (timeloopfe renders `{{ ... }}`, `{% ... %}` and `include_text(...)` before
// reading YAML) are not rendered here: say so at the first template line instead of reporting
// whatever YAML error the template text happens to cause. Text after a comment '#' is skipped.
void rejectJinja(const std::string& text, const std::string& name) {
  int line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view content(text.data() + start, end - start);
    for (std::size_t i = 0; i < content.size(); ++i)
      if (content[i] == '#' && (i == 0 || content[i - 1] == ' ' || content[i - 1] == '\t')) {
        content = content.substr(0, i);
        break;
      }
    for (const char* marker : {"{{", "{%", "include_text("}) {
      const std::size_t at = content.find(marker);
      if (at == std::string_view::npos) continue;
      throw InputError({name, line, static_cast<int>(at) + 1}, "",
                       fmt::format("'{}' looks like a Jinja template, which cosa does not render; render it "
                                   "with timeloopfe first, or pass the parsed-processed-input.yaml it writes",
                                   marker));
    }
    ++line;
    start = end + 1;
  }
}

}  // namespace

YamlView YamlView::loadString(const std::string& text, const std::string& name, Warnings* warnings) {
  rejectJinja(text, name);
  try {
    YAML::Node root = YAML::Load(text);
    return YamlView(root, name, "", warnings);
  } catch (const YAML::Exception& e) {
    throw InputError({name, e.mark.line + 1, e.mark.column + 1}, "", "malformed YAML: " + e.msg);
  }
}

SourceLocation YamlView::location() const {
  const YAML::Mark mark = node_.Mark();
  if (mark.is_null()) return {file_, 0, 0};
  return {file_, mark.line + 1, mark.column + 1};
}

std::string YamlView::childPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

std::string YamlView::keyText(const YAML::Node& key) const {
  // yaml-cpp's own conversion would throw YAML::TypedBadConversion, which is not an InputError.
  if (key.IsScalar() || key.IsNull()) return key.as<std::string>();
  const YAML::Mark mark = key.Mark();
  SourceLocation where{file_, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1};
  throw InputError(where, path_, "expected a plain key (a name), not a list or mapping");
}

bool YamlView::has(std::string_view key) const {
  return node_.IsMap() && node_[std::string(key)].IsDefined();
}

void YamlView::fail(const std::string& reason) const { throw InputError(location(), path_, reason); }

const YamlView& YamlView::expectMap() const {
  if (!node_.IsMap()) fail("expected a mapping (key: value pairs)");
  return *this;
}

const YamlView& YamlView::expectSequence() const {
  if (!node_.IsSequence()) fail("expected a list");
  return *this;
}

YamlView YamlView::get(std::string_view key) const {
  expectMap();
  YAML::Node child = node_[std::string(key)];
  if (!child.IsDefined()) fail(fmt::format("missing required key '{}'", key));
  return YamlView(child, file_, childPath(key), warnings_);
}

std::optional<YamlView> YamlView::find(std::string_view key) const {
  if (!node_.IsMap()) return std::nullopt;
  YAML::Node child = node_[std::string(key)];
  if (!child.IsDefined() || child.IsNull()) return std::nullopt;
  return YamlView(child, file_, childPath(key), warnings_);
}

std::vector<YamlView> YamlView::elements() const {
  expectSequence();
  std::vector<YamlView> out;
  out.reserve(node_.size());
  for (std::size_t i = 0; i < node_.size(); ++i)
    out.emplace_back(node_[i], file_, fmt::format("{}[{}]", path_, i), warnings_);
  return out;
}

std::vector<std::pair<std::string, YamlView>> YamlView::entries() const {
  expectMap();
  std::vector<std::pair<std::string, YamlView>> out;
  for (const auto& kv : node_) {
    const std::string key = keyText(kv.first);
    out.emplace_back(key, YamlView(kv.second, file_, childPath(key), warnings_));
  }
  return out;
}

std::string YamlView::asString() const {
  if (!node_.IsScalar()) fail("expected a single value (string)");
  return node_.Scalar();
}

std::int64_t YamlView::asInt() const {
  if (!node_.IsScalar()) fail("expected an integer");
  const std::string& text = node_.Scalar();
  std::int64_t value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec == std::errc::result_out_of_range) fail(fmt::format("integer '{}' is out of range", text));
  if (ec != std::errc() || ptr != last) {
    // Accept integral floating-point spellings such as "16.0".
    double d = 0;
    try {
      std::size_t used = 0;
      d = std::stod(text, &used);
      if (used == text.size() && std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18)
        return static_cast<std::int64_t>(d);
    } catch (const std::exception&) {
    }
    fail(fmt::format("expected an integer, got '{}'", text));
  }
  return value;
}

double YamlView::asDouble() const {
  if (!node_.IsScalar()) fail("expected a number");
  const std::string& text = node_.Scalar();
  try {
    std::size_t used = 0;
    double d = std::stod(text, &used);
    if (used != text.size()) fail(fmt::format("expected a number, got '{}'", text));
    if (!std::isfinite(d)) fail(fmt::format("expected a finite number, got '{}'", text));
    return d;
  } catch (const std::logic_error&) {
    fail(fmt::format("expected a number, got '{}'", text));
  }
}

bool YamlView::asBool() const {
  if (!node_.IsScalar()) fail("expected true or false");
  std::string text = node_.Scalar();
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return false;
  fail(fmt::format("expected true or false, got '{}'", node_.Scalar()));
}

std::vector<std::string> YamlView::asStringList() const {
  if (node_.IsNull()) return {};
  if (node_.IsScalar()) return {node_.Scalar()};
  std::vector<std::string> out;
  for (const YamlView& element : elements()) out.push_back(element.asString());
  return out;
}

std::optional<std::int64_t> YamlView::optInt(std::string_view key) const {
  auto child = find(key);
  if (!child) return std::nullopt;
  return child->asInt();
}

std::optional<double> YamlView::optDouble(std::string_view key) const {
  auto child = find(key);
  if (!child) return std::nullopt;
  return child->asDouble();
}

std::optional<std::string> YamlView::optString(std::string_view key) const {
  auto child = find(key);
  if (!child) return std::nullopt;
  return child->asString();
}

void YamlView::checkKeys(std::initializer_list<std::string_view> allowed) const {
  checkKeys(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void YamlView::checkKeys(const std::vector<std::string>& allowed) const {
  expectMap();
  for (const auto& kv : node_) {
    const std::string key = keyText(kv.first);
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    const YAML::Mark mark = kv.first.Mark();
    SourceLocation where{file_, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1};
    throw InputError(
        where, childPath(key),
        fmt::format("unknown key '{}'{} (expected one of: {})", key, didYouMean(key, allowed), list));
  }
}

SourceLocation YamlView::keyLocation(std::string_view key) const {
  if (node_.IsMap())
    for (const auto& kv : node_)
      if ((kv.first.IsScalar() || kv.first.IsNull()) && kv.first.as<std::string>() == key) {
        const YAML::Mark mark = kv.first.Mark();
        if (!mark.is_null()) return {file_, mark.line + 1, mark.column + 1};
      }
  return location();
}

void YamlView::warn(const std::string& message) const {
  if (warnings_) warnings_->add(location(), path_.empty() ? message : fmt::format("{}: {}", path_, message));
}

void YamlView::warnAtKey(std::string_view key, const std::string& message) const {
  if (warnings_) warnings_->add(keyLocation(key), fmt::format("{}: {}", childPath(key), message));
}

std::vector<std::string> YamlView::warnUnknownKeys(const std::vector<std::string>& allowed,
                                                   std::string_view what,
                                                   const std::vector<std::string>& known_unused,
                                                   std::string_view unused_reason) const {
  expectMap();
  std::vector<std::string> ignored;
  for (const auto& kv : node_) {
    const std::string key = keyText(kv.first);
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    ignored.push_back(key);
    if (std::find(known_unused.begin(), known_unused.end(), key) != known_unused.end())
      warnAtKey(key, fmt::format("{} '{}' ignored ({})", what, key, unused_reason));
    else
      warnAtKey(key, fmt::format("unknown {} '{}' ignored{}", what, key, didYouMean(key, allowed)));
  }
  return ignored;
}

}  // namespace cosa
