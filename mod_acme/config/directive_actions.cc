#include "config/directive_actions.h"

#include <iterator>
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
    {"ACMECertificateAuthority", kVhost, Arity::kWords, all<&V::cas, parse_cas>,
     "ACME directory URL or known CA name; more: failover in that order"},
    {"ACMECACertificateFile", kVhost, Arity::kOne, file<&V::ca_file>,
     "PEM roots trusted for the CA's HTTPS API"},
    {"ACMETrustAnchorFile", kVhost, Arity::kOne, file<&V::trust_anchor_file>,
     "PEM roots issued chains must verify to"},
    {"ACMETermsOfService", kVhost, Arity::kOne, terms,
     "'agreed' once you have read the CA's terms"},
    {"ACMEContactEmail", kVhost, Arity::kOne, one<&V::contact, parse_contact>,
     "contact e-mail for the ACME account"},
    {"ACMEExternalAccountBinding", kVhost, Arity::kOneOrTwo, eab,
     "KID HMAC-KEY from the CA, or a JSON file {\"kid\", \"hmac_key\"}"},
    {"ACMEStoreDir", kGlobal, Arity::kOne, store_dir,
     "directory for accounts, keys and certificates"},
    {"ACMEDomain", kVhost, Arity::kWords, domains,
     "names for this virtual host's certificate; the first names it"},
    // One certificate per type (config/key_variants.h).
    {"ACMEKeyType", kVhost, Arity::kWords, all<&V::key_types, parse_key_types>,
     "one or two of rsa2048, rsa3072, rsa4096, p256, p384 (one RSA, one ECDSA)"},
    {"ACMEKeyReuse", kVhost, Arity::kFlag, flag<&V::key_reuse>,
     "off (default): a new key per certificate; on: renewals keep the live key"},
    {"ACMEPreferredChain", kVhost, Arity::kOne, one<&V::preferred_chain, parse_preferred_chain>,
     "issuer name (CN) the chain's topmost certificate should have"},
    {"ACMEProfile", kVhost, Arity::kOneOrTwo, profile,
     "certificate profile the CA offers; 'mandatory': no order without it"},
    {"ACMERenewWindow", kVhost, Arity::kOne, one<&V::renew_window, parse_renew_window_value>,
     "renew when less than this remains: 33% or 30d"},
    {"ACMEActivation", kGlobal, Arity::kOne, one<&G::manual_activation, parse_activation>,
     "auto (graceful restart by the module) or manual"},
    {"ACMECheckInterval", kGlobal, Arity::kOne, one<&G::check_interval, parse_check_interval>,
     "how often the watchdog looks at the certificates"},
    {"ACMEMaxParallel", kGlobal, Arity::kOne, one<&G::max_parallel, parse_max_parallel>,
     "orders the watchdog runs at once (1-1024)"},
    {"ACMERetryDelay", kVhost, Arity::kOne, one<&V::retry_delay, parse_retry_delay>,
     "first delay after a failure; doubles up to a day"},
    {"ACMEPortMap", kGlobal, Arity::kWords, port_map, "80:LOCAL 443:LOCAL ports the CA reaches"},
    {"ACMENotifyCommand", kGlobal, Arity::kWholeLine, notify_command,
     "program called as PROGRAM NAME EVENT on renewed, installed, expiring, errored, "
     "revoked, ocsp-errored"},
    {"ACMEStapling", kGlobal, Arity::kFlag, flag<&G::stapling>,
     "on (default): fetch, verify and staple OCSP responses for managed certificates"},
    // Most preferred first (solve/challenge_responder.h).
    {"ACMEChallenges", kVhost, Arity::kWords, all<&V::challenges, parse_challenges>,
     "challenge types to use, most preferred first: http-01, tls-alpn-01, dns-01"},
    {"ACMEDns01Command", kVhost, Arity::kWords, dns01_command,
     "program [args], run as PROGRAM [ARGS] setup|teardown NAME TOKEN TXTVALUE "
     "for dns-01 (needed for wildcard names)"},
    {"ACMEPreflight", kGlobal, Arity::kFlag, flag<&G::preflight>,
     "on (default): check each name's DNS, reachability and CAA before its first "
     "order and warn (ACME10180)"},
    {"ACMEPreflightResolver", kGlobal, Arity::kOne, preflight_resolver,
     "ADDRESS:PORT of the DNS server the preflight asks (default: the system's)"},
    // A cluster on etcd (issue 10, docs/cluster.md); the rules across them:
    // check_global.
    {"ACMESharedStore", kGlobal, Arity::kWords, cluster_words<parse_shared_store>,
     "etcd URL...: a cluster's shared state in etcd"},
    {"ACMESharedStorePrefix", kGlobal, Arity::kOne, cluster_word<parse_shared_store_prefix>,
     "the cluster's etcd key prefix (default /mod_acme)"},
    {"ACMESharedStoreTLS", kGlobal, Arity::kWords, cluster_words<parse_shared_store_tls>,
     "CERT KEY CA: client certificate for etcd"},
    {"ACMESharedStoreKeyFile", kGlobal, Arity::kOne, cluster_word<parse_shared_store_key_file>,
     "the cluster key (root's, mode 0600)"},
    {"ACMENodeName", kGlobal, Arity::kOne, cluster_word<parse_node_name>,
     "this node's name in the cluster (default: host name)"},
};

static_assert(std::size(kActions) == kDirectiveCount, "kDirectiveCount counts kActions");

}  // namespace

const DirectiveAction* directive_actions() {
  return kActions;
}

const DirectiveAction* find_directive(const std::string& name) {
  for (const DirectiveAction& action : kActions) {
    if (name == action.name) return &action;
  }
  return nullptr;
}

}  // namespace acme
