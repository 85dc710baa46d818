// The JSON spelling of etcd's v3 gateway (grpc-gateway over rpc.proto, served
// under /v3/ by etcd 3.4 and later): request bodies built from cluster/etcd_types.h
// and answers parsed back. Bytes fields are standard base64; int64 fields come
// back as decimal strings and are accepted as strings or numbers; fields
// equal to zero, false or empty are left out by the server. An answer that
// does not have this shape is a kProtocol error naming the field.
#pragma once

#include <string>

#include "base/status.h"
#include "cluster/etcd_types.h"
#include "json/json.h"

namespace acme {

Json etcd_put_json(const std::string& key, const std::string& value, long long lease);
Json etcd_range_json(const EtcdRange& range);
Json etcd_delete_json(const std::string& key, const std::string& range_end);
Json etcd_txn_json(const EtcdTxn& txn);
// WatchRequest{create_request}: [key, range_end) from start_revision (0: from now).
Json etcd_watch_json(const std::string& key, const std::string& range_end,
                     long long start_revision);

Result<long long> etcd_header_revision(const Json& answer);  // 0 when the header is absent
Result<EtcdRangeResult> etcd_parse_range(const Json& answer);
Result<long long> etcd_parse_deleted(const Json& answer);
Result<EtcdTxnResult> etcd_parse_txn(const Json& answer);
// LeaseGrantResponse, or a keep-alive's {"result": LeaseKeepAliveResponse}.
Result<EtcdLease> etcd_parse_lease(const Json& answer);
// One line of the watch stream: {"result": WatchResponse}, or {"error": ...}.
Result<EtcdWatchResponse> etcd_parse_watch(const Json& message);
// An int64 field: absent = 0; a decimal string or a JSON integer; else kProtocol.
Result<long long> etcd_int64(const Json& object, const std::string& field);

}  // namespace acme
