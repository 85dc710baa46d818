// A record mod_acme keeps in a file as JSON (a certificate's status, a
// job's state, its ARI schedule, a CA's request counts): written
// pretty-printed with a final newline, so `cat` shows it whole and a diff
// line by line; read back through the record's own reader. Errors name no
// file: the caller, which knows the path, adds it.
#pragma once

#include <string>

#include "base/status.h"
#include "json/json.h"

namespace acme {

// The text of a record file.
std::string record_file_text(const Json& record);

// text's JSON into a T through read, which may refuse it (a required member
// missing); a syntax error is jansson's.
template <class T>
Result<T> parse_record_file(const std::string& text, Status (*read)(const Json& json, T* record)) {
  Result<Json> json = Json::parse(text);
  if (!json.ok()) return json.status();
  T record;
  Status read_status = read(*json, &record);
  if (!read_status.ok()) return read_status;
  return record;
}

}  // namespace acme
