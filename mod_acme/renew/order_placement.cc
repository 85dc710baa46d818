#include "renew/order_placement.h"

#include <algorithm>

#include "acme/problem.h"
#include "renew/ari_schedule.h"

namespace acme {

namespace {

std::string offered(const Directory& dir) {
  std::string list;
  for (const auto& p : dir.profiles) list += (list.empty() ? "" : ", ") + p;
  return list.empty() ? "none" : list;
}

Status profile_error(const ManagedCert& cert, const std::string& ca, const std::string& why) {
  return Status(Code::kInvalidArgument,
                "ACMEProfile " + cert.profile + " mandatory: " + why + " (" + ca +
                    "); choose a profile the CA offers, drop 'mandatory' to order without "
                    "one, or use another ACMECertificateAuthority");
}

// The profile to ask for: the configured one if the CA offers it.
Result<std::string> profile_for(const ManagedCert& cert, const Directory& dir,
                                const std::string& ca, LogSink& log) {
  if (cert.profile.empty()) return std::string();
  if (std::count(dir.profiles.begin(), dir.profiles.end(), cert.profile)) return cert.profile;
  const std::string why =
      "the CA offers no profile '" + cert.profile + "' (it offers " + offered(dir) + ")";
  if (cert.profile_mandatory) return profile_error(cert, ca, why);
  log.log(LogLevel::kWarn, kMsgOrderFallback,
          "ordering " + cert.name + " without ACMEProfile: " + why + " (" + ca + ")");
  return std::string();
}

}  // namespace

bool replaces_refused(const Status& error) {
  if (error.tag() == problem::kAlreadyReplaced) return true;
  bool names_replaces = error.message().find("replaces") != std::string::npos;
  bool conflict = error.message().find("HTTP 409") != std::string::npos;
  return names_replaces && (error.tag() == problem::kMalformed || conflict);
}

Result<Order> place_order(AcmeClient& client, const ManagedCert& cert, const Store& store,
                          LogSink& log) {
  auto dir = client.directory();
  if (!dir.ok()) return dir.status();
  const std::string& ca = client.directory_url();
  NewOrderOptions options;
  auto profile = profile_for(cert, **dir, ca, log);
  if (!profile.ok()) return profile.status();
  options.profile = *profile;
  if (!(*dir)->renewal_info.empty()) {
    auto id = live_cert_id(store, cert.name);
    if (id.ok()) options.replaces = *id;
  }
  // Each refused extension is dropped once; at most two more orders.
  for (int attempt = 0;; ++attempt) {
    auto order = new_order(client, cert.names, options);
    if (order.ok() || attempt >= 2) return order;
    const Status& error = order.status();
    if (!options.replaces.empty() && replaces_refused(error)) {
      log.log(LogLevel::kNotice, kMsgOrderFallback,
              "the CA did not accept that the order for " + cert.name + " replaces " +
                  options.replaces + " (" + error.message() + "); ordering without \"replaces\"");
      options.replaces.clear();
    } else if (!options.profile.empty() && error.tag() == problem::kInvalidProfile) {
      if (cert.profile_mandatory) return profile_error(cert, ca, error.message());
      log.log(LogLevel::kWarn, kMsgOrderFallback,
              "the CA refused ACMEProfile " + options.profile + " for " + cert.name + " (" +
                  error.message() + "); ordering without a profile");
      options.profile.clear();
    } else {
      return order;
    }
  }
}

}  // namespace acme
