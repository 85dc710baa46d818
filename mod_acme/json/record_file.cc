#include "json/record_file.h"

namespace acme {

std::string record_file_text(const Json& record) {
  return record.dump_pretty() + "\n";
}

}  // namespace acme
