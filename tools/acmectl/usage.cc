// The --help texts: written for admins, with the exit status of each command.
#include "args.h"

#include "base/enum_names.h"

namespace acme::ctl {

namespace {

constexpr const char kOverview[] =
    R"(Usage: acmectl [--store DIR] [--cluster FILE] COMMAND [OPTIONS]

Looks after the certificates of mod_acme, the ACME client module of Apache
httpd, and checks what any HTTPS server sends to its clients.

Commands:
  status                 every certificate mod_acme manages: expiry, next
                         renewal, state and last error (from the store)
  check https://NAME     connect to a server like a client and report its
                         certificate chain, with a FIX: line for each problem
  preflight NAME...      before a first order: does NAME point here, does
                         this httpd answer on port 80, does CAA allow the CA
  renew NAME             ask the running httpd to renew NAME's certificate now
  revoke NAME [REASON]   ask the running httpd to revoke NAME's certificate
  rollover               ask the running httpd to give its ACME accounts new keys
  sync                   on a cluster node, before httpd starts: stage every
                         certificate the cluster issued, verified, so httpd
                         serves it from its first request

Options:
  --store DIR    mod_acme's store (the ACMEStoreDir directive); default
                 $ACME_STORE_DIR, else /var/lib/apache2/acme
  --cluster FILE on a cluster node (ACMESharedStore): the Apache config file
                 holding its ACMEShared* and ACMENodeName lines; status,
                 renew, revoke and rollover then work for the whole cluster
                 through etcd, and sync copies its certificates here (run
                 as root: it reads the cluster key)
  -h, --help     this text; `acmectl COMMAND --help` explains one command
  -V, --version  print the version

Exit status: 0 all is well, 1 a problem was found, 2 wrong usage or the
store or server could not be read.
)";

constexpr const char kStatus[] = R"(Usage: acmectl [--store DIR] [--cluster FILE] status [--json]

Lists every certificate in mod_acme's store: the names with a status record
(status/NAME.json, written by the running httpd) and any live/NAME set
without one. For each: names, key type, serial, expiry (date and days left),
next renewal, state and the last error. Reads only the store: run it as a
user who can read it (root on Debian).

  --json       print a JSON array of the records instead (field names as in
               status/NAME.json: name, names, key_type, state, serial,
               not_before, not_after, next_renewal, last_error, ...)
  --store DIR  the store (ACMEStoreDir); default $ACME_STORE_DIR, else
               /var/lib/apache2/acme
  --cluster FILE
               on a cluster node: the file with its ACMEShared* lines; the
               status records are then the cluster's, read from etcd

Exit status: 0 every certificate is fine; 1 one is expired, in error, or its
last renewal attempt failed; 2 the store could not be read.
)";

constexpr const char kCheck[] =
    R"(Usage: acmectl check [--ca-file FILE] [--connect ADDRESS[:PORT]] https://NAME[:PORT]

Connects to NAME (port 443 unless given) like a TLS client, asking for NAME
(SNI), and reports what the server sends: each certificate of the chain
(subject, issuer, expiry); whether the chain is complete and leads to a
trusted root using only the certificates sent, as strict clients do (no
fetching of missing intermediates); whether the certificate covers NAME; the
days left; and the OCSP status when the certificate names a responder. Every
problem is followed by a FIX: line. Works for any HTTPS server.

  --ca-file FILE            trust the roots in FILE (PEM) instead of the
                            system store, e.g. a private or test CA's root
  --connect ADDRESS[:PORT]  connect to ADDRESS (and PORT, default NAME's) but
                            still ask for and verify NAME, like curl's
                            --connect-to: check a server before DNS points
                            at it, e.g. --connect 192.0.2.10 or [::1]:8443

Exit status:
  0  all is well; warnings (expiry within 7 days, an OCSP responder that did
     not answer or does not know the certificate) are printed but keep 0
  1  an error: missing intermediate, chain not trusted, name not covered,
     expired or not yet valid, self-signed, revoked
  2  wrong usage, or the server could not be reached or the TLS handshake
     failed
)";

constexpr const char kPreflight[] =
    R"(Usage: acmectl [--store DIR] preflight [--ca CA] [--resolver ADDRESS[:PORT]]
                 [--challenges LIST] [--http-port PORT] [--tls-port PORT] NAME...

