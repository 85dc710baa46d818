#include "cluster/etcd_watch.h"

#include "cluster/etcd_json.h"

namespace acme {

namespace {

size_t on_stream(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

Result<std::vector<EtcdWatchResponse>> EtcdWatchDecoder::feed(const std::string& bytes) {
  buffer_ += bytes;
  std::vector<EtcdWatchResponse> out;
  std::size_t start = 0, newline;
  while ((newline = buffer_.find('\n', start)) != std::string::npos) {
    std::string line = buffer_.substr(start, newline - start);
    start = newline + 1;
    if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
    auto json = Json::parse(line);
    if (!json.ok()) return Status(Code::kProtocol, "etcd watch: a line is not JSON");
    auto message = etcd_parse_watch(*json);
    ACME_RETURN_IF_ERROR(message);
    out.push_back(std::move(message.value()));
  }
  buffer_.erase(0, start);
  if (buffer_.size() > kMaxLine) {
    return Status(Code::kProtocol, "etcd watch: a line longer than 16 MiB");
  }
  return out;
}

EtcdWatch::EtcdWatch(std::vector<std::string> endpoints, EtcdTls tls)
    : endpoints_(std::move(endpoints)), options_(etcd_http_options(tls)) {
  if (endpoints_.empty()) endpoints_.push_back("http://127.0.0.1:2379");
  multi_ = curl_multi_init();
}

EtcdWatch::~EtcdWatch() {
  stop();
  if (multi_) curl_multi_cleanup(multi_);
}

void EtcdWatch::stop() {
  if (easy_ && multi_) curl_multi_remove_handle(multi_, easy_.get());
  easy_.reset();
  transfer_.reset();
  incoming_.clear();
  decoder_ = EtcdWatchDecoder();
}

Status EtcdWatch::start(const std::string& key, const std::string& range_end,
                        long long start_revision) {
  stop();
  easy_.reset(curl_easy_init());
  if (!multi_ || !easy_) return Status(Code::kNetwork, "etcd watch: libcurl has no handle");
  transfer_ = std::make_unique<CurlTransfer>();
  transfer_->request.method = "POST";
  transfer_->request.url = endpoint() + "/v3/watch";
  transfer_->request.body = etcd_watch_json(key, range_end, start_revision).dump();
  transfer_->request.content_type = "application/json";
  setup_easy(easy_.get(), options_, transfer_.get());
  // The stream has no end: no total timeout; keep-alive probes find a dead peer.
  curl_easy_setopt(easy_.get(), CURLOPT_TIMEOUT, 0L);
  curl_easy_setopt(easy_.get(), CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy_.get(), CURLOPT_WRITEFUNCTION, on_stream);
  curl_easy_setopt(easy_.get(), CURLOPT_WRITEDATA, &incoming_);
  curl_multi_add_handle(multi_, easy_.get());
  next_revision_ = start_revision;
  return Status::ok_status();
}

Status EtcdWatch::finished() {
  CURLcode rc = CURLE_OK;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg == CURLMSG_DONE) rc = msg->data.result;
  }
  long status = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
  std::string cause = rc != CURLE_OK ? curl_easy_strerror(rc)
                                     : "the stream ended (HTTP " + std::to_string(status) + ")";
  if (!decoder_.pending().empty()) cause += ": " + decoder_.pending().substr(0, 200);
  Status s(Code::kNetwork, "etcd watch " + transfer_->request.url + ": " + cause);
  current_ = (current_ + 1) % endpoints_.size();  // the next start() tries the next member
  stop();
  return s;
}

void EtcdWatch::advance(const std::vector<EtcdWatchResponse>& messages) {
  for (const EtcdWatchResponse& m : messages) {
    if (m.created && next_revision_ == 0) next_revision_ = m.revision + 1;
    for (const EtcdEvent& e : m.events) {
      if (e.kv.mod_revision >= next_revision_) next_revision_ = e.kv.mod_revision + 1;
    }
  }
}

Result<std::vector<EtcdWatchResponse>> EtcdWatch::poll(Millis max_wait) {
  if (!easy_) return Status(Code::kNetwork, "etcd watch: not started");
  int running = 0;
  curl_multi_perform(multi_, &running);
  if (running > 0 && incoming_.empty()) {
    curl_multi_poll(multi_, nullptr, 0, static_cast<int>(max_wait.count()), nullptr);
    curl_multi_perform(multi_, &running);
  }
  auto messages = decoder_.feed(incoming_);
  incoming_.clear();
  if (!messages.ok()) {
    Status s = messages.status().with_context(endpoint() + ": ");
    current_ = (current_ + 1) % endpoints_.size();
    stop();
    return s;
  }
  advance(*messages);
  if (running == 0 && messages->empty()) return finished();
  return messages;
}

}  // namespace acme
