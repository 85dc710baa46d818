#include "preflight_cmd.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "acme/directory.h"
#include "http/curl_http_client.h"
#include "json/json.h"
#include "preflight/curl_prober.h"
#include "preflight/dns.h"
#include "request_cmd.h"
#include "store/file_store.h"
#include "store/layout.h"

namespace acme::ctl {

namespace {

constexpr Seconds kDnsTimeout{2};
constexpr Seconds kProbeTimeout{5};
// The watchdog looks at requests/ every ACMECheckInterval or 2 s, whichever
// is sooner (Renewer::Options::request_poll); a busy tick adds its budget.
constexpr Millis kPublishWait{10000};

std::vector<std::string> local_addresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> owner(list, freeifaddrs);
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    char text[INET6_ADDRSTRLEN] = "";
    if (i->ifa_addr->sa_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text,
                sizeof(text));
    else if (i->ifa_addr->sa_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, text,
                sizeof(text));
    if (text[0] && std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
  }
  return out;
}

Result<std::vector<std::string>> fetch_caa_identities(const std::string& url) {
  HttpOptions options;
  options.connect_timeout_s = 5;
  options.total_timeout_s = 5;
  options.user_agent = "acmectl/" ACME_VERSION;
  CurlHttpClient http(options);
  HttpRequest request;
  request.url = url;
  Result<HttpResponse> response = http.send(request);
  ACME_RETURN_IF_ERROR(response);
  if (response->status != 200)
    return Status(Code::kProtocol, url + " answered HTTP " + std::to_string(response->status));
  Result<Json> json = Json::parse(response->body);
  ACME_RETURN_IF_ERROR(json);
  Result<Directory> directory = parse_directory(*json);
  ACME_RETURN_IF_ERROR(directory);
  return directory->caa_identities;
}

std::string challenges_text(const Args& args) {
  std::string out;
  for (const auto& c : args.challenges) {
    out += (out.empty() ? "" : ", ") + c;
    if (c == "http-01") out += " (port " + std::to_string(args.http_port) + ")";
    if (c == "tls-alpn-01") out += " (port " + std::to_string(args.tls_port) + ")";
  }
  return out;
}

std::string resolver_text(const Args& args) {
  if (args.resolver.empty()) return "the system's (/etc/resolv.conf)";
  const Endpoint& e = args.resolver_address;
  return (e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host) + ":" +
         std::to_string(e.port);
}

PreflightSettings settings_for(const Args& args, const CaIdentity& ca, bool served) {
  PreflightSettings s;
  s.challenges = args.challenges;
  s.dns01_configured = std::count(args.challenges.begin(), args.challenges.end(), "dns-01") > 0;
  s.issuer_domains = ca.issuer_domains;
  s.ca = ca.label;
  s.http_port = args.http_port;
  s.tls_port = args.tls_port;
  s.local_addresses = local_addresses();
  s.probes_served = served;
  return s;
}

}  // namespace

int preflight_exit_code(const std::vector<NameReport>& reports) {
  auto any = [&](Severity s) {
    return std::any_of(reports.begin(), reports.end(),
                       [s](const NameReport& r) { return has_severity(r, s); });
  };
  if (any(Severity::kUnchecked)) return kExitUsage;
  return any(Severity::kProblem) ? kExitProblem : kExitOk;
}

CaIdentity resolve_ca(const std::string& ca, const DirectoryFetcher& fetch_directory) {
  CaIdentity out;
  if (ca.empty()) {
    out.label = "not named";
    out.note = "no --ca given and no single ACME account in the store";
    return out;
  }
  std::string url = known_ca_url(ca);
  if (url.empty() && ca.find("://") != std::string::npos) url = ca;
  if (url.empty()) {  // an issuer domain, as CAA records name it
    out.label = ca;
    std::string domain = ca;
    for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.issuer_domains.push_back(domain);
    return out;
  }
  out.label = url;
  Result<std::vector<std::string>> ids = fetch_directory(url);
  if (!ids.ok()) {
    out.note = "its directory could not be read: " + ids.status().message();
  } else if (ids->empty()) {
    out.note = "its directory lists no caaIdentities";
  } else {
    out.issuer_domains = *ids;
  }
  return out;
}

