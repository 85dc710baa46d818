#include "cluster/etcd_types.h"

#include <utility>

namespace acme {

namespace {

EtcdOp keyed(EtcdOp::Kind kind, std::string key, std::string range_end) {
  EtcdOp op;
  op.kind = kind;
  op.key = std::move(key);
  op.range_end = std::move(range_end);
  return op;
}

}  // namespace

EtcdCompare EtcdCompare::absent(std::string key) {
  EtcdCompare c;
  c.target = Target::kCreate;
  c.key = std::move(key);
  c.number = 0;  // create_revision 0: the key does not exist
  return c;
}

EtcdCompare EtcdCompare::lease_is(std::string key, long long lease) {
  EtcdCompare c;
  c.target = Target::kLease;
  c.key = std::move(key);
  c.number = lease;
  return c;
}

EtcdCompare EtcdCompare::value_is(std::string key, std::string value) {
  EtcdCompare c;
  c.target = Target::kValue;
  c.key = std::move(key);
  c.value = std::move(value);
  return c;
}

EtcdOp EtcdOp::put(std::string key, std::string value, long long lease) {
  EtcdOp op = keyed(Kind::kPut, std::move(key), std::string());
  op.value = std::move(value);
  op.lease = lease;
  return op;
}

EtcdOp EtcdOp::range(std::string key, std::string range_end) {
  return keyed(Kind::kRange, std::move(key), std::move(range_end));
}

EtcdOp EtcdOp::remove(std::string key, std::string range_end) {
  return keyed(Kind::kDelete, std::move(key), std::move(range_end));
}

std::string prefix_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // no upper bound: every key from `prefix` on
}

}  // namespace acme
