#include "cluster/etcd_json.h"

#include <cerrno>
#include <cstdlib>

#include "crypto/base64url.h"

namespace acme {

namespace {

Status bad_answer(const std::string& what) {
  return Status(Code::kProtocol, "etcd answered an unexpected JSON shape: " + what);
}

// Moves a parsed field into *field, or returns why it did not parse.
template <class T>
Status take(Result<T> parsed, T* field) {
  ACME_RETURN_IF_ERROR(parsed);
  *field = std::move(parsed.value());
  return Status();
}

// The Compare target's enum name, and the field of the oneof target_union that
// carries the operand.
struct TargetNames {
  const char* name;
  const char* field;
};

TargetNames target_names(EtcdCompare::Target t) {
  switch (t) {
    case EtcdCompare::Target::kVersion:
      return {"VERSION", "version"};
    case EtcdCompare::Target::kCreate:
      return {"CREATE", "create_revision"};
    case EtcdCompare::Target::kMod:
      return {"MOD", "mod_revision"};
    case EtcdCompare::Target::kValue:
      return {"VALUE", "value"};
    case EtcdCompare::Target::kLease:
      return {"LEASE", "lease"};
  }
  return {"VERSION", "version"};
}

const char* op_name(EtcdCompare::Op op) {
  switch (op) {
    case EtcdCompare::Op::kEqual:
      return "EQUAL";
    case EtcdCompare::Op::kGreater:
      return "GREATER";
    case EtcdCompare::Op::kLess:
      return "LESS";
    case EtcdCompare::Op::kNotEqual:
      return "NOT_EQUAL";
  }
  return "EQUAL";
}

Json compare_json(const EtcdCompare& c) {
  Json j = Json::object();
  j.set("result", op_name(c.op)).set("target", target_names(c.target).name);
  j.set("key", base64_encode(c.key));
  if (c.target == EtcdCompare::Target::kValue) {
    j.set("value", base64_encode(c.value));
  } else {
    j.set(target_names(c.target).field, c.number);
  }
  return j;
}

Json op_json(const EtcdOp& op) {
  Json j = Json::object();
  switch (op.kind) {
    case EtcdOp::Kind::kPut:
      return j.set("request_put", etcd_put_json(op.key, op.value, op.lease));
    case EtcdOp::Kind::kRange:
      return j.set("request_range", etcd_range_json(EtcdRange{op.key, op.range_end}));
    case EtcdOp::Kind::kDelete:
      return j.set("request_delete_range", etcd_delete_json(op.key, op.range_end));
  }
  return j;
}

Json ops_json(const std::vector<EtcdOp>& ops) {
  Json a = Json::array();
  for (const EtcdOp& op : ops) a.append(op_json(op));
  return a;
}

Result<std::string> bytes_field(const Json& object, const std::string& field) {
  Json v = object.get(field);
  if (!v.valid()) return std::string();
  if (!v.is_string()) return bad_answer("\"" + field + "\" is not a base64 string");
  Result<std::string> bytes = base64_decode(v.as_string());
  if (!bytes.ok()) return bad_answer("\"" + field + "\": " + bytes.status().message());
  return bytes;
}

Result<EtcdKeyValue> parse_kv(const Json& j) {
  if (!j.is_object()) return bad_answer("a key-value is not an object");
  EtcdKeyValue kv;
  auto key = bytes_field(j, "key");
  auto value = bytes_field(j, "value");
  ACME_RETURN_IF_ERROR(key);
  ACME_RETURN_IF_ERROR(value);
  kv.key = std::move(key.value());
  kv.value = std::move(value.value());
  long long* ints[] = {&kv.create_revision, &kv.mod_revision, &kv.version, &kv.lease};
  const char* names[] = {"create_revision", "mod_revision", "version", "lease"};
  for (int i = 0; i < 4; ++i) {
    auto n = etcd_int64(j, names[i]);
    ACME_RETURN_IF_ERROR(n);
    *ints[i] = *n;
  }
  return kv;
}

// An optional array member: absent means empty (proto3 leaves empty lists out).
Result<Json> optional_array(const Json& object, const std::string& field) {
  Json a = object.get(field);
  if (!a.valid()) return Json::array();
  if (!a.is_array()) return bad_answer("\"" + field + "\" is not an array");
  return a;
}

// Each element of an optional array member, parsed; the first bad one fails the lot.
template <typename T>
Result<std::vector<T>> parse_each(const Json& object, const std::string& field,
                                  Result<T> (*parse)(const Json&)) {
  auto array = optional_array(object, field);
  ACME_RETURN_IF_ERROR(array);
  std::vector<T> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    auto item = parse(array->at(i));
    ACME_RETURN_IF_ERROR(item);
    out.push_back(std::move(item.value()));
  }
  return out;
}

Result<std::vector<EtcdKeyValue>> parse_kvs(const Json& answer) {
  return parse_each(answer, "kvs", parse_kv);
}

Result<EtcdEvent> parse_event(const Json& j) {
  if (!j.is_object()) return bad_answer("a watch event is not an object");
  EtcdEvent event;
  std::string type = j.get_string_or("type", "PUT");  // PUT is 0: left out
  if (type != "PUT" && type != "DELETE") return bad_answer("a watch event of type " + type);
  event.type = type == "PUT" ? EtcdEvent::Type::kPut : EtcdEvent::Type::kDelete;
  if (!j.get("kv").is_object()) return bad_answer("a watch event has no \"kv\"");
  auto kv = parse_kv(j.get("kv"));
  ACME_RETURN_IF_ERROR(kv);
  event.kv = std::move(kv.value());
  return event;
}

Result<std::vector<EtcdEvent>> parse_events(const Json& result) {
  return parse_each(result, "events", parse_event);
}

Result<EtcdOpResult> parse_op_result(const Json& j) {
  EtcdOpResult r;
  if (!j.is_object()) return bad_answer("a transaction response is not an object");
  if (j.get("response_put").is_object()) {
    r.kind = EtcdOp::Kind::kPut;
  } else if (j.get("response_range").is_object()) {
    r.kind = EtcdOp::Kind::kRange;
    ACME_RETURN_IF_ERROR(take(parse_kvs(j.get("response_range")), &r.kvs));
  } else if (j.get("response_delete_range").is_object()) {
    r.kind = EtcdOp::Kind::kDelete;
    ACME_RETURN_IF_ERROR(take(etcd_parse_deleted(j.get("response_delete_range")), &r.deleted));
  } else {
    return bad_answer("a transaction response is none of put, range, delete_range");
  }
  return r;
}

}  // namespace

