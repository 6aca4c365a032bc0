#include "operator/k8s/yaml_lite.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace sluice::k8s {
namespace {

struct Line {
  int number;
  int indent;
  std::string text;  // without indentation and trailing comment/space
};

std::string StripComment(const std::string& s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
      return s.substr(0, i);
    }
  }
  return s;
}

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

class Parser {
 public:
  explicit Parser(std::vector<Line> lines) : lines_(std::move(lines)) {}

  absl::StatusOr<nlohmann::json> Document() {
    if (lines_.empty()) return nlohmann::json::object();
    SLUICE_ASSIGN_OR_RETURN(nlohmann::json doc, Block(lines_[0].indent));
    if (pos_ < lines_.size()) return Error(lines_[pos_], "unexpected indentation");
    return doc;
  }

 private:
  static absl::Status Error(const Line& line, const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat("yaml line ", line.number, ": ", what));
  }

  static bool IsSequenceItem(const std::string& text) {
    return text == "-" || text.rfind("- ", 0) == 0;
  }

  absl::StatusOr<nlohmann::json> Block(int indent) {
    if (IsSequenceItem(lines_[pos_].text)) return Sequence(indent);
    return Mapping(indent);
  }

  absl::StatusOr<nlohmann::json> Sequence(int indent) {
    nlohmann::json out = nlohmann::json::array();
    while (pos_ < lines_.size() && lines_[pos_].indent == indent &&
           IsSequenceItem(lines_[pos_].text)) {
      Line& line = lines_[pos_];
      std::string rest = line.text == "-" ? "" : line.text.substr(2);
      size_t skip = rest.find_first_not_of(' ');
      if (rest.empty() || skip == std::string::npos) {
        ++pos_;
        SLUICE_ASSIGN_OR_RETURN(nlohmann::json item, Nested(indent, /*allow_same=*/false));
        out.push_back(std::move(item));
      } else if (KeyEnd(rest.substr(skip)) != std::string::npos) {
        line.indent = indent + 2 + static_cast<int>(skip);  // "- key: v" opens a mapping
        line.text = rest.substr(skip);
        SLUICE_ASSIGN_OR_RETURN(nlohmann::json item, Mapping(line.indent));
        out.push_back(std::move(item));
      } else {
        SLUICE_ASSIGN_OR_RETURN(nlohmann::json item, Scalar(line, rest.substr(skip)));
        out.push_back(std::move(item));
        ++pos_;
      }
    }
    return out;
  }

  // Position of the ':' ending a mapping key in `text`, or npos.
  static size_t KeyEnd(const std::string& text) {
    if (text.empty() || text[0] == '"' || text[0] == '\'' || text[0] == '{' || text[0] == '[') {
      if (text.empty() || (text[0] != '"' && text[0] != '\'')) return std::string::npos;
      size_t close = text.find(text[0], 1);
      if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
        return std::string::npos;
      }
      return close + 1;
    }
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == ':' && (i + 1 == text.size() || text[i + 1] == ' ')) return i;
    }
    return std::string::npos;
  }

  absl::StatusOr<nlohmann::json> Mapping(int indent) {
    nlohmann::json out = nlohmann::json::object();
    while (pos_ < lines_.size() && lines_[pos_].indent == indent &&
           !IsSequenceItem(lines_[pos_].text)) {
      const Line line = lines_[pos_];
      size_t colon = KeyEnd(line.text);
      if (colon == std::string::npos) return Error(line, "expected 'key: value'");
      std::string key = line.text.substr(0, colon);
      if (!key.empty() && (key[0] == '"' || key[0] == '\'')) key = key.substr(1, key.size() - 2);
      std::string value = line.text.substr(colon + 1);
      size_t skip = value.find_first_not_of(' ');
      ++pos_;
      if (skip == std::string::npos) {
        SLUICE_ASSIGN_OR_RETURN(out[key], Nested(indent, /*allow_same=*/true));
      } else {
        SLUICE_ASSIGN_OR_RETURN(out[key], Scalar(line, value.substr(skip)));
      }
    }
    return out;
  }

  // The block under a "key:" or "-" line at `indent`; null if there is none. A mapping's
  // value may be a sequence at the key's own indentation (`allow_same`).
  absl::StatusOr<nlohmann::json> Nested(int indent, bool allow_same) {
    if (pos_ >= lines_.size()) return nlohmann::json();
    const Line& next = lines_[pos_];
    if (next.indent > indent) return Block(next.indent);
    if (allow_same && next.indent == indent && IsSequenceItem(next.text)) return Sequence(indent);
    return nlohmann::json();
  }

  static absl::StatusOr<nlohmann::json> Scalar(const Line& line, const std::string& text) {
    if (text == "{}") return nlohmann::json::object();
    if (text == "[]") return nlohmann::json::array();
    if (text == "true") return true;
    if (text == "false") return false;
    if (text == "null" || text == "~") return nlohmann::json();
    if (text[0] == '\'') {
      if (text.size() < 2 || text.back() != '\'') return Error(line, "unterminated quote");
      std::string out;
      for (size_t i = 1; i + 1 < text.size(); ++i) {
        out += text[i];
        if (text[i] == '\'' && text[i + 1] == '\'') ++i;
      }
      return out;
    }
    if (text[0] == '"') {
      if (text.size() < 2 || text.back() != '"') return Error(line, "unterminated quote");
      std::string out;
      for (size_t i = 1; i + 1 < text.size(); ++i) {
        if (text[i] == '\\' && i + 2 < text.size()) {
          char e = text[++i];
          out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          out += text[i];
        }
      }
      return out;
    }
    if (text[0] == '{' || text[0] == '[' || text[0] == '&' || text[0] == '*' || text[0] == '!' ||
        text[0] == '|' || text[0] == '>') {
      return Error(line, "unsupported YAML construct: " + text.substr(0, 20));
    }
    return text;
  }

  std::vector<Line> lines_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<nlohmann::json> ParseYamlLite(const std::string& text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return absl::InvalidArgumentError("document is not valid JSON");
    return doc;
  }
  std::vector<Line> lines;
  size_t start = 0;
  int number = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string raw = text.substr(start, end - start);
    ++number;
    start = end + 1;
    if (raw.find('\t') != std::string::npos && raw.find_first_not_of(" \t") != std::string::npos &&
        raw[raw.find_first_not_of(' ')] == '\t') {
      return absl::InvalidArgumentError(absl::StrCat("yaml line ", number, ": tab indentation"));
    }
    std::string body = TrimRight(StripComment(raw));
    size_t indent = body.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    if (body == "---" || body == "...") continue;
    lines.push_back({number, static_cast<int>(indent), body.substr(indent)});
  }
  return Parser(std::move(lines)).Document();
}

}  // namespace sluice::k8s
