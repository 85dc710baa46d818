// The newOrder of a renewal job (RFC 8555 §7.4) with the two extensions a
// renewal may carry, and what to do when the CA refuses them:
//
//   "replaces"  RFC 9773 §5: the certID of the live certificate, sent when
//               the CA's directory offers renewalInfo. Refused (alreadyReplaced,
//               or malformed/conflict naming "replaces"): ordered once more
//               without it; someone else replaced it already, or the CA
//               does not know it.
//   "profile"   draft-ietf-acme-profiles, ACMEProfile: sent when the CA's
//               directory lists it. Not listed or refused (invalidProfile):
//               ordered without it and a warning, unless "mandatory", then
//               the attempt fails with an error naming the directive.
#pragma once

#include <string>

#include "acme/client.h"
#include "acme/order.h"
#include "base/log.h"
#include "config/managed_cert.h"
#include "store/store.h"

namespace acme {

Result<Order> place_order(AcmeClient& client, const ManagedCert& cert, const Store& store,
                          LogSink& log);

// The CA refused the "replaces" of an order (RFC 9773 §5, §7.4).
bool replaces_refused(const Status& error);

}  // namespace acme
