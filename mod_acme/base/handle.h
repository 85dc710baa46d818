// FreeWith<F>: the one deleter for C library objects (OpenSSL, jansson,
// libcurl, libc) held in a std::unique_ptr. F is the library's own free
// function; a null pointer is never passed to it.
//
//   using X509Deleter = FreeWith<X509_free>;
//   std::unique_ptr<X509, X509Deleter> cert(PEM_read_bio_X509(...));
//
// Free functions that are macros (OpenSSL's sk_*_free) get a named inline
// wrapper next to their alias.
#pragma once

namespace acme {

template <auto Free>
struct FreeWith {
  template <class T>
  void operator()(T* p) const {
    if (p) Free(p);
  }
};

}  // namespace acme
