// EtcdWatch: etcd's watch (POST /v3/watch) over a streaming libcurl transfer.
//
// The gateway answers a watch with a stream that does not end: one JSON
// object per line, {"result": WatchResponse}, the first with "created":true,
// then one per batch of events. So this is not a request/answer HttpClient
// call: the transfer runs on a libcurl multi handle of its own and poll()
// waits a bounded time for lines (the watchdog's tick must not block).
//
// Nothing is missed across a restart: next_revision() is one past the last
// event seen (or past the revision the watch was created at), and start()
// with it resumes exactly there, on the next endpoint when the stream broke.
// A compact_revision in a message means the history is gone: range again.
// Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "cluster/etcd_client.h"
#include "cluster/etcd_types.h"
#include "http/curl_easy.h"

namespace acme {

// Splits the stream into lines and parses each: pure, for tests and fuzzing.
class EtcdWatchDecoder {
 public:
  static constexpr std::size_t kMaxLine = 16 << 20;
  // The messages completed by these bytes; an error when a line is not a
  // watch message (the stream is of no further use then).
  Result<std::vector<EtcdWatchResponse>> feed(const std::string& bytes);
  std::size_t buffered() const { return buffer_.size(); }
  const std::string& pending() const { return buffer_; }  // an unfinished last line

 private:
  std::string buffer_;
};

class EtcdWatch {
 public:
  EtcdWatch(std::vector<std::string> endpoints, EtcdTls tls);
  ~EtcdWatch();
  EtcdWatch(const EtcdWatch&) = delete;
  EtcdWatch& operator=(const EtcdWatch&) = delete;

  // Watches [key, range_end) from start_revision (0: from now on).
  Status start(const std::string& key, const std::string& range_end, long long start_revision);
  // Waits at most max_wait; the messages that arrived (maybe none). An error
  // when the stream ended or broke: start() again from next_revision().
  Result<std::vector<EtcdWatchResponse>> poll(Millis max_wait);
  long long next_revision() const { return next_revision_; }
  const std::string& endpoint() const { return endpoints_[current_]; }

 private:
  void stop();
  Status finished();  // why the transfer ended
  void advance(const std::vector<EtcdWatchResponse>& messages);

  std::vector<std::string> endpoints_;
  HttpOptions options_;
  std::size_t current_ = 0;
  CURLM* multi_ = nullptr;
  std::unique_ptr<CURL, CurlDeleter> easy_;
  std::unique_ptr<CurlTransfer> transfer_;
  std::string incoming_;  // bytes from libcurl not yet decoded
  EtcdWatchDecoder decoder_;
  long long next_revision_ = 0;
};

}  // namespace acme
