#include "base/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace acme {

namespace {
thread_local Fiber* t_current = nullptr;

std::size_t page_size() {
  return static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}
}  // namespace

Fiber::Fiber(std::function<void()> body) : body_(std::move(body)) {
  // A guard page below the stack: an overflow faults instead of corrupting.
  stack_ = mmap(nullptr, kStackSize + page_size(), PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (stack_ == MAP_FAILED) std::abort();  // out of address space: nothing sane to do
  mprotect(stack_, page_size(), PROT_NONE);
  getcontext(&context_);
  context_.uc_stack.ss_sp = static_cast<char*>(stack_) + page_size();
  context_.uc_stack.ss_size = kStackSize;
  context_.uc_link = &caller_;  // returning from the body goes back to resume()
  auto self = reinterpret_cast<std::uintptr_t>(this);
  makecontext(&context_, reinterpret_cast<void (*)()>(&Fiber::trampoline), 2,
              static_cast<unsigned int>(self >> 32), static_cast<unsigned int>(self));
}

Fiber::~Fiber() {
  munmap(stack_, kStackSize + page_size());
}

void Fiber::trampoline(unsigned int hi, unsigned int lo) {
  auto* self = reinterpret_cast<Fiber*>((static_cast<std::uintptr_t>(hi) << 32) | lo);
  self->body_();
  self->done_ = true;
  t_current = nullptr;
}

bool Fiber::resume() {
  if (done_) return false;
  Fiber* outer = t_current;  // resume() is not nested in practice; kept correct anyway
  t_current = this;
  wait_flag_ = nullptr;
  swapcontext(&caller_, &context_);
  t_current = outer;
  return !done_;
}

Fiber* Fiber::current() {
  return t_current;
}

void Fiber::yield() {
  Fiber* self = t_current;
  if (!self) return;
  swapcontext(&self->context_, &self->caller_);
}

void Fiber::wait_for(const bool* flag) {
  Fiber* self = t_current;
  if (!self) return;
  while (!*flag) {
    self->wait_flag_ = flag;
    yield();
  }
}

}  // namespace acme
