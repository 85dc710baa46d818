// LogSink: where the core writes what an admin should read.
//
// The core never prints. It writes to an injected LogSink with a stable
// message number (see MsgId) so admins can grep their error log; httpd/
// maps this onto ap_log_error as "ACMEnnnnn: text".
#pragma once

#include <string>

namespace acme {

enum class LogLevel { kError, kWarn, kNotice, kInfo, kDebug };

// Stable message numbers. Never renumber: admins and monitoring grep them.
enum MsgId : int {
  kMsgGeneric = 10000,
  kMsgConfig = 10001,          // configuration problem found at startup
  kMsgAccountCreated = 10010,  // a new ACME account was registered
  kMsgAccountReused = 10011,
  kMsgAccountError = 10012,
  kMsgOrderStarted = 10020,
  kMsgOrderProgress = 10021,
  kMsgOrderFailed = 10022,  // an order failed; retried later with backoff
  kMsgChallengeFailed = 10023,
  kMsgCertStaged = 10030,     // a new certificate set is stored and verified
  kMsgCertRejected = 10031,   // a set failed verification and is never activated
  kMsgCertActivated = 10032,  // the parent promoted a set into live/
  kMsgActivationRestart = 10033,
  kMsgActivationManual = 10034,
  kMsgRenewalDue = 10040,
  kMsgRenewalBackoff = 10041,
  kMsgFallback = 10050,  // a vhost serves a self-signed fallback for now
  kMsgStoreError = 10060,
  kMsgWatchdog = 10070,
  kMsgCaProblem = 10080,          // an RFC 8555 problem document from the CA
  kMsgNotify = 10090,             // ACMENotifyCommand ran (or failed)
  kMsgAdminRequest = 10100,       // acmectl renew / revoke picked up
  kMsgRevoked = 10101,            // a certificate was revoked
  kMsgOcsp = 10110,               // OCSP status fetched / stapled
  kMsgOcspError = 10111,          // OCSP could not be fetched or verified
  kMsgOcspRevoked = 10112,        // the responder says a live certificate is revoked
  kMsgIssuerFetched = 10170,      // a missing intermediate was fetched ("up" link or AIA)
  kMsgIssuerMissing = 10171,      // a missing intermediate could not be fetched
  kMsgAccountUpdated = 10120,     // the account's contact was changed at the CA (§7.3.2)
  kMsgAccountKeyChanged = 10121,  // account key rollover (acmectl rollover), or why it failed
  kMsgChainChoice = 10130,        // ACMEPreferredChain: the alternate chain used, or none matched
  kMsgKeyReuse = 10131,           // ACMEKeyReuse: the live key kept for the renewal
  kMsgDns01 = 10140,              // ACMEDns01Command ran setup/teardown (or failed)
  kMsgRenewalInfo = 10150,        // RFC 9773 renewal window fetched and renewal time chosen
  kMsgCaFailover = 10151,         // the next ACMECertificateAuthority is used after failures
  kMsgOrderFallback = 10152,      // ordered without "replaces" or ACMEProfile, and why
  kMsgTlsAlpnConfig = 10160,      // tls-alpn-01 wanted, but the vhost does not allow acme-tls/1
  kMsgTlsAlpnAnswer = 10161,      // the CA's acme-tls/1 handshake answered (or nothing to show)
  kMsgRateLimited = 10190,  // a CA answered 429: all its jobs wait for its Retry-After (was 10170,
                            // which kMsgIssuerFetched had first)
  kMsgPreflight = 10180,    // preflight before a first order found a problem (order goes ahead)
  kMsgClusterChallenge = 10200,  // a cluster node did not ack a challenge answer in time,
                                 // no node was ready for the CA in time, or a node
                                 // refused an answer published in etcd
  kMsgSharedSet = 10210,         // cluster: a certificate set published to, or awaited from, etcd
  kMsgCluster = 10220,           // cluster: this node's name, prefix and etcd members at start
  kMsgClusterWithdraw = 10230,   // cluster: a challenge answer not withdrawn from etcd (retried)
  kMsgClusterStore = 10240,      // cluster: the shared store (etcd) loaded, unreachable, back
  kMsgClusterOrder = 10241,      // cluster: another node holds a certificate's lock, or renewed it
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void log(LogLevel level, int msgno, const std::string& message) = 0;
};

}  // namespace acme