Result<long long> etcd_int64(const Json& object, const std::string& field) {
  Json v = object.get(field);
  if (!v.valid()) return 0LL;
  if (json_is_integer(v.raw())) return static_cast<long long>(json_integer_value(v.raw()));
  const std::string text = v.as_string();
  if (!v.is_string() || text.empty()) return bad_answer("\"" + field + "\" is not an int64");
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return bad_answer("\"" + field + "\" is not an int64: " + text);
  return n;
}

Json etcd_put_json(const std::string& key, const std::string& value, long long lease) {
  Json j = Json::object();
  j.set("key", base64_encode(key)).set("value", base64_encode(value));
  if (lease != 0) j.set("lease", lease);
  return j;
}

Json etcd_range_json(const EtcdRange& range) {
  Json j = Json::object();
  j.set("key", base64_encode(range.key));
  if (!range.range_end.empty()) j.set("range_end", base64_encode(range.range_end));
  if (range.limit > 0) j.set("limit", range.limit);
  if (range.keys_only) j.set_bool("keys_only", true);
  if (range.count_only) j.set_bool("count_only", true);
  if (range.revision > 0) j.set("revision", range.revision);
  return j;
}

Json etcd_delete_json(const std::string& key, const std::string& range_end) {
  Json j = Json::object();
  j.set("key", base64_encode(key));
  if (!range_end.empty()) j.set("range_end", base64_encode(range_end));
  return j;
}