std::string store_ca(const Store& store) {
  auto accounts = store.list(layout::kAccountsDir);
  if (!accounts.ok() || accounts->size() != 1) return "";
  // FileStore reads fd-relative, regular files only, size-capped: safe for
  // root in the child's accounts/ (DESIGN.md, the privilege rule).
  auto text = store.read(layout::file_in(
      std::string(layout::kAccountsDir) + "/" + accounts->front(), layout::kAccountFile));
  auto json = text.ok() ? Json::parse(*text) : Result<Json>(text.status());
  return json.ok() ? json->get_string_or("ca", "") : "";
}

bool publish_probes(Store& store, const std::string& id, const std::vector<Probe>& probes,
                    Millis wait, std::ostream& err) {
  Status written = write_probe_request(store, id, probes);
  if (!written.ok()) {
    err << "acmectl preflight: " << written.message() << "\n";
    return false;
  }
  match_requests_owner(store);
  const std::string path = probe_request_path(id);
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (store.exists(path)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      // Unanswered: taken back. One left behind is published by a watchdog
      // that starts later and withdrawn at the end of the probes' lifetime.
      (void)store.remove(path);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

int run_preflight(const Args& args, std::ostream& out, std::ostream& err) {
  if (!store_dir_usable(args, err)) return kExitUsage;
  ResolverOptions ro;
  ro.server = args.resolver_address.host;
  ro.port = args.resolver_address.port;
  ro.timeout = kDnsTimeout;
  auto resolver = make_libresolv_resolver(ro);
  if (!resolver.ok()) {
    err << "acmectl preflight: --resolver: " << resolver.status().message() << "\n";
    return kExitUsage;
  }
  FileStore store(std::filesystem::absolute(args.store_dir).string());
  CaIdentity ca = resolve_ca(args.ca.empty() ? store_ca(store) : args.ca, fetch_caa_identities);
  CurlProber prober(kProbeTimeout);
  std::vector<Probe> probes;
  bool connects = std::count(args.challenges.begin(), args.challenges.end(), "http-01") ||
                  std::count(args.challenges.begin(), args.challenges.end(), "tls-alpn-01");
  for (const auto& name : args.names) {
    // A wildcard is validated by dns-01 only, as is everything with dns-01 alone.
    if (!connects || name.compare(0, 2, "*.") == 0) continue;
    probes.push_back(new_probe(name));
    prober.add(probes.back());
  }
  const std::string id = new_probe_request_id();
  bool served = probes.empty() || publish_probes(store, id, probes, kPublishWait, err);
  out << "Preflight: CA " << ca.label
      << (ca.issuer_domains.empty() ? " (issuer domain unknown: " + ca.note + ")" : "")
      << "; challenges " << challenges_text(args) << "; DNS server " << resolver_text(args)
      << (served ? ""
                 : "\nThe running httpd did not take the probe within 10 s: is it running "
                   "with ACMEStoreDir " +
                       store.absolute("") + "?")
      << "\n\n";
  std::vector<NameReport> reports;
  for (const auto& name : args.names) {
    reports.push_back(run_preflight(name, settings_for(args, ca, served), **resolver, prober));
    out << format_name_report(reports.back()) << "\n";
  }
  // The probes' answers expire by themselves: a withdrawal not written only
  // leaves them served until then, and the report is already printed.
  if (served && !probes.empty()) (void)write_probe_withdrawal(store, id, probes);
  int code = preflight_exit_code(reports);
  out << (code == kExitOk        ? "All names passed.\n"
          : code == kExitProblem ? "Problems found: fix each FIX: line before ordering.\n"
                                 : "Some checks could not be done (??? lines).\n");
  return code;
}

}  // namespace acme::ctl
