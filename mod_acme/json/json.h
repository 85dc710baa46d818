// Json: RAII over jansson with typed getters that return Result, so a CA
// answer with a missing or mistyped member becomes a clear kProtocol error
// instead of a crash. The JSON spelling of RFC fields lives only where JSON
// is read or written.
#pragma once

#include <jansson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/handle.h"
#include "base/status.h"

namespace acme {

// json_decref is static inline in jansson.h: a named function of ours
// gives the deleter external linkage.
inline void json_release(json_t* j) {
  json_decref(j);
}
using JsonDeleter = FreeWith<json_release>;

class Json {
 public:
  Json() = default;
  static Json object();
  static Json array();
  static Json string(const std::string& s);
  static Json integer(long long v);
  static Json boolean(bool v);
  static Result<Json> parse(const std::string& text);
  static Json borrow(json_t* j);  // takes a new reference
  static Json steal(json_t* j);   // takes over the reference

  Json(const Json& other) : json_(other.json_ ? json_incref(other.json_.get()) : nullptr) {}
  Json& operator=(const Json& other) {
    json_.reset(other.json_ ? json_incref(other.json_.get()) : nullptr);
    return *this;
  }
  Json(Json&&) = default;
  Json& operator=(Json&&) = default;

  bool valid() const { return json_ != nullptr; }
  bool is_object() const { return json_is_object(json_.get()); }
  bool is_array() const { return json_is_array(json_.get()); }
  bool is_string() const { return json_is_string(json_.get()); }
  bool has(const std::string& key) const;

  // Typed getters: missing or wrong type is an error naming the key.
  Result<std::string> get_string(const std::string& key) const;
  std::string get_string_or(const std::string& key, const std::string& fallback) const;
  Result<long long> get_int(const std::string& key) const;
  long long get_int_or(const std::string& key, long long fallback) const;
  bool get_bool_or(const std::string& key, bool fallback) const;
  Result<Json> get_object(const std::string& key) const;
  Result<Json> get_array(const std::string& key) const;
  Result<std::vector<std::string>> get_string_array(const std::string& key) const;
  Json get(const std::string& key) const;  // invalid Json if absent

  // Array access.
  std::size_t size() const;
  Json at(std::size_t i) const;
  std::string as_string() const;  // "" unless a string

  // Builders (object / array); return *this for chaining.
  Json& set(const std::string& key, const Json& value);
  Json& set(const std::string& key, const std::string& value);
  Json& set(const std::string& key, const char* value) { return set(key, std::string(value)); }
  Json& set(const std::string& key, long long value);
  Json& set_bool(const std::string& key, bool value);
  Json& append(const Json& value);
  Json& append(const std::string& value);
  void remove(const std::string& key);

  // Compact text with sorted keys (stable files and canonical forms).
  std::string dump() const;
  // Indented text for files people read.
  std::string dump_pretty() const;

  json_t* raw() const { return json_.get(); }

 private:
  explicit Json(json_t* owned) : json_(owned) {}
  std::unique_ptr<json_t, JsonDeleter> json_;
};

}  // namespace acme
