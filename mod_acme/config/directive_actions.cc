#include "config/directive_actions.h"

#include <utility>

#include "crypto/base64url.h"

namespace acme {

namespace {

using Args = DirectiveArgs;
using To = const DirectiveTarget&;

// The parsed value into field, or the parser's refusal.
template <class T, class U>
Status keep(T& field, Result<U> parsed) {
  if (parsed.ok()) field = std::move(*parsed);
  return parsed.status();
}

// The record a member belongs to: the vhost's directives or the global settings.
VhostDirectives& record(To to, VhostDirectives*) {
  return to.vhost;
}
GlobalSettings& record(To to, GlobalSettings*) {
  return to.global;
}
template <class R, class T>
T& field(To to, T R::*member) {
  return record(to, static_cast<R*>(nullptr)).*member;
}

// The shapes most directives share: one value or every word read by a
// parser, a readable file, a flag.
template <auto Member, auto Parse>
Status one(To to, const Args& a) {
  return keep(field(to, Member), Parse(a[0]));
}
template <auto Member, auto Parse>
Status all(To to, const Args& a) {
  return keep(field(to, Member), Parse(a));
}
template <auto Member>
Status file(To to, const Args& a) {
  return keep(field(to, Member), parse_readable_file(a[0], to.resolve));
}
template <auto Member>
Status flag(To to, const Args& a) {
  field(to, Member) = a[0] == "on";
  return Status();
}

// TAKE12's second argument, null when absent (as the parsers take it).
const char* second(const Args& a) {
  return a.size() > 1 ? a[1].c_str() : nullptr;
}

Status terms(To to, const Args& a) {
  Status agreed = parse_terms(a[0]);
  to.vhost.terms_agreed = to.vhost.terms_agreed || agreed.ok();
  return agreed;
}

// KID HMAC-KEY, or a JSON file (keeps the key out of httpd.conf). The key is
// kept base64url: its raw bytes may hold NUL.
Status eab(To to, const Args& a) {
  Result<ExternalAccountBinding> eab = parse_eab_directive(a[0], second(a), to.resolve);
  if (!eab.ok()) return eab.status();
  to.vhost.eab_kid = eab->kid;
  to.vhost.eab_key = base64url_encode(eab->hmac_key);
  return Status();
}

Status profile(To to, const Args& a) {
  return keep(to.vhost.profile, parse_profile(a[0], second(a)));
}

Status store_dir(To to, const Args& a) {
  to.global.store_dir = to.resolve(a[0]);
  return Status();
}

// Appends to the vhost's earlier ACMEDomain lines.
Status domains(To to, const Args& a) {
  std::vector<std::string>& names = to.vhost.domains;
  Result<std::vector<std::string>> more = parse_domains(a, names);
  if (more.ok()) names.insert(names.end(), more->begin(), more->end());
  return more.status();
}

// 80:8080 443:8443 (setups behind port mappings).
Status port_map(To to, const Args& a) {
  Result<PortMap> map = parse_port_map(a);
  if (!map.ok()) return map.status();
  to.global.port_http = map->http.value_or(to.global.port_http);
  to.global.port_https = map->https.value_or(to.global.port_https);
  return Status();
}

Status notify_command(To to, const Args& a) {
  Result<std::string> command = parse_notify_command(a[0], to.resolve);
  if (command.ok()) to.global.notify_command = to.resolve(*command);
  return command.status();
}

Status dns01_command(To to, const Args& a) {
  return keep(to.vhost.dns01_command, parse_dns01_command(a, to.resolve));
}

// The DNS server the check before a first order asks
// (renew/first_order_preflight.h) instead of the system's.
Status preflight_resolver(To to, const Args& a) {
  Result<ResolverOptions> at = parse_preflight_resolver(a[0]);
  if (!at.ok()) return at.status();
  to.global.preflight_server = at->server;
  to.global.preflight_port = at->port;
  return Status();
}

// The cluster directives fill the one ClusterSettings through the parsers
// acmectl --cluster uses too (cluster/cluster_settings.h).
template <auto Parse>
Status cluster_word(To to, const Args& a) {
  return Parse(a[0], &to.global.cluster);
}
template <auto Parse>
Status cluster_words(To to, const Args& a) {
  return Parse(a, &to.global.cluster);
}

using V = VhostDirectives;
using G = GlobalSettings;
constexpr bool kVhost = false;  // also in <VirtualHost>, merged over the main server's
constexpr bool kGlobal = true;

constexpr DirectiveAction kActions[] = {
    // The first CA is used, the others in turn after repeated failures
    // (schedule/ca_resilience.h).
    {"ACMECertificateAuthority", kVhost, all<&V::cas, parse_cas>},
    {"ACMECACertificateFile", kVhost, file<&V::ca_file>},
    {"ACMETrustAnchorFile", kVhost, file<&V::trust_anchor_file>},
    {"ACMETermsOfService", kVhost, terms},
    {"ACMEContactEmail", kVhost, one<&V::contact, parse_contact>},
    {"ACMEExternalAccountBinding", kVhost, eab},
    {"ACMEStoreDir", kGlobal, store_dir},
    {"ACMEDomain", kVhost, domains},
    // One certificate per type (config/key_variants.h).
    {"ACMEKeyType", kVhost, all<&V::key_types, parse_key_types>},
    {"ACMEKeyReuse", kVhost, flag<&V::key_reuse>},
    {"ACMEPreferredChain", kVhost, one<&V::preferred_chain, parse_preferred_chain>},
    {"ACMEProfile", kVhost, profile},
    {"ACMERenewWindow", kVhost, one<&V::renew_window, parse_renew_window_value>},
    {"ACMEActivation", kGlobal, one<&G::manual_activation, parse_activation>},
    {"ACMECheckInterval", kGlobal, one<&G::check_interval, parse_check_interval>},
    {"ACMEMaxParallel", kGlobal, one<&G::max_parallel, parse_max_parallel>},
    {"ACMERetryDelay", kVhost, one<&V::retry_delay, parse_retry_delay>},
    {"ACMEPortMap", kGlobal, port_map},
    {"ACMENotifyCommand", kGlobal, notify_command},
    {"ACMEStapling", kGlobal, flag<&G::stapling>},
    // Most preferred first (solve/challenge_responder.h).
    {"ACMEChallenges", kVhost, all<&V::challenges, parse_challenges>},
    {"ACMEDns01Command", kVhost, dns01_command},
    {"ACMEPreflight", kGlobal, flag<&G::preflight>},
    {"ACMEPreflightResolver", kGlobal, preflight_resolver},
    // A cluster on etcd (issue 10, docs/cluster.md); the rules across them:
    // check_global.
    {"ACMESharedStore", kGlobal, cluster_words<parse_shared_store>},
    {"ACMESharedStorePrefix", kGlobal, cluster_word<parse_shared_store_prefix>},
    {"ACMESharedStoreTLS", kGlobal, cluster_words<parse_shared_store_tls>},
    {"ACMESharedStoreKeyFile", kGlobal, cluster_word<parse_shared_store_key_file>},
    {"ACMENodeName", kGlobal, cluster_word<parse_node_name>},
};

}  // namespace

const DirectiveAction* find_directive(const std::string& name) {
  for (const DirectiveAction& action : kActions) {
    if (name == action.name) return &action;
  }
  return nullptr;
}

}  // namespace acme
