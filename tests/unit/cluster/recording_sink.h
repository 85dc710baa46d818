// RecordingSink: a ChallengeSink (cluster/challenge_subscriber.h) that keeps
// what a node would serve, by token, so tests see what each node answers.
// `refuse` makes publish() fail as a full shared-memory table would.
#pragma once

#include <map>
#include <string>

#include "cluster/challenge_subscriber.h"

namespace acme {
namespace testing {

class RecordingSink : public ChallengeSink {
 public:
  Status publish(const ChallengeAnswer& a) override {
    ++publishes;
    if (refuse) return Status(Code::kIo, "challenge table full");
    served[a.token] = a;
    return Status();
  }
  void withdraw(const ChallengeAnswer& a) override {
    ++withdrawals;
    served.erase(a.token);
  }
  bool serves(const std::string& token, const std::string& answer) const {
    auto it = served.find(token);
    return it != served.end() && it->second.answer == answer;
  }

  std::map<std::string, ChallengeAnswer> served;
  int publishes = 0;
  int withdrawals = 0;
  bool refuse = false;
};

// A certificate + key PEM pair as the node's AlpnCertTable holds it (the
// record only checks the PEM labels; the bytes are not parsed).
inline std::string alpn_pems(const std::string& tag) {
  return "-----BEGIN CERTIFICATE-----\nCERT" + tag + "\n-----END CERTIFICATE-----\n" +
         "-----BEGIN PRIVATE KEY-----\nKEY" + tag + "\n-----END PRIVATE KEY-----\n";
}

}  // namespace testing
}  // namespace acme
