#include "preflight/probe.h"

#include <openssl/rand.h>

#include "crypto/base64url.h"
#include "json/json.h"
#include "store/layout.h"

namespace acme {

namespace {

constexpr const char kPrefix[] = "_preflight-";

std::string random_text(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    return "";
  return base64url_encode(raw);
}

Json probes_json(const std::vector<Probe>& probes) {
  Json list = Json::array();
  for (const auto& p : probes)
    list.append(Json::object().set("host", p.host).set("token", p.token).set("value", p.value));
  return list;
}

}  // namespace

Probe new_probe(const std::string& host) {
  return {host, kProbeTokenPrefix + random_text(24), random_text(24)};
}

std::string new_probe_request_id() {
  return random_text(12);
}

std::string probe_request_path(const std::string& id) {
  return layout::request_path(std::string(kPrefix) + id + ".json");
}

Status write_probe_request(Store& store, const std::string& id, const std::vector<Probe>& probes) {
  Json request = Json::object().set("action", "publish").set("probes", probes_json(probes));
  return store.write(probe_request_path(id), request.dump() + "\n", 0644);
}

Status write_probe_withdrawal(Store& store, const std::string& id,
                              const std::vector<Probe>& probes) {
  Json request = Json::object().set("action", "withdraw").set("probes", probes_json(probes));
  return store.write(probe_request_path(id), request.dump() + "\n", 0644);
}

void ProbePublisher::take(const std::vector<std::string>& names, TimePoint now) {
  for (auto it = expires_.begin(); it != expires_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    table_.remove(it->first);
    it = expires_.erase(it);
  }
  for (const auto& name : names)
    if (name.compare(0, sizeof(kPrefix) - 1, kPrefix) == 0) take_file(name, now);
}

void ProbePublisher::take_file(const std::string& name, TimePoint now) {
  const std::string path = layout::request_path(name);
  Result<std::string> text = store_.read(path);
  // First: a bad file is not read again every tick. One that cannot be
  // removed is not acted on (acmectl, waiting for it to go, says so).
  bool taken = take_request_file(store_, path, unremovable_, [&](const std::string& cause) {
    log_.log(LogLevel::kWarn, kMsgPreflight,
             "ignored the preflight request " + store_.absolute(path) + ": it cannot be removed (" +
                 cause + ")");
  });
  if (!taken) return;
  Result<Json> json = text.ok() ? Json::parse(*text) : Result<Json>(text.status());
  Result<Json> probes = json.ok() ? json->get_array("probes") : Result<Json>(json.status());
  if (!probes.ok()) {
    log_.log(LogLevel::kWarn, kMsgPreflight,
             "ignored the preflight request " + path + ": " + probes.status().message());
    return;
  }
  bool withdraw = json->get_string_or("action", "") == "withdraw";
  for (std::size_t i = 0; i < probes->size(); ++i) {
    Json p = probes->at(i);
    Probe probe{p.get_string_or("host", ""), p.get_string_or("token", ""),
                p.get_string_or("value", "")};
    if (probe.token.rfind(kProbeTokenPrefix, 0) != 0) continue;  // never a job's answer
    if (withdraw) {
      this->withdraw(probe.token);
      continue;
    }
    Status put = publish(probe, now);
    if (!put.ok())
      log_.log(LogLevel::kWarn, kMsgPreflight,
               "could not publish the preflight probe for " + probe.host + ": " + put.message());
  }
}

Status ProbePublisher::publish(const Probe& probe, TimePoint now) {
  ACME_RETURN_IF_ERROR(table_.put(probe.host, probe.token, probe.value));
  expires_[probe.token] = now + kProbeLifetime;
  return Status::ok_status();
}

bool ProbePublisher::adopt(const std::string& token, TimePoint now) {
  if (token.rfind(kProbeTokenPrefix, 0) != 0) return false;
  expires_[token] = now + kProbeLifetime;
  return true;
}

void ProbePublisher::withdraw(const std::string& token) {
  table_.remove(token);
  expires_.erase(token);
}

}  // namespace acme
