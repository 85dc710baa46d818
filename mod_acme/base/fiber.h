// Fiber: a cooperative task on its own stack, run on the calling thread
// (POSIX ucontext). Lets the watchdog interleave many RenewalJob steps on
// one thread: a step written as straight-line code suspends inside
// HttpClient::send while its request is in flight (http/curl_multi.h) and
// the renewer resumes it when the answer is there (docs/decisions.md,
// "Many orders at once").
//
// Contract: resume() runs the fiber until it yields or returns; only the
// thread that created it resumes it. A fiber is never destroyed while
// suspended (its stack objects would not be destroyed): the owner resumes
// it until done(). No exception may leave the function.
#pragma once

#include <ucontext.h>

#include <functional>
#include <memory>

namespace acme {

class Fiber {
 public:
  static constexpr std::size_t kStackSize = 256 * 1024;

  explicit Fiber(std::function<void()> body);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs until the body yields or returns; false once it has returned.
  bool resume();
  bool done() const { return done_; }
  // Ready to resume: never waited, or what it waits on has happened.
  bool ready() const { return !wait_flag_ || *wait_flag_; }

  // The fiber running on this thread, or nullptr (plain thread code).
  static Fiber* current();
  // Inside a fiber: back to whoever resumed it.
  static void yield();
  // Inside a fiber: yield until *flag is true (set by someone else).
  static void wait_for(const bool* flag);

 private:
  static void trampoline(unsigned int hi, unsigned int lo);

  std::function<void()> body_;
  void* stack_ = nullptr;  // mmap'd, with a guard page below
  ucontext_t context_{};
  ucontext_t caller_{};
  const bool* wait_flag_ = nullptr;
  bool done_ = false;
};

}  // namespace acme
