// EnumNames: an enum's spellings as one table of (enumerator, name) rows,
// read both ways, so a name is written once for printing and parsing alike
// (ACME statuses, key types, status codes, acmectl's commands).
//
// A table lists every enumerator: name_of()'s `otherwise` answers only for a
// value outside the enum (or one a table forgot). The first row of a value
// is its name; further rows for it are accepted spellings (aliases).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace acme {

template <class E>
using EnumName = std::pair<E, const char*>;

template <class E, std::size_t N>
const char* name_of(E value, const EnumName<E> (&names)[N], const char* otherwise) {
  for (const auto& row : names)
    if (row.first == value) return row.second;
  return otherwise;
}

// The enumerator spelled exactly `name`, if any.
template <class E, std::size_t N>
std::optional<E> enum_named(const std::string& name, const EnumName<E> (&names)[N]) {
  for (const auto& row : names)
    if (name == row.second) return row.first;
  return std::nullopt;
}

// Every spelling, in table order, separated by ", " (for error messages).
template <class E, std::size_t N>
std::string enum_spellings(const EnumName<E> (&names)[N]) {
  std::string out;
  for (const auto& row : names) out += std::string(out.empty() ? "" : ", ") + row.second;
  return out;
}

}  // namespace acme
