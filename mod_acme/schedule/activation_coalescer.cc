#include "schedule/activation_coalescer.h"

namespace acme {

ActivationCoalescer::ActivationCoalescer(std::uint64_t seen, std::size_t awaited, Options options)
    : options_(options), seen_(seen), last_(seen), awaited_(awaited) {}

bool ActivationCoalescer::restart_due(std::uint64_t generation, Instant now) {
  if (generation < seen_) {  // a counter that went back (a new region): start over
    seen_ = last_ = generation;
    pending_ = false;
    return false;
  }
  if (generation != last_) {
    if (!pending_) first_change_ = now;
    pending_ = true;
    last_ = generation;
    last_change_ = now;
  }
  if (!pending_ || !batch_complete(now)) return false;
  std::uint64_t staged = last_ - seen_;
  activated_ += staged;
  // Sets still awaited after this restart: the next configuration counts
  // them again, but until then a later batch must not wait for them.
  awaited_ = staged >= awaited_ ? 0 : awaited_ - staged;
  seen_ = last_;
  pending_ = false;
  return true;
}

bool ActivationCoalescer::batch_complete(Instant now) const {
  if (awaited_ > 0 && last_ - seen_ >= awaited_) return true;  // nothing left to wait for
  if (now < not_before_) return false;
  return now - last_change_ >= options_.quiet || now - first_change_ >= options_.max_wait;
}

}  // namespace acme
