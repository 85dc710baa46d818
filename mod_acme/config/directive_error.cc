#include "config/directive_error.h"

namespace acme {

Status value_error(const std::string& value, const std::string& fix) {
  return Status(Code::kInvalidArgument, "'" + value + "' " + fix);
}

Status usage_error(const std::string& text) {
  return Status(Code::kInvalidArgument, text, kUsage);
}

std::string directive_message(const std::string& directive, const Status& error) {
  return directive + (error.tag() == kUsage ? " " : ": ") + error.message();
}

}  // namespace acme
