#include "json/json.h"
#include "base/handle.h"

namespace acme {

namespace {

Status missing(const std::string& key, const char* type) {
  return Status(Code::kProtocol, "JSON member '" + key + "' is missing or not " + type);
}

using FreeDeleter = FreeWith<free>;

std::string dump_with(const json_t* j, size_t flags) {
  if (!j) return "null";
  std::unique_ptr<char, FreeDeleter> text(json_dumps(j, flags | JSON_ENCODE_ANY));
  return text ? std::string(text.get()) : std::string();
}

}  // namespace

Json Json::object() {
  return Json(json_object());
}
Json Json::array() {
  return Json(json_array());
}
Json Json::string(const std::string& s) {
  return Json(json_stringn(s.data(), s.size()));
}
Json Json::integer(long long v) {
  return Json(json_integer(v));
}
Json Json::boolean(bool v) {
  return Json(json_boolean(v));
}
Json Json::borrow(json_t* j) {
  return Json(j ? json_incref(j) : nullptr);
}
Json Json::steal(json_t* j) {
  return Json(j);
}

Result<Json> Json::parse(const std::string& text) {
  json_error_t error;
  json_t* j = json_loadb(text.data(), text.size(), JSON_DECODE_ANY, &error);
  if (!j) {
    return Status(Code::kProtocol, std::string("invalid JSON at line ") +
                                       std::to_string(error.line) + ": " + error.text);
  }
  return Json(j);
}

bool Json::has(const std::string& key) const {
  return json_is_object(json_.get()) && json_object_get(json_.get(), key.c_str()) != nullptr;
}

Json Json::get(const std::string& key) const {
  if (!json_is_object(json_.get())) return Json();
  return borrow(json_object_get(json_.get(), key.c_str()));
}

Result<std::string> Json::get_string(const std::string& key) const {
  json_t* v = json_is_object(json_.get()) ? json_object_get(json_.get(), key.c_str()) : nullptr;
  if (!json_is_string(v)) return missing(key, "a string");
  return std::string(json_string_value(v), json_string_length(v));
}

std::string Json::get_string_or(const std::string& key, const std::string& fallback) const {
  auto r = get_string(key);
  return r.ok() ? *r : fallback;
}

Result<long long> Json::get_int(const std::string& key) const {
  json_t* v = json_is_object(json_.get()) ? json_object_get(json_.get(), key.c_str()) : nullptr;
  if (!json_is_integer(v)) return missing(key, "an integer");
  return static_cast<long long>(json_integer_value(v));
}

long long Json::get_int_or(const std::string& key, long long fallback) const {
  auto r = get_int(key);
  return r.ok() ? *r : fallback;
}

bool Json::get_bool_or(const std::string& key, bool fallback) const {
  json_t* v = json_is_object(json_.get()) ? json_object_get(json_.get(), key.c_str()) : nullptr;
  return json_is_boolean(v) ? json_is_true(v) : fallback;
}

Result<Json> Json::get_object(const std::string& key) const {
  Json v = get(key);
  if (!v.is_object()) return missing(key, "an object");
  return v;
}

Result<Json> Json::get_array(const std::string& key) const {
  Json v = get(key);
  if (!v.is_array()) return missing(key, "an array");
  return v;
}

Result<std::vector<std::string>> Json::get_string_array(const std::string& key) const {
  auto array = get_array(key);
  if (!array.ok()) return array.status();
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    Json item = array->at(i);
    if (!item.is_string()) return missing(key + "[" + std::to_string(i) + "]", "a string");
    out.push_back(item.as_string());
  }
  return out;
}

std::size_t Json::size() const {
  return json_is_array(json_.get()) ? json_array_size(json_.get()) : 0;
}

Json Json::at(std::size_t i) const {
  if (!json_is_array(json_.get())) return Json();
  return borrow(json_array_get(json_.get(), i));
}

std::string Json::as_string() const {
  if (!json_is_string(json_.get())) return "";
  return std::string(json_string_value(json_.get()), json_string_length(json_.get()));
}

Json& Json::set(const std::string& key, const Json& value) {
  if (json_is_object(json_.get()) && value.valid())
    json_object_set(json_.get(), key.c_str(), value.raw());
  return *this;
}

Json& Json::set(const std::string& key, const std::string& value) {
  return set(key, Json::string(value));
}

Json& Json::set(const std::string& key, long long value) {
  return set(key, Json::integer(value));
}

Json& Json::set_bool(const std::string& key, bool value) {
  return set(key, Json::boolean(value));
}

Json& Json::append(const Json& value) {
  if (json_is_array(json_.get()) && value.valid()) json_array_append(json_.get(), value.raw());
  return *this;
}

Json& Json::append(const std::string& value) {
  return append(Json::string(value));
}

void Json::remove(const std::string& key) {
  if (json_is_object(json_.get())) json_object_del(json_.get(), key.c_str());
}

std::string Json::dump() const {
  return dump_with(json_.get(), JSON_COMPACT | JSON_SORT_KEYS);
}

std::string Json::dump_pretty() const {
  return dump_with(json_.get(), JSON_INDENT(2) | JSON_SORT_KEYS);
}

}  // namespace acme
