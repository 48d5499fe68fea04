//! No output form of anything the crate returns prints a secret: for every operation, every
//! declared status, a decode failure, an undeclared status and a refused connection, with the
//! key and another secret in the bodies, the client's key and the base URL's password.

mod secret_support;

/// One test per operation, made from the document; the generator formats it.
#[rustfmt::skip]
#[path = "no_secret_in_output/operations.rs"]
mod operations;
