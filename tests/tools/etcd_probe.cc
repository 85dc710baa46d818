// etcd_probe: drives mod_acme's etcd client (mod_acme/cluster/) against a real
// etcd for tests/integration/test_800_etcd_client.py. Built only for tests.
//
//   etcd_probe [--timeout S] [--tls CERT KEY CA] ENDPOINT[,ENDPOINT...] COMMAND ARGS...
//   etcd_probe ENDPOINTS store KEYFILE PREFIX OP ARGS...   (cluster/etcd_store.h)
//   etcd_probe ENDPOINTS mirror KEYFILE PREFIX JOB KEY_PEM (cluster/etcd_mirror.h)
//   etcd_probe ENDPOINTS fanout KEYFILE PREFIX             (cluster/challenge_publisher.h)
//
// Prints one JSON object per command (watch: per message) on stdout; errors go to stderr with exit
// status 1; "absent" or "busy" answers exit 3.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cluster/challenge_publisher.h"
#include "cluster/challenge_subscriber.h"
#include "cluster/cluster_key.h"
#include "cluster/etcd_client.h"
#include "cluster/etcd_lock.h"
#include "cluster/etcd_mirror.h"
#include "cluster/etcd_store.h"
#include "cluster/etcd_watch.h"
#include "cluster/node_registry.h"
#include "crypto/base64url.h"
#include "http/curl_http_client.h"

using namespace acme;

namespace {

using Args = std::vector<std::string>;

// --timeout S: the client's total timeout per request instead of the module's
// 5 s, for a test about sizes rather than latency on a loaded machine.
long g_total_timeout_s = 0;

int fail(const Status& s) {
  std::fprintf(stderr, "etcd_probe: %s\n", s.to_string().c_str());
  return 1;
}

int print(const Json& j, int rc = 0) {
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
  return rc;
}

double now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

int cmd_put(EtcdClient& etcd, const Args& a) {
  auto rev = etcd.put(a.at(0), a.at(1), a.size() > 2 ? std::atoll(a[2].c_str()) : 0);
  if (!rev.ok()) return fail(rev.status());
  return print(Json::object().set("revision", *rev).set("endpoint", etcd.current_endpoint()));
}

int cmd_get(EtcdClient& etcd, const Args& a) {
  auto r = etcd.get(a.at(0));
  if (!r.ok()) return fail(r.status());
  Json out = Json::object();
  out.set("endpoint", etcd.current_endpoint());
  if (r->kvs.empty()) return print(out.set_bool("present", false), 3);
  const EtcdKeyValue& kv = r->kvs[0];
  out.set_bool("present", true).set("value_b64", base64_encode(kv.value)).set("lease", kv.lease);
  return print(out.set("create_revision", kv.create_revision).set("version", kv.version));
}

int cmd_list(EtcdClient& etcd, const Args& a) {
  EtcdRange range;
  range.key = a.at(0);
  range.range_end = prefix_end(a[0]);
  auto r = etcd.range(range);
  if (!r.ok()) return fail(r.status());
  Json keys = Json::array();
  for (const auto& kv : r->kvs) keys.append(kv.key);
  return print(Json::object().set("keys", keys).set("count", r->count));
}

int cmd_delete(EtcdClient& etcd, const Args& a) {
  auto n = etcd.remove(a.at(0), a.size() > 1 && a[1] == "prefix" ? prefix_end(a[0]) : "");
  if (!n.ok()) return fail(n.status());
  return print(Json::object().set("deleted", *n));
}

// create KEY VALUE: put only if the key does not exist (a txn on create_revision == 0).
int cmd_create(EtcdClient& etcd, const Args& a) {
  EtcdTxn txn;
  txn.compare.push_back(EtcdCompare::absent(a.at(0)));
  txn.success.push_back(EtcdOp::put(a[0], a.at(1)));
  txn.failure.push_back(EtcdOp::range(a[0]));
  auto r = etcd.txn(txn);
  if (!r.ok()) return fail(r.status());
  Json out = Json::object().set_bool("succeeded", r->succeeded);
  if (!r->succeeded && !r->responses.empty() && !r->responses[0].kvs.empty()) {
    out.set("existing", r->responses[0].kvs[0].value);
  }
  return print(out, r->succeeded ? 0 : 3);
}

int cmd_grant(EtcdClient& etcd, const Args& a) {
  auto lease = etcd.lease_grant(std::atoll(a.at(0).c_str()));
  if (!lease.ok()) return fail(lease.status());
  return print(Json::object().set("id", std::to_string(lease->id)).set("ttl", lease->ttl_s));
}

int cmd_keepalive(EtcdClient& etcd, const Args& a) {
  auto lease = etcd.lease_keepalive(std::atoll(a.at(0).c_str()));
  if (!lease.ok()) return fail(lease.status());
  return print(Json::object().set("ttl", lease->ttl_s));
}

int cmd_revoke(EtcdClient& etcd, const Args& a) {
  Status s = etcd.lease_revoke(std::atoll(a.at(0).c_str()));
  if (!s.ok()) return fail(s);
  return print(Json::object().set_bool("revoked", true));
}

// lock KEY OWNER TTL WAIT_S HOLD_S [keepalive|silent]: tries to acquire for up
// to WAIT_S seconds (every 200 ms), then holds HOLD_S seconds (keep-alives
// every TTL/3 unless silent; -1 = until killed) and releases.
int hold(EtcdLock& lock, double hold_s, bool keepalive, long long ttl) {
  double until = hold_s < 0 ? 1e300 : now_s() + hold_s;
  int renewals = 0;
  while (now_s() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ttl * 1000 / 3));
    if (!keepalive) continue;
    Status s = lock.keep_alive();
    if (!s.ok()) return fail(s);
    ++renewals;
  }
  auto still = lock.holds_compare();
  Status s = lock.release();
  if (!s.ok()) return fail(s);
  return print(Json::object()
                   .set_bool("released", true)
                   .set("renewals", renewals)
                   .set("lease", still.number));
}

