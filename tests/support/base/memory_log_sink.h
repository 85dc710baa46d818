// MemoryLogSink: keeps log lines in memory for a test to read. A test
// double: lives with the tests (tests/support), never in mod_acme.so.
#pragma once

#include <string>
#include <vector>

#include "base/log.h"

namespace acme {

class MemoryLogSink : public LogSink {
 public:
  struct Line {
    LogLevel level;
    int msgno;
    std::string message;
  };
  void log(LogLevel level, int msgno, const std::string& message) override {
    lines.push_back({level, msgno, message});
  }
  bool contains(const std::string& needle) const {
    for (const auto& l : lines)
      if (l.message.find(needle) != std::string::npos) return true;
    return false;
  }
  int count(const std::string& needle) const {
    int n = 0;
    for (const auto& l : lines) n += l.message.find(needle) != std::string::npos;
    return n;
  }
  std::vector<Line> lines;
};

}  // namespace acme