Json etcd_txn_json(const EtcdTxn& txn) {
  Json compare = Json::array();
  for (const EtcdCompare& c : txn.compare) compare.append(compare_json(c));
  Json j = Json::object();
  j.set("compare", compare).set("success", ops_json(txn.success));
  j.set("failure", ops_json(txn.failure));
  return j;
}

Json etcd_watch_json(const std::string& key, const std::string& range_end,
                     long long start_revision) {
  Json create = etcd_delete_json(key, range_end);  // the same key and range_end fields
  if (start_revision > 0) create.set("start_revision", start_revision);
  return Json::object().set("create_request", create);
}

Result<EtcdWatchResponse> etcd_parse_watch(const Json& message) {
  if (!message.is_object()) return bad_answer("a watch message is not an object");
  if (message.has("error")) return bad_answer("the watch stream ended: " + message.dump());
  Json result = message.get("result");
  if (!result.is_object()) return bad_answer("a watch message has no \"result\" object");
  EtcdWatchResponse r;
  auto revision = etcd_header_revision(result);
  auto id = etcd_int64(result, "watch_id");
  auto compact = etcd_int64(result, "compact_revision");
  auto events = parse_events(result);
  for (const Status* s : {&revision.status(), &id.status(), &compact.status(), &events.status()}) {
    if (!s->ok()) return *s;
  }
  r.revision = *revision;
  r.watch_id = *id;
  r.compact_revision = *compact;
  r.events = std::move(events.value());
  r.created = result.get_bool_or("created", false);
  r.canceled = result.get_bool_or("canceled", false);
  r.cancel_reason = result.get_string_or("cancel_reason", "");
  return r;
}

Result<long long> etcd_header_revision(const Json& answer) {
  if (!answer.is_object()) return bad_answer("the answer is not an object");
  Json header = answer.get("header");
  if (!header.valid()) return 0LL;
  if (!header.is_object()) return bad_answer("\"header\" is not an object");
  return etcd_int64(header, "revision");
}

Result<EtcdRangeResult> etcd_parse_range(const Json& answer) {
  EtcdRangeResult r;
  ACME_RETURN_IF_ERROR(take(etcd_header_revision(answer), &r.revision));
  ACME_RETURN_IF_ERROR(take(parse_kvs(answer), &r.kvs));
  ACME_RETURN_IF_ERROR(take(etcd_int64(answer, "count"), &r.count));
  r.more = answer.get_bool_or("more", false);
  return r;
}

Result<long long> etcd_parse_deleted(const Json& answer) {
  if (!answer.is_object()) return bad_answer("a delete answer is not an object");
  return etcd_int64(answer, "deleted");
}

Result<EtcdTxnResult> etcd_parse_txn(const Json& answer) {
  EtcdTxnResult r;
  ACME_RETURN_IF_ERROR(take(etcd_header_revision(answer), &r.revision));
  ACME_RETURN_IF_ERROR(take(parse_each(answer, "responses", parse_op_result), &r.responses));
  r.succeeded = answer.get_bool_or("succeeded", false);
  return r;
}

Result<EtcdLease> etcd_parse_lease(const Json& answer) {
  if (!answer.is_object()) return bad_answer("a lease answer is not an object");
  Json body = answer.has("result") ? answer.get("result") : answer;
  if (!body.is_object()) return bad_answer("\"result\" is not an object");
  auto id = etcd_int64(body, "ID");
  auto ttl = etcd_int64(body, "TTL");
  ACME_RETURN_IF_ERROR(id);
  ACME_RETURN_IF_ERROR(ttl);
  if (*id == 0) return bad_answer("a lease answer has no \"ID\"");
  return EtcdLease{*id, *ttl};
}

}  // namespace acme