int cmd_lock(EtcdClient& etcd, const Args& a) {
  long long ttl = std::atoll(a.at(2).c_str());
  EtcdLock lock(etcd, a.at(0), a.at(1), ttl);
  double start = now_s(), deadline = start + std::atof(a.at(3).c_str());
  while (true) {
    auto got = lock.acquire();
    if (!got.ok()) return fail(got.status());
    if (*got) break;
    if (now_s() >= deadline) {
      return print(Json::object().set_bool("acquired", false).set("holder", lock.holder()), 3);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  Json out = Json::object().set_bool("acquired", true).set("lease", lock.lease());
  print(out.set("waited_ms", static_cast<long long>((now_s() - start) * 1000)));
  return hold(lock, std::atof(a.at(4).c_str()), a.size() < 6 || a[5] != "silent", ttl);
}

// seal KEYFILE KEY PLAINTEXT / open KEYFILE KEY: what ACMESharedStoreKeyFile does.
int cmd_seal(EtcdClient& etcd, const Args& a) {
  auto key = ClusterKey::load(a.at(0));
  if (!key.ok()) return fail(key.status());
  auto sealed = key->seal(a.at(2), a.at(1));
  if (!sealed.ok()) return fail(sealed.status());
  auto rev = etcd.put(a[1], *sealed);
  if (!rev.ok()) return fail(rev.status());
  return print(Json::object().set("revision", *rev).set("bytes", (long long)sealed->size()));
}

int cmd_open(EtcdClient& etcd, const Args& a) {
  auto key = ClusterKey::load(a.at(0));
  if (!key.ok()) return fail(key.status());
  auto r = etcd.get(a.at(1));
  if (!r.ok()) return fail(r.status());
  if (r->kvs.empty()) return print(Json::object().set_bool("present", false), 3);
  auto plain = key->open_sealed(r->kvs[0].value, a[1]);
  if (!plain.ok()) return fail(plain.status());
  return print(Json::object().set("plaintext", *plain));
}

// DATA, or the contents of FILE for "@FILE" (a value too big for argv).
std::string data_arg(const std::string& arg) {
  if (arg.empty() || arg[0] != '@') return arg;
  std::ifstream in(arg.substr(1), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int store_status(const Status& s) {
  if (s.ok()) return print(Json::object().set_bool("ok", true));
  int rc = fail(s);
  return s.code() == Code::kNotFound ? 3 : rc;  // absent, as get's
}

int store_names(const Result<std::vector<std::string>>& names) {
  if (!names.ok()) return fail(names.status());
  Json list = Json::array();
  for (const auto& n : *names) list.append(n);
  return print(Json::object().set("names", list));
}

int store_text(const Result<std::string>& text, const char* field) {
  if (!text.ok()) return store_status(text.status());
  return print(Json::object().set(field, *text).set("bytes", (long long)text->size()));
}

// locked LOCK PATH DATA: takes LOCK, writes PATH under it, then revokes the
// lock's lease behind the lock's back (as etcd does when keep-alives stop)
// and writes again; prints both results (the second must be refused).
int store_locked(EtcdClient& etcd, EtcdStore& etcd_store, const Args& a) {
  EtcdLock lock(etcd, a.at(3), "etcd_probe");
  auto got = lock.acquire();
  if (!got.ok()) return fail(got.status());
  if (!*got) return print(Json::object().set_bool("acquired", false), 3);
  EtcdStoreView under(etcd_store, &lock);
  Status first = under.write(a.at(4), a.at(5));
  Status revoked = etcd.lease_revoke(lock.lease());
  if (!revoked.ok()) return fail(revoked);
  Status second = under.write(a[4], a[5] + " (after the lock was lost)");
  Json out = Json::object().set_bool("first_ok", first.ok()).set_bool("second_ok", second.ok());
  out.set("first", first.message()).set("second", second.message());
  return print(out.set("second_code", code_name(second.code())));
}

// store KEYFILE PREFIX OP ARGS: write PATH DATA|@FILE [MODE], read PATH, list DIR,
// exists PATH, remove PATH, link TARGET PATH, read_link PATH, through EtcdStore;
// locked LOCK PATH DATA (above).
int cmd_store(EtcdClient& etcd, const Args& a) {
  auto key = ClusterKey::load(a.at(0));
  if (!key.ok()) return fail(key.status());
  auto layout = EtcdLayout::make(a.at(1));
  if (!layout.ok()) return fail(layout.status());
  EtcdStore etcd_store(etcd, *layout, *key);
  EtcdStoreView store(etcd_store);
  const std::string& op = a.at(2);
  if (op == "write") {
    int mode = a.size() > 5 ? static_cast<int>(std::strtol(a[5].c_str(), nullptr, 8)) : 0644;
    return store_status(store.write(a.at(3), data_arg(a.at(4)), mode));
  }
  if (op == "read") return store_text(store.read(a.at(3)), "data");
  if (op == "list") return store_names(store.list(a.at(3)));
  if (op == "exists") return print(Json::object().set_bool("exists", store.exists(a.at(3))));
  if (op == "remove") return store_status(store.remove(a.at(3)));
  if (op == "link") return store_status(store.link(a.at(3), a.at(4)));
  if (op == "read_link") return store_text(store.read_link(a.at(3)), "target");
  if (op == "locked") return store_locked(etcd, etcd_store, a);
  return fail(Status(Code::kInvalidArgument, "store: unknown operation " + op));
}

void print_message(const EtcdWatchResponse& m, const EtcdWatch& w, int* events) {
  if (m.created) {
    print(Json::object()
              .set_bool("created", true)
              .set("revision", m.revision)
              .set("endpoint", w.endpoint()));
  }
  for (const EtcdEvent& e : m.events) {
    Json j = Json::object().set("type", e.type == EtcdEvent::Type::kPut ? "PUT" : "DELETE");
    print(j.set("key", e.kv.key).set("value", e.kv.value).set("mod_revision", e.kv.mod_revision));
    ++*events;
  }
}

// watch PREFIX START_REVISION COUNT TIMEOUT_S: prints the created message and
// each event under PREFIX until COUNT events; a broken stream is started again
// from next_revision() on the next endpoint (printed as {"restart": ...}).
int cmd_watch(const std::vector<std::string>& endpoints, const EtcdTls& tls, const Args& a) {
  EtcdWatch w(endpoints, tls);
  const std::string prefix = a.at(0);
  Status s = w.start(prefix, prefix_end(prefix), std::atoll(a.at(1).c_str()));
  if (!s.ok()) return fail(s);
  int wanted = std::atoi(a.at(2).c_str()), events = 0, restarts = 0;
  double deadline = now_s() + std::atof(a.at(3).c_str());
  while (events < wanted && now_s() < deadline) {
    auto messages = w.poll(Millis(200));
    if (!messages.ok()) {
      print(Json::object().set("restart", messages.status().message()));
      if (++restarts > 10) return fail(messages.status());
      s = w.start(prefix, prefix_end(prefix), w.next_revision());
      if (!s.ok()) return fail(s);
      continue;
    }
    for (const auto& m : *messages) print_message(m, w, &events);
  }
  return print(Json::object().set("next_revision", w.next_revision()), events < wanted ? 3 : 0);
}

// Feeds mirror from watch until it has seen revision `until` or the deadline.
Status follow(EtcdWatch& watch, EtcdMirror& mirror, long long until, double deadline) {
  while (mirror.revision() < until && now_s() < deadline) {
    auto messages = watch.poll(Millis(200));
    if (!messages.ok()) return messages.status();
    for (const auto& m : *messages) ACME_RETURN_IF_ERROR(mirror.apply(m));
  }
  return Status();
}

// mirror KEYFILE PREFIX JOB_DATA KEY_PEM: loads the mirror of PREFIX/store/ by
// a range, watches from the next revision, then writes jobs/m.test/job.json
// and (sealed) jobs/m.test/privkey.pem and removes jobs/old.test through the
// EtcdStore, follows the watch until the mirror has seen them (10 s at most)
// and prints what MirrorStore reads.
int cmd_mirror(const std::vector<std::string>& endpoints, const EtcdTls& tls, const Args& a) {
  auto key = ClusterKey::load(a.at(0));
  if (!key.ok()) return fail(key.status());
  auto layout = EtcdLayout::make(a.at(1));
  if (!layout.ok()) return fail(layout.status());
  EtcdClient etcd(endpoints, make_etcd_http_client(tls));
  EtcdStore etcd_store(etcd, *layout, *key);
  EtcdStoreView store(etcd_store);
  EtcdMirror mirror(layout->store_root());
  EtcdRange all;
  all.key = mirror.root();
  all.range_end = mirror.range_end();
  auto loaded = etcd.range(all);
  if (!loaded.ok()) return fail(loaded.status());
  mirror.load(*loaded);
  const std::size_t at_load = mirror.size();
  EtcdWatch watch(endpoints, tls);
  Status s = watch.start(all.key, all.range_end, mirror.next_revision());
  if (s.ok()) s = store.write("jobs/m.test/job.json", a.at(2));
  if (s.ok()) s = store.write("jobs/m.test/privkey.pem", a.at(3), 0600);
  if (s.ok()) s = store.remove("jobs/old.test");
  auto last = s.ok() ? etcd.get(all.key) : Result<EtcdRangeResult>(s);  // the revision now
  if (!last.ok()) return fail(last.status());
  s = follow(watch, mirror, last->revision, now_s() + 10);
  if (!s.ok()) return fail(s);
  MirrorStore view(mirror, *layout, *key);
  auto job = view.read("jobs/m.test/job.json");
  auto pem = view.read("jobs/m.test/privkey.pem");
  if (!job.ok() || !pem.ok()) return fail(job.ok() ? pem.status() : job.status());
  auto names = view.list("jobs");
  if (!names.ok()) return fail(names.status());
  Json jobs = Json::array();
  for (const auto& n : *names) jobs.append(n);
  Json out = Json::object().set("job", *job).set("key", *pem).set("jobs", jobs);
  out.set_bool("old_exists", view.exists("jobs/old.test")).set("keys_at_load", (long long)at_load);
  return print(out.set("revision", mirror.revision()).set("target", last->revision));
}

// One node of the fan-out: its registration, what it serves, its subscriber
// fed by a watch of its own.
struct FanoutNode : ChallengeSink {
  FanoutNode(EtcdClient& etcd, const EtcdLayout& layout, const ClusterKey& key,
             const std::vector<std::string>& endpoints, const EtcdTls& tls, const char* name)
      : registry(etcd, layout, name), subscriber(layout, key, *this), watch(endpoints, tls) {}
  Status publish(const ChallengeAnswer& a) override {
    served[a.token] = a.answer;
    return Status();
  }
  void withdraw(const ChallengeAnswer& a) override { served.erase(a.token); }
  Json served_tokens() const {
    Json out = Json::array();
    for (const auto& [token, answer] : served) out.append(token);
    return out;
  }
  NodeRegistry registry;
  ChallengeSubscriber subscriber;
  EtcdWatch watch;
  std::map<std::string, std::string> served;
};

Status fanout_join(EtcdClient& etcd, FanoutNode& node) {
  ACME_RETURN_IF_ERROR(node.registry.start());
  EtcdRange all;
  all.key = node.subscriber.root();
  all.range_end = node.subscriber.range_end();
  auto loaded = etcd.range(all);
  ACME_RETURN_IF_ERROR(loaded);
  ACME_RETURN_IF_ERROR(node.subscriber.load(*loaded));
  // Ready for the CA, as a node's watchdog marks itself once its readiness
  // answer says so (cluster/node_registry.h): the orderer waits for one.
  ACME_RETURN_IF_ERROR(node.registry.set_ready(true));
  return node.watch.start(all.key, all.range_end, node.subscriber.next_revision());
}

// One round of a node's watchdog: what the watch brought, then the acks.
Status fanout_round(EtcdClient& etcd, FanoutNode& node) {
  auto messages = node.watch.poll(Millis(100));
  ACME_RETURN_IF_ERROR(messages);
  for (const auto& m : *messages) ACME_RETURN_IF_ERROR(node.subscriber.apply(m));
  return node.subscriber.write_acks(etcd, node.registry);
}

Json report_json(const AckReport& r) {
  Json acked = Json::array(), missing = Json::array();
  for (const auto& n : r.acked) acked.append(n);
  for (const auto& n : r.missing) missing.append(n);
  Json out = Json::object().set("acked", acked).set("missing", missing);
  return out.set_bool("go", r.go).set_bool("all_acked", r.all_acked);
}

long long keys_under(EtcdClient& etcd, const std::string& prefix) {
  EtcdRange range;
  range.key = prefix;
  range.range_end = prefix_end(prefix);
  range.keys_only = true;
  auto r = etcd.range(range);
  return r.ok() ? static_cast<long long>(r->kvs.size()) : -1;
}

// fanout KEYFILE PREFIX: nodes web1 and web2 register and subscribe (a range,
// then each its own watch); web1 publishes an http-01 and a tls-alpn-01 answer
// and waits (10 s at most) until ready() says every live node acked both; then
// withdraws both and waits until neither node serves anything. Prints what
// each node served, the reports, and what is left in etcd.
int cmd_fanout(const std::vector<std::string>& endpoints, const EtcdTls& tls, const Args& a) {
  auto key = ClusterKey::load(a.at(0));
  if (!key.ok()) return fail(key.status());
  auto layout = EtcdLayout::make(a.at(1));
  if (!layout.ok()) return fail(layout.status());
  EtcdClient etcd(endpoints, make_etcd_http_client(tls));
  FanoutNode web1(etcd, *layout, *key, endpoints, tls, "web1");
  FanoutNode web2(etcd, *layout, *key, endpoints, tls, "web2");
  Status s = fanout_join(etcd, web1);
  if (s.ok()) s = fanout_join(etcd, web2);
  if (!s.ok()) return fail(s);
  ChallengePublisher::Options options;
  options.bound = Millis(10000);
  ChallengePublisher publisher(etcd, *layout, *key, "web1", options);
  const std::string pems =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
      "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";
  const ChallengeAnswer http{"tokA", ChallengeKind::kHttp01, "a.test", "tokA.thumb"};
  const ChallengeAnswer alpn{"tokB", ChallengeKind::kTlsAlpn01, "b.test", pems};
  s = publisher.publish(http);
  if (s.ok()) s = publisher.publish(alpn);
  if (!s.ok()) return fail(s);
  auto stored = etcd.get(layout->challenge("tokB"));
  if (!stored.ok() || stored->kvs.empty()) return fail(Status(Code::kNotFound, "tokB not stored"));
  Json out = Json::object().set("live", keys_under(etcd, layout->nodes()));
  out.set_bool("alpn_key_in_clear", stored->kvs[0].value.find("PRIVATE KEY") != std::string::npos);
  AckReport ra, rb;
  const double deadline = now_s() + 10;
  while (!(ra.all_acked && rb.all_acked) && now_s() < deadline) {
    for (FanoutNode* n : {&web1, &web2})
      if (!(s = fanout_round(etcd, *n)).ok()) return fail(s);
    auto a1 = publisher.ready("tokA");
    auto b1 = publisher.ready("tokB");
    if (!a1.ok() || !b1.ok()) return fail(a1.ok() ? b1.status() : a1.status());
    ra = *a1;
    rb = *b1;
  }
  out.set("http01", report_json(ra)).set("tls_alpn01", report_json(rb));
  out.set_bool("web2_serves_alpn", web2.served["tokB"] == pems);
  out.set("web1_served", web1.served_tokens()).set("web2_served", web2.served_tokens());
  out.set("acks", keys_under(etcd, layout->all() + "acks/"));
  s = publisher.withdraw("tokA");
  if (s.ok()) s = publisher.withdraw("tokB");
  if (!s.ok()) return fail(s);
  const double withdraw_deadline = now_s() + 10;
  while ((!web1.served.empty() || !web2.served.empty()) && now_s() < withdraw_deadline) {
    for (FanoutNode* n : {&web1, &web2})
      if (!(s = fanout_round(etcd, *n)).ok()) return fail(s);
  }
  out.set("web1_after", web1.served_tokens()).set("web2_after", web2.served_tokens());
  out.set("acks_after", keys_under(etcd, layout->all() + "acks/"));
  out.set("challenges_after", keys_under(etcd, layout->challenges()));
  s = web1.registry.stop();
  if (s.ok()) s = web2.registry.stop();
  if (!s.ok()) return fail(s);
  return print(out.set("live_after_stop", keys_under(etcd, layout->nodes())));
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int run(EtcdTls tls, const std::string& endpoints, const std::string& command, const Args& args) {
  static const std::map<std::string, std::function<int(EtcdClient&, const Args&)>> commands = {
      {"put", cmd_put},
      {"get", cmd_get},
      {"list", cmd_list},
      {"delete", cmd_delete},
      {"create", cmd_create},
      {"grant", cmd_grant},
      {"keepalive", cmd_keepalive},
      {"revoke", cmd_revoke},
      {"lock", cmd_lock},
      {"seal", cmd_seal},
      {"open", cmd_open},
      {"store", cmd_store}};
  auto it = commands.find(command);
  if (it == commands.end() && command != "watch" && command != "mirror" && command != "fanout")
    return fail(Status(Code::kInvalidArgument, "unknown command"));
  auto checked = etcd_check_endpoints(split(endpoints));
  if (!checked.ok()) return fail(checked.status());
  Status tls_ok = etcd_check_tls(tls);
  if (!tls_ok.ok()) return fail(tls_ok);
  try {
    if (command == "watch") return cmd_watch(*checked, tls, args);
    if (command == "mirror") return cmd_mirror(*checked, tls, args);
    if (command == "fanout") return cmd_fanout(*checked, tls, args);
    HttpOptions options = etcd_http_options(tls);
    if (g_total_timeout_s > 0) options.total_timeout_s = g_total_timeout_s;
    EtcdClient etcd(*checked, std::make_unique<CurlHttpClient>(options));
    return it->second(etcd, args);
  } catch (const std::out_of_range&) {
    return fail(Status(Code::kInvalidArgument, command + ": missing arguments"));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args all(argv + 1, argv + argc);
  if (all.size() >= 2 && all[0] == "--timeout") {
    g_total_timeout_s = std::atol(all[1].c_str());
    all.erase(all.begin(), all.begin() + 2);
  }
  EtcdTls tls;
  if (all.size() >= 4 && all[0] == "--tls") {
    tls = EtcdTls{all[1], all[2], all[3]};
    all.erase(all.begin(), all.begin() + 4);
  }
  if (all.size() < 2) {
    std::fprintf(stderr, "usage: etcd_probe [--tls CERT KEY CA] ENDPOINTS COMMAND ARGS...\n");
    return 2;
  }
  CurlHttpClient::global_init();
  return run(tls, all[0], all[1], Args(all.begin() + 2, all.end()));
}
