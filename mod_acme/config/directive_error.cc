#include "config/directive_error.h"

#include <strings.h>

namespace acme {

Status value_error(const std::string& value, const std::string& fix) {
  return Status(Code::kInvalidArgument, "'" + value + "' " + fix);
}

Status usage_error(const std::string& text) {
  return Status(Code::kInvalidArgument, text, kUsage);
}

std::string directive_message(const std::string& directive, const Status& error) {
  const std::string& text = error.message();
  const char after = text.size() > directive.size() ? text[directive.size()] : '\0';
  if (strncasecmp(text.c_str(), directive.c_str(), directive.size()) == 0 &&
      (after == ' ' || after == ':'))
    return text;  // named already (the cluster parsers, shared with acmectl)
  return directive + (error.tag() == kUsage ? " " : ": ") + error.message();
}

}  // namespace acme
