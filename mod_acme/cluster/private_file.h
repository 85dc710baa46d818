// read_private_file: how root reads a secret file whose path an admin gave
// (ACMESharedStoreKeyFile), under shared/DESIGN.md's privilege rule: root
// never follows a path through a directory the child user can write.
//
// The path is resolved one component at a time from a descriptor of "/"
// (openat with O_DIRECTORY|O_NOFOLLOW, Postfix safe_open()'s way, OpenSSH's
// StrictModes rule for what is trusted): every directory, link and the file
// on the way must belong to root or the caller, and every directory must be
// writable by nobody else, unless it is sticky (as /tmp: others may add names
// there but not replace root's). A symbolic link is followed only under those
// rules, at most 16 of them. The file must be a regular file, opened
// O_NOFOLLOW|O_NONBLOCK, that group and others cannot access at all, of at
// most max_bytes. So a child user who can write some directory on the way
// can neither plant the file nor redirect root through a link.
//
// Errors (kInvalidArgument) name the path or the directory at fault, the
// cause and the fix; a missing file is kNotFound; an accessible-by-others file
// is tagged kPrivateFileMode so the caller can phrase the chmod fix.
#pragma once

#include <cstddef>
#include <string>

#include "base/status.h"

namespace acme {

constexpr const char* kPrivateFileMode = "mode";

Result<std::string> read_private_file(const std::string& path, std::size_t max_bytes);

}  // namespace acme
