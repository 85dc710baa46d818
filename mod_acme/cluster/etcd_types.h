// The etcd v3 messages mod_acme uses, as plain C++ (api/etcdserverpb/rpc.proto,
// mvccpb/kv.proto). Keys and values are raw bytes here; base64 and the JSON
// spelling live only in cluster/etcd_json.cc. An int64 the server leaves out
// (proto3 omits zero values) is 0 here.
#pragma once

#include <string>
#include <vector>

namespace acme {

struct EtcdKeyValue {  // mvccpb.KeyValue
  std::string key;
  std::string value;
  long long create_revision = 0;
  long long mod_revision = 0;
  long long version = 0;
  long long lease = 0;  // 0: no lease
};

struct EtcdRange {  // RangeRequest: key alone, or [key, range_end)
  std::string key;
  std::string range_end;  // "" = the single key; see prefix_end()
  long long limit = 0;    // 0 = no limit
  bool keys_only = false;
  bool count_only = false;
  long long revision = 0;  // 0 = the latest; else as of that revision (one snapshot, paged)
};

struct EtcdRangeResult {
  long long revision = 0;  // the store's revision the answer was read at
  std::vector<EtcdKeyValue> kvs;
  bool more = false;
  long long count = 0;
};

// Compare (rpc.proto): target of key `op` number-or-value.
struct EtcdCompare {
  enum class Target { kVersion, kCreate, kMod, kValue, kLease };
  enum class Op { kEqual, kGreater, kLess, kNotEqual };
  Target target = Target::kCreate;
  Op op = Op::kEqual;
  std::string key;
  long long number = 0;  // version, create/mod revision or lease id
  std::string value;     // Target::kValue only
  // The compares this code uses: CREATE == 0 (the key does not exist),
  // LEASE == lease (the key is under that lease), VALUE == value (fails on a
  // missing key).
  static EtcdCompare absent(std::string key);
  static EtcdCompare lease_is(std::string key, long long lease);
  static EtcdCompare value_is(std::string key, std::string value);
};

// RequestOp: one put, range or delete inside a transaction.
struct EtcdOp {
  enum class Kind { kPut, kRange, kDelete };
  Kind kind = Kind::kRange;
  std::string key;
  std::string value;      // kPut
  long long lease = 0;    // kPut
  std::string range_end;  // kRange, kDelete
  static EtcdOp put(std::string key, std::string value, long long lease = 0);
  static EtcdOp range(std::string key, std::string range_end = "");
  static EtcdOp remove(std::string key, std::string range_end = "");
};

struct EtcdTxn {
  std::vector<EtcdCompare> compare;  // all must hold for `success` to run
  std::vector<EtcdOp> success;
  std::vector<EtcdOp> failure;
};

struct EtcdOpResult {  // ResponseOp
  EtcdOp::Kind kind = EtcdOp::Kind::kRange;
  std::vector<EtcdKeyValue> kvs;  // kRange
  long long deleted = 0;          // kDelete
};

struct EtcdTxnResult {
  long long revision = 0;
  bool succeeded = false;
  std::vector<EtcdOpResult> responses;  // one per op of the branch that ran
};

struct EtcdLease {
  long long id = 0;
  long long ttl_s = 0;  // 0 from a keep-alive: the lease has expired or is unknown
};

struct EtcdEvent {  // mvccpb.Event
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  EtcdKeyValue kv;  // a delete carries the key and its mod_revision only
};

// One message of a watch stream (WatchResponse).
struct EtcdWatchResponse {
  long long revision = 0;  // header: the store's revision when it was sent
  long long watch_id = 0;
  bool created = false;            // the first message: the watch is in place
  bool canceled = false;           // the server ended the watch (cancel_reason says why)
  long long compact_revision = 0;  // >0: events before it are compacted away; range again
  std::string cancel_reason;
  std::vector<EtcdEvent> events;
};

// The range_end that selects every key starting with `prefix` (etcd's
// clientv3.GetPrefixRangeEnd): the prefix with its last byte below 0xff
// incremented; "\0" (every key) when no byte can be.
std::string prefix_end(const std::string& prefix);

}  // namespace acme