Before a first order, finds what the CA would otherwise find (and count as a
failed validation against the account). For each NAME:
  - its A and AAAA records: each address, and whether it is one of this host's
    (behind NAT or a load balancer it need not be);
  - through each address: GET http://NAME/.well-known/acme-challenge/PROBE
    (and https://NAME/... on port 443 for tls-alpn-01) must be answered by
    this httpd: the running httpd's watchdog serves a random probe that
    acmectl hands it through the store (requests/_preflight-ID.json), and
    withdraws it afterwards (at the latest after 2 minutes);
  - CAA (RFC 8659): the first CAA record set found climbing from NAME to its
    parents must allow the CA (issue, or issuewild for *.NAME; a critical
    record with an unknown tag forbids every CA);
  - a wildcard *.NAME needs dns-01.
Every problem is followed by a FIX: line. Needs the running httpd (with this
store as its ACMEStoreDir) and write access to the store (root on Debian).

  --ca CA                    the CA: a known name (letsencrypt,
                             letsencrypt-staging, ...) or a directory URL,
                             whose directory's caaIdentities are its issuer
                             domains; or the issuer domain itself, as CAA
                             records name it (letsencrypt.org). Default:
                             the CA of the store's ACME account, if it has
                             exactly one
  --resolver ADDRESS[:PORT]  ask this DNS server (port 53 unless given,
                             [::1]:5353 for IPv6) instead of the system's
  --challenges LIST          the certificate's ACMEChallenges, comma-separated
                             (default http-01); dns-01 here means
                             ACMEDns01Command is set
  --http-port PORT           where the CA's http-01 request arrives (80)
  --tls-port PORT            where its tls-alpn-01 handshake arrives (443)

DNS questions time out after 2 s, each probe after 5 s.

Exit status: 0 every name passed; 1 a problem was found (a FIX: line says
what to change); 2 wrong usage, or something could not be checked (the DNS
server did not answer, the running httpd did not take the probe).
)";

constexpr const char kRenew[] = R"(Usage: acmectl [--store DIR] [--cluster FILE] renew NAME

Asks the running httpd to renew NAME's certificate now, whatever its expiry:
writes requests/NAME.json into the store, which mod_acme's watchdog picks up
within seconds. NAME is the first name of an ACMEDomain line (as in
`acmectl status`). Run it as a user who can write the store (root on Debian).
With --cluster FILE (the file with the node's ACMEShared* lines) the request
goes to etcd and the node that holds the certificate's lock renews it.

Exit status: 0 the request is written; 1 NAME is not managed in this store;
2 wrong usage or the store could not be written.
)";

constexpr const char kRevoke[] =
    R"(Usage: acmectl [--store DIR] [--cluster FILE] revoke NAME [REASON]

Asks the running httpd to revoke NAME's certificate at its CA and to order a
replacement with a new key: writes requests/NAME.json into the store, which
mod_acme's watchdog picks up within seconds. Revoke when the private key may
have leaked (keyCompromise); to replace a certificate for any other reason,
renew it.

REASON (RFC 5280 CRLReason): unspecified (default), keyCompromise,
affiliationChanged, superseded, cessationOfOperation, or its number.

Exit status: 0 the request is written; 1 NAME is not managed in this store;
2 wrong usage or the store could not be written.
)";

constexpr const char kRollover[] = R"(Usage: acmectl [--store DIR] [--cluster FILE] rollover

Asks the running httpd to replace the key of each of its ACME accounts (one
per CA in use) with a new one (RFC 8555 key rollover): the account, its URL
and its certificates stay. Do it when the old key may have leaked, or as
routine. Writes requests/_account-rollover.json into the store, which
mod_acme's watchdog picks up within seconds; the new key replaces
accounts/CA/account.key.pem only after the CA accepted it.

Exit status: 0 the request is written; 1 there is no account in this store
yet; 2 wrong usage or the store could not be written.
)";

constexpr const char kSync[] = R"(Usage: acmectl --cluster FILE [--store DIR] sync

On a node of a cluster (ACMESharedStore), before httpd starts: copies every
certificate the cluster has issued (the set `current` of each name in etcd)
into this node's store, so httpd serves it from its first request instead of
a self-signed fallback. Each set is read from etcd, its key opened with the
cluster key (ACMESharedStoreKeyFile), verified as httpd's watchdog verifies a
set from the cluster (the chain leads to a trust anchor, the key matches the
certificate, it covers the names, it is valid now) and staged in
staging/NAME/; httpd's parent verifies it again and activates it when it
starts. A certificate this node serves or has staged already is left as it
is. Run it as root (it reads the cluster key), e.g. as an ExecStartPre= of
apache2.service (see the README's cluster section).

  --cluster FILE  the file with this node's ACMESharedStore* and ACMENodeName
                  lines (required); its ACMETrustAnchorFile line outside any
                  <VirtualHost>, if any, names the trust anchors (else the
                  system's store)
  --store DIR     the store (ACMEStoreDir); default $ACME_STORE_DIR, else
                  /var/lib/apache2/acme

Prints one line per certificate (staged; already current; or not staged, with
the cause and the fix) and a summary.

Exit status: 0 every set is staged or current already; 1 a set was not staged
(it fails verification, its key does not open with this cluster key, etcd
failed midway); 2 wrong usage, or FILE, the store or etcd could not be used
(nothing was written).
)";

// Each command's text; kOverview for none.
constexpr EnumName<Command> kUsages[] = {
    {Command::kStatus, kStatus}, {Command::kCheck, kCheck},       {Command::kRenew, kRenew},
    {Command::kRevoke, kRevoke}, {Command::kRollover, kRollover}, {Command::kPreflight, kPreflight},
    {Command::kSync, kSync},
};

}  // namespace

std::string usage_text(Command command) {
  return name_of(command, kUsages, kOverview);
}

}  // namespace acme::ctl
