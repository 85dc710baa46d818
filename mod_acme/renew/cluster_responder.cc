// ClusterResponder: implements renew/cluster_responder.h.
#include "renew/cluster_responder.h"

#include <vector>

#include "base/text.h"

namespace acme {

namespace {

std::string described(const ChallengeAnswer& a) {
  return std::string(challenge_kind_name(a.kind)) + " answer for " + a.identifier + " (token " +
         a.token + ")";
}

}  // namespace

ClusterResponder::ClusterResponder(Http01Responder& local, ChallengePublisher& publisher,
                                   LogSink& log)
    : local_(local), kind_(ChallengeKind::kHttp01), publisher_(publisher), log_(log) {}

ClusterResponder::ClusterResponder(TlsAlpn01Responder& local, ChallengePublisher& publisher,
                                   LogSink& log)
    : local_(local),
      alpn_(&local),
      kind_(ChallengeKind::kTlsAlpn01),
      publisher_(publisher),
      log_(log) {}

// RFC 8555 §7.5.1: the CA is told to validate (the job's next move after an
// ok) only once every node can answer it, or the bound has passed.
Status ClusterResponder::publish(const Identifier& id, const std::string& token,
                                 const std::string& key_authorization) {
  ACME_RETURN_IF_ERROR(local_.publish(id, token, key_authorization));
  auto answer = answer_of(id, token, key_authorization);
  ACME_RETURN_IF_ERROR(answer);
  left_.erase(token);  // published again (a reused authorization): not to be deleted
  Status put = publisher_.publish(*answer);
  if (!put.ok()) return put.with_context("sharing the " + described(*answer) + " through etcd");
  retry_withdrawals();  // etcd answers again
  auto went = went_.find(token);
  if (went != went_.end() && went->second.revision == publisher_.revision(token)) return Status();
  auto report = publisher_.ready(token);
  if (!report.ok()) {
    return report.status().with_context("waiting for the cluster's nodes to serve the " +
                                        described(*answer));
  }
  return judge(*answer, *report);
}

Result<ChallengeAnswer> ClusterResponder::answer_of(const Identifier& id, const std::string& token,
                                                    const std::string& key_authorization) const {
  ChallengeAnswer a{token, kind_, id.value, key_authorization};
  if (!alpn_) return a;  // http-01 (RFC 8555 §8.3): the key authorization itself
  // RFC 8737 §3: the certificate the CA's handshake must show, with its key.
  a.answer = alpn_->served_pems(id, token);
  if (a.answer.empty()) {
    return Status(Code::kNotFound, "the " + described(a) +
                                       " is not what this node serves: not shared with the "
                                       "cluster; published again on the next step");
  }
  return a;
}

Status ClusterResponder::judge(const ChallengeAnswer& a, const AckReport& report) {
  if (!report.go && !report.missing.empty()) {
    return Status(Code::kPending,
                  "the " + described(a) + " waits for node(s) " + join(report.missing, ", ") +
                      " to serve it from etcd" +
                      (report.some_ready ? "" : ", and for a node ready for the CA,") +
                      " before the CA is told to validate");
  }
  if (!report.go) {
    return Status(Code::kPending, "the " + described(a) +
                                      " waits for a node ready for the CA (each node that "
                                      "serves it is restarting) before the CA is told to "
                                      "validate");
  }
  Went& went = went_[a.token];
  went.revision = publisher_.revision(a.token);
  if (!went.warned && (!report.all_acked || !report.some_ready)) {
    went.warned = true;
    log_.log(LogLevel::kWarn, kMsgClusterChallenge,
             !report.all_acked ? not_acked_message(a, report)
                               : none_ready_message(a, publisher_.options().no_ready_bound));
  }
  return Status();
}

void ClusterResponder::withdraw(const Identifier& id, const std::string& token) {
  local_.withdraw(id, token);
  went_.erase(token);
  // Always asked of etcd, even for a token this object never published: a
  // job resumed after a restart withdraws what the previous process shared.
  if (withdraw_from_etcd(token)) retry_withdrawals();
}

bool ClusterResponder::withdraw_from_etcd(const std::string& token) {
  Status gone = publisher_.withdraw(token);
  if (gone.ok()) {
    if (left_.erase(token)) {
      log_.log(LogLevel::kInfo, kMsgClusterWithdraw,
               "challenge answer (token " + token + ") withdrawn from etcd after all");
    }
    return true;
  }
  if (left_.insert(token).second) {
    log_.log(LogLevel::kWarn, kMsgClusterWithdraw,
             "challenge answer (token " + token +
                 ") not withdrawn from etcd; every node serves it until it is (retried when "
                 "etcd answers again): " +
                 gone.message());
  }
  return false;
}

void ClusterResponder::retry_withdrawals() {
  // A copy: each request lets other fibers run, which may change left_.
  const std::vector<std::string> tokens(left_.begin(), left_.end());
  for (const std::string& token : tokens) {
    if (left_.count(token) && !withdraw_from_etcd(token)) return;  // etcd away again
  }
}

}  // namespace acme
